"""`tthc list`, `show`, `schema`, and the synthetic catalogue used by the benchmarks."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from analysis.consistency import check_catalogue
from catalogue.cli import app
from catalogue.store import open_catalogue
from catalogue.synthetic import synthetic_catalogue
from models.common import fold
from models.procedure import Procedure

runner = CliRunner()


def test_fold_removes_vietnamese_diacritics() -> None:
    assert fold("Đăng ký kết hôn") == "dang ky ket hon"
    assert fold("Thuế") == fold("thue")


def test_list_finds_with_or_without_diacritics(data_copy: Path) -> None:
    for query in ("dang ky khai sinh", "đăng ký khai sinh", "KHAI SINH"):
        result = runner.invoke(app, ["list", query, "--data", str(data_copy)])
        assert result.exit_code == 0, result.output
        assert "1.001193" in result.output and "1 thủ tục" in result.output
    result = runner.invoke(app, ["list", "ket hon", "--data", str(data_copy)])
    assert "0 thủ tục" in result.output


def test_list_matches_whole_words_from_their_start() -> None:
    # «hon» is the start of «hôn», not a piece of «không»; «ket» is «kết» in «kết hôn» and in «kết cấu hạ tầng»: the
    # land registration record (1.013831) has both «đăng ký» and «kết cấu», but no word starting with «hon».
    out = runner.invoke(app, ["list", "dang ky ket hon"]).output
    assert "1.000894" in out and "1.013831" not in out
    assert "1.001193" in runner.invoke(app, ["list", "khai si"]).output  # the last word may be unfinished
    assert "1.001193" in runner.invoke(app, ["list", "001193"]).output


def test_list_finds_a_procedure_by_its_common_name_first() -> None:
    """«sổ đỏ» is no word of the law: the records' common names find the land procedures, before the records whose
    words merely start with «so» and «do» («số», «đối»)."""
    out = runner.invoke(app, ["list", "so do"], env={"COLUMNS": "200"}).output
    land = ["1.011441", "1.012783", "1.012784", "1.012786", "1.013831", "1.013978"]
    assert all(code in out for code in land), out
    by_chance = out.index("2.000591")  # «cơ sở … đủ điều kiện»: listed, but after
    assert all(out.index(code) < by_chance for code in land)
    assert "Còn gọi: mất sổ đỏ" in out
    assert "1.116410" in runner.invoke(app, ["list", "cccd"]).output
    assert "Tên gọi thông dụng: CCCD" in runner.invoke(app, ["show", "1.116410"]).output


def test_list_names_the_records_due_a_new_look_at_their_source() -> None:
    """Staff plan the next currency check from the records not read from or checked against their source since a
    day, the longest unchecked first, each with its last day; an abolished record is not due."""
    everything = open_catalogue().procedures
    records = [p for p in everything.values() if p.status != "abolished"]
    due = sorted((p.provenance.last_checked, p.code) for p in records if p.provenance.last_checked < date(2026, 12, 8))
    checked = [p.code for p in records if any(c.day == date(2026, 12, 8) for c in p.provenance.checked)]
    assert due and "2.001610" in checked and everything["1.011537"].provenance.last_checked < date(2026, 12, 8)
    out = runner.invoke(app, ["list", "--checked-before", "2026-12-08"], env={"COLUMNS": "200"}).output
    rows = re.findall(r"│ (\d\.\d{6}) .*│ (\d\d/\d\d/\d{4}) +│", out)
    assert rows == [(code, f"{day:%d/%m/%Y}") for day, code in due]
    assert f"{len(due)} thủ tục" in out and not set(checked) & {code for code, _ in rows} and "1.011537" not in out
    bad = runner.invoke(app, ["list", "--checked-before", "8/12/2026"])
    assert bad.exit_code != 0 and "--checked-before" in bad.output


def test_list_filters(data_copy: Path) -> None:
    assert "1 thủ tục" in runner.invoke(app, ["list", "--level", "commune", "--data", str(data_copy)]).output
    assert "0 thủ tục" in runner.invoke(app, ["list", "--level", "province", "--data", str(data_copy)]).output
    assert "1 thủ tục" in runner.invoke(app, ["list", "--field", "ho tich", "--data", str(data_copy)]).output
    assert "1 thủ tục" in runner.invoke(app, ["list", "--agency", "ubnd-xa", "--data", str(data_copy)]).output
    # A level by its Vietnamese name, with or without diacritics and «cấp»; an unknown level or agency is an error.
    for level in ("xã", "Cấp xã", "xa"):
        assert "1 thủ tục" in runner.invoke(app, ["list", "--level", level, "--data", str(data_copy)]).output
    bad = runner.invoke(app, ["list", "--level", "bogus", "--data", str(data_copy)])
    assert bad.exit_code == 2 and "commune (Cấp xã)" in bad.output
    bad = runner.invoke(app, ["list", "--agency", "nope", "--data", str(data_copy)])
    assert bad.exit_code == 2 and "nope" in bad.output


def test_show_prints_the_record(data_copy: Path) -> None:
    result = runner.invoke(app, ["show", "1.001193", "--data", str(data_copy)])
    assert result.exit_code == 0
    for text in ("Thủ tục đăng ký khai sinh", "Tờ khai", "60/2014/QH13", "dichvucong.gov.vn"):
        assert text in result.output
    assert runner.invoke(app, ["show", "9.999999", "--data", str(data_copy)]).exit_code == 1


def test_list_and_show_print_catalogue_text_as_text(data_copy: Path) -> None:
    """Square brackets in a record are text, not terminal markup: nothing is eaten, nothing crashes on `[/]`."""
    path = data_copy / "procedures" / "1.001193.yaml"
    text = path.read_text(encoding="utf-8")
    hostile = "Thủ tục [bold]đăng ký[/bold] khai sinh [/]"
    path.write_text(text.replace("name: Thủ tục đăng ký khai sinh\n", f"name: '{hostile}'\n", 1), encoding="utf-8")
    for command in (["show", "1.001193"], ["list", "khai sinh"]):
        result = runner.invoke(app, [*command, "--data", str(data_copy)], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        assert hostile in result.output


def test_schema_is_the_procedure_schema_and_committed_copy_is_current(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    assert runner.invoke(app, ["schema", "--out", str(out)]).exit_code == 0
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert schema == Procedure.model_json_schema()
    committed = Path(__file__).parent.parent / "docs" / "schema" / "procedure.schema.json"
    assert json.loads(committed.read_text(encoding="utf-8")) == schema, "run: tthc schema --out docs/schema/procedure.schema.json"


def test_synthetic_catalogue_is_valid_and_realistic() -> None:
    cat = synthetic_catalogue(40)
    assert [p for p in check_catalogue(cat) if p.severity == "error"] == []
    sizes = [len(p.steps) for p in cat.procedures.values()]
    docs = [len(p.documents) for p in cat.procedures.values()]
    assert min(sizes) >= 10 and max(sizes) <= 60
    assert min(docs) >= 5 and max(docs) <= 20


def test_list_show_and_graph_read_the_law_of_their_day(tmp_path: Path) -> None:
    """District level ended on 2025-07-01 (data/changes/): no district procedure is left after it, and `show`
    says which changes made a procedure differ from its source record."""
    from catalogue.loader import DEFAULT_DATA

    def out(*args: str) -> str:
        result = runner.invoke(app, [*args, "--data", str(DEFAULT_DATA)], env={"COLUMNS": "250"})
        assert result.exit_code == 0, result.output
        return result.output

    assert "0 thủ tục" in out("list", "--level", "district", "--as-of", "2025-07-01")
    assert "4 thủ tục" in out("list", "--level", "district", "--as-of", "2025-06-30")
    shown = out("show", "2.000986", "--as-of", "2025-07-01")
    assert "Theo pháp luật tại ngày 01/07/2025; so với bản ghi gốc, các thay đổi đã có hiệu lực:" in shown
    assert "cơ quan «Công an cấp huyện» hợp nhất vào «Công an cấp xã»" in shown
    assert "Cơ quan có thẩm quyền: Ủy ban nhân dân cấp xã, Công an cấp xã, Bảo hiểm xã hội cấp tỉnh" in shown
    assert "bản ghi gốc" not in out("show", "2.000986", "--as-of", "2025-01-01")
    # A code the national database replaced names the record that replaced it.
    replaced = runner.invoke(app, ["show", "3.000347", "--data", str(DEFAULT_DATA)])
    assert replaced.exit_code == 1
    assert "3.000347 đã được thay bằng 1.115978 · Đổi, cấp lại Giấy phép lái xe" in replaced.output
    # The halved passport charge ends on 2027-01-01 (Thông tư 64/2025/TT-BTC): announced before, applied after.
    before = out("show", "1.001456", "--as-of", "2026-12-31")
    assert "Sắp thay đổi theo pháp luật đã công bố:" in before and "(Trực tiếp) thành 200.000 đ" in before
    after = out("show", "1.001456", "--as-of", "2027-01-01")
    assert "Sắp thay đổi" not in after and "(Trực tiếp) thành 200.000 đ" in after
    out("graph", "2.000986", "--out", str(tmp_path), "--as-of", "2025-07-01")
    groups = re.findall(r'subgraph \w+\["([^"]*)"\]', (tmp_path / "2.000986.mmd").read_text(encoding="utf-8"))
    assert "Công an cấp xã" in groups and "Công an cấp huyện" not in groups  # agencies grouped as they stand
