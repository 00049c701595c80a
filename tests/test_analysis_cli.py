"""`tthc analyze` and `tthc graph` on a small catalogue folder written from the test records, read back as a
user would: JSON parsed, tables opened with pandas and openpyxl, SVG parsed, PNG opened, Mermaid checked for
escaping."""

from __future__ import annotations

import json
import re
import shutil
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from lxml import etree
from PIL import Image
from typer.testing import CliRunner

from analysis.cost import round_vnd
from analysis.critical_path import longest_paths
from analysis.opportunities import TOP
from catalogue.batch.worker import FINDING_COLUMNS
from catalogue.cli import app
from catalogue.commands.analyze import HEADERS_VI
from catalogue.console import vnd
from catalogue.diagrams import (
    graph_layout,
    layered_layout,
    mermaid_step_graph,
    mermaid_text,
    png_step_graph,
    svg_step_graph,
)
from catalogue.loader import DEFAULT_DATA
from models.procedure import Procedure
from tests import analysis_records as rec

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = 'Nộp "đơn" <script>alert(1)</script> | [x] `y` #1; =HYPERLINK("http://x")'


def hostile_procedure() -> Procedure:
    p = rec.doi_gplx()
    steps = [p.steps[0].model_copy(update={"name": HOSTILE}), *p.steps[1:]]
    return p.model_copy(update={"code": "9.000666", "name": "=HYPERLINK(\"http://x\",\"bấm\")", "steps": steps})


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    (folder / "procedures").mkdir()
    (folder / "agencies").mkdir()
    shutil.copytree(DEFAULT_DATA / "parameters", folder / "parameters")
    agencies = [a.model_dump(mode="json", exclude_defaults=True) for a in rec.AGENCIES.values()]
    (folder / "agencies" / "test.yaml").write_text(yaml.safe_dump(agencies, allow_unicode=True), encoding="utf-8")
    for make in (*rec.REAL, hostile_procedure):
        p = make()
        text = yaml.safe_dump(p.model_dump(mode="json", exclude_defaults=True), allow_unicode=True, sort_keys=False)
        (folder / "procedures" / f"{p.code}.yaml").write_text(text, encoding="utf-8")
    return folder


runner = CliRunner()


def run(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return result.output


def test_analyze_json(data: Path) -> None:
    out = run("analyze", "9.233448", "--data", str(data), "--as-of", "2025-06-01", "--start", "2026-04-20", "--json")
    doc = json.loads(out)
    assert (doc["format"], doc["version"], doc["code"]) == ("tthc-analysis", 1, "9.233448")
    m, c = doc["metrics"], doc["cost"]
    assert (m["agency_hops"], m["elapsed_working_days"]["likely"], m["elapsed_calendar_days"]["likely"]) == (4, 8.5, 16)
    assert m["critical_path"] == ["chuan-bi", "nop", "khai-sinh", "thuong-tru", "tra", "nhan"]
    assert c["method"] == "tt02" and c["as_of"] == "2025-06-01"
    assert c["per_case_vnd"] in range(c["time_cost_vnd"] + c["fees_vnd"] + c["other_costs_vnd"] - 1,
                                      c["time_cost_vnd"] + c["fees_vnd"] + c["other_costs_vnd"] + 2)
    assert "hourly_income_vnd" in c["parameters"] and c["parameters"]["hourly_income_vnd"]["source"]["url"]
    assert all({"activity", "source_kind", "source_id", "minutes", "amount_vnd", "explanation"} <= set(line) for line in c["lines"])
    assert doc["findings"] == [] or isinstance(doc["findings"], list)


def test_analyze_report(data: Path) -> None:
    out = run("analyze", "9.000023", "--data", str(data), "--as-of", "2025-06-01")
    assert "Đường găng" in out and "Công an tỉnh xác minh án tích" in out
    assert "Chi phí tuân thủ một năm" in out and "Phí cung cấp thông tin lý lịch tư pháp" in out
    assert re.search(r"Tình trạng\s*│\s*Đang áp dụng", out)  # in force, not amended nor abolished


def test_report_writes_numbers_as_vietnamese_do() -> None:
    """Birth registration (1.001193): decimal comma, thousands dot, money in đồng, as in every other report."""
    data = json.loads(run("analyze", "1.001193", "--as-of", "2025-08-01", "--json"))
    likely = data["metrics"]["elapsed_working_days"]["likely"]
    assert likely == 0.75  # 0,05 + 0,25 + 0,1 + 0,05 + 0,25 + 0,05 along the critical path
    out = " ".join(run("analyze", "1.001193", "--as-of", "2025-08-01").split())
    assert "Đường găng (0,75 ngày làm việc)" in out
    assert "hourly_income_vnd = 33.523 đồng/giờ" in out and "travel_minutes.commune = 40 phút (" in out
    assert "1 × 1.400.000" in out


def test_the_report_says_which_legal_changes_make_the_procedure_differ_from_its_record() -> None:
    """1.001612's record is the district procedure; on 2025-07-01 it moved to the commune (data/changes/)."""
    out = " ".join(run("analyze", "1.001612", "--as-of", "2025-07-01").split())
    assert "Theo pháp luật tại ngày 01/07/2025; so với bản ghi gốc, các thay đổi đã có hiệu lực:" in out
    assert "thủ tục cấp huyện chuyển sang cấp xã" in out
    assert "bản ghi gốc" not in run("analyze", "1.001612", "--as-of", "2025-06-30")


def test_the_scm_cross_check_says_its_totals_are_for_reference_and_savings_stay_tt02() -> None:
    out = " ".join(run("analyze", "2.001199", "--method", "scm").split())
    assert "Chi phí tuân thủ theo SCM, chỉ để tham khảo (tham số tại ngày" in out
    tt02 = json.loads(run("analyze", "2.001199", "--json"))["findings"][0]["saving"]
    assert "Tiết kiệm của các đề xuất tính theo Thông tư 02/2017/TT-VPCP, không theo SCM." in out
    assert f"Tiết kiệm ước tính: {tt02['per_case_vnd']:,} đ mỗi lần".replace(",", ".") in out


def test_report_gives_each_finding_its_suggestion_and_saving() -> None:
    """The liên thông birth registration (2.000986): what to do about each finding, named, and what it saves."""
    args = ("analyze", "2.000986", "--as-of", "2025-06-01")
    findings = json.loads(run(*args, "--json"))["findings"]
    out = " ".join(run(*args).split())
    assert out.count("Đề xuất: ") == sum(len(f["suggestion"]) for f in findings) == 4
    # District police ended on 2025-03-01 (data/changes/): the step's name says who receives the dossier that day.
    assert "Đề xuất: Bỏ bước thực hiện: «Lập hồ sơ đăng ký thường trú kèm lệ phí, chuyển cho Công an cấp xã" in out
    assert "Bỏ bước thực hiện: «Công an chuyển trả kết quả" not in out  # the one-stop desk returns the results
    assert "Tiết kiệm ước tính: 0 đ mỗi lần, 0 đ mỗi năm, 1 ngày làm việc" in out  # the pass-through steps
    visits = next(f for f in findings if f["rule"] == "visits")["saving"]
    assert f"Tiết kiệm ước tính: {visits['per_case_vnd']:,} đ mỗi lần".replace(",", ".") in out
    assert "Bỏ thành phần hồ sơ: «Sổ hộ khẩu (bản chính)" in out  # used until 31/12/2022: dropped, not obtained
    assert "1 × 400.000 (ước tính của biên tập viên)" in out  # the record's volume is the editors' estimate
    # Each suggestion with the legal text it asks to change (kiến nghị thực thi).
    assert out.count("Kiến nghị: ") == sum(len(op["legal_change"]) for f in findings for op in f["suggestion"]) > 0


def test_today_is_the_default_day_for_the_law_as_for_the_parameters() -> None:
    """Without --as-of the analysis is today's in full: the legal changes in force today apply (the district police
    named by 2.000986 ended on 2025-03-01), exactly as with --as-of today."""
    from datetime import date

    default = json.loads(run("analyze", "2.000986", "--json"))
    assert default == json.loads(run("analyze", "2.000986", "--json", "--as-of", date.today().isoformat()))
    assert "cong-an-huyen" not in default["metrics"]["agency_ids"] and "cong-an-xa" in default["metrics"]["agency_ids"]


def test_hostile_text_is_shown_as_text(data: Path) -> None:
    out = run("analyze", "9.000666", "--data", str(data), "--as-of", "2025-06-01")
    assert "<script>alert(1)</script>" in " ".join(out.split())  # rich markup did not eat the brackets


def test_analyze_all_tables(data: Path, tmp_path: Path) -> None:
    out = run("analyze", "--all", "--data", str(data), "--as-of", "2025-06-01", "--out", str(tmp_path))
    assert "Giấy tờ được nhiều thủ tục yêu cầu nhất" in out and "Cơ quan có nhiều lần chuyển hồ sơ nhất" in out
    csv = pd.read_csv(tmp_path / "analysis.csv", encoding="utf-8-sig", dtype={"code": str})
    parquet = pd.read_parquet(tmp_path / "analysis.parquet")
    assert len(csv) == len(parquet) == 7
    row = parquet.set_index("code").loc["9.233448"]
    assert (row["agency_hops"], row["elapsed_working_days_likely"]) == (4, 8.5)
    # The formula-looking name is text in CSV and Excel, the raw value in Parquet.
    assert csv.set_index("code").loc["9.000666", "name"].startswith("'=HYPERLINK")
    assert parquet.set_index("code").loc["9.000666", "name"].startswith("=HYPERLINK")
    workbook = openpyxl.load_workbook(tmp_path / "analysis.xlsx")
    assert workbook.sheetnames == ["Tổng hợp", "Phân tích", "Phát hiện", "Biểu đồ"]
    sheet = workbook["Phân tích"]
    names = [cell.value for cell in sheet["B"]]
    assert "'=HYPERLINK(\"http://x\",\"bấm\")" in names
    assert all(cell.data_type != "f" for row_cells in sheet.iter_rows() for cell in row_cells)
    # Staff read Vietnamese headers, one per column of the table and none left as the column name programs read.
    header = [cell.value for cell in sheet[1]]
    assert header == [HEADERS_VI[c] for c in parquet.columns] and not set(header) & set(parquet.columns)
    assert header[:2] == ["Mã thủ tục", "Tên thủ tục"] and sheet.freeze_panes == "C2" and sheet.auto_filter.ref
    row_of = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert row_of["9.233448"][header.index("Lần chuyển hồ sơ giữa cơ quan")].value == 4  # numbers stay numbers
    assert row_of["9.233448"][header.index("Chi phí một năm (đồng)")].number_format == "#,##0"  # money: 1,234,567
    assert sheet.column_dimensions["B"].width >= 60  # the name column is wide enough to read
    assert row_of["9.233448"][header.index("Thời gian giải quyết, khả dĩ (ngày làm việc)")].value == 8.5
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind
    assert "7 thủ tục (7 phân tích mới, 0 từ bộ nhớ đệm)" in out

    # Every finding a row, in the procedures' order and each procedure's most valuable first, on its own sheet.
    found = pd.read_parquet(tmp_path / "findings.parquet")
    assert list(found.columns) == [*FINDING_COLUMNS[:10], "adopted_plans", *FINDING_COLUMNS[10:]]
    assert not any(found["adopted_plans"])  # no plan in this catalogue
    assert len(found) == parquet["findings"].sum() > 0
    assert list(found["code"]) == sorted(found["code"])  # code order
    by_code = found.groupby("code")
    assert all(list(g["rank"]) == list(range(1, len(g) + 1)) for _, g in by_code)
    assert all(list(g["saving_annual_vnd"]) == sorted(g["saving_annual_vnd"], reverse=True) for _, g in by_code)
    lien_thong = json.loads(run("analyze", "9.233448", "--data", str(data), "--as-of", "2025-06-01", "--json"))["findings"]
    rows = found[found["code"] == "9.233448"]
    assert list(rows["rule"]) == [f["rule"] for f in lien_thong]
    assert list(rows["saving_annual_vnd"]) == [f["saving"]["annual_vnd"] if f["saving"] else 0 for f in lien_thong]
    assert list(rows["saving_other_vnd"]) == [f["saving"]["other_vnd"] if f["saving"] else 0 for f in lien_thong]
    parts = rows["saving_time_vnd"] + rows["saving_fees_vnd"] + rows["saving_other_vnd"]
    assert list(parts) == list(rows["saving_per_case_vnd"])
    visits = rows[rows["rule"] == "visits"].iloc[0]
    assert visits["suggestion"].startswith("Thực hiện trực tuyến: «")
    step_names = {s.name for s in rec.lien_thong_khai_sinh().steps}  # steps by the names staff read, not ids
    assert visits["steps"] and set(re.findall("«(.*?)»", visits["steps"])) <= step_names
    critical = parquet.set_index("code").loc["9.233448", "critical_path"].split(" → ")
    assert set(critical) <= step_names
    sheet = openpyxl.load_workbook(tmp_path / "analysis.xlsx")["Phát hiện"]
    header = [c.value for c in sheet[1]]
    assert header[3:6] == ["Quy tắc", "Phát hiện", "Giải thích"] and "Bước liên quan" in header
    assert len(header) == len(found.columns) and not set(header) & set(found.columns)
    assert sheet.max_row == len(found) + 1
    assert pd.read_csv(tmp_path / "findings.csv", encoding="utf-8-sig", dtype={"code": str}).shape == found.shape

    # The last sheet charts the largest annual costs and savings from cells beside each chart.
    charts = openpyxl.load_workbook(tmp_path / "analysis.xlsx")["Biểu đồ"]
    top = parquet.sort_values("annual_cost_vnd", ascending=False)
    assert [charts.cell(3, c).value for c in (1, 3)] == [top["code"].iloc[0], top["annual_cost_vnd"].iloc[0]]
    assert charts.cell(1, 1).value == "Chi phí tuân thủ một năm lớn nhất (đồng)"
    with zipfile.ZipFile(tmp_path / "analysis.xlsx") as z:
        drawn = [z.read(n).decode() for n in sorted(z.namelist()) if n.startswith("xl/charts/chart")]
    n = min(TOP, int((parquet["annual_cost_vnd"] > 0).sum()))
    assert len(drawn) == 1 + bool((parquet["estimated_saving_vnd"] > 0).any())
    assert f"'Biểu đồ'!$C$3:$C${2 + n}" in drawn[0] and f"'Biểu đồ'!$B$3:$B${2 + n}" in drawn[0]


def test_the_catalogue_total_counts_each_case_once(tmp_path: Path) -> None:
    """1.000656's published 654.031 deaths include those registered through the liên thông 1.011537 and 1.007073:
    the total pays for those at the liên thông's cost only, and says what it took off and why."""
    from catalogue.store import open_catalogue

    out = " ".join(run("analyze", "--all", "--as-of", "2026-01-05", "--out", str(tmp_path)).split())
    table = pd.read_parquet(tmp_path / "analysis.parquet").set_index("code")
    # Only the records of that day: 2.002913 (published 09/8/2026) replaces 1.011537 and is not yet in the table.
    counted = [(code, whole) for code, p in open_catalogue().procedures.items() for whole in p.annual_volume.counted_in
               if code in table.index]
    assert {("1.011537", "1.000656"), ("1.007073", "1.000656"), ("2.001023", "1.001193")} <= set(counted)
    twice = sum(round_vnd(Decimal(int(table.loc[whole, "per_case_vnd"])) * int(table.loc[code, "subjects_per_year"])
                          * Decimal(str(table.loc[code, "frequency_per_subject"]))) for code, whole in counted)
    total = int(table["annual_cost_vnd"].sum()) - twice
    assert f"tổng chi phí tuân thủ một năm: {vnd(total)} (đã trừ {vnd(twice)} tính trùng:" in out
    assert "các trường hợp của 1.007073, 1.011537 đã nằm trong số hồ sơ của 1.000656" in out

    # The workbook's first sheet files what the command prints: the totals, then the four rankings.
    summary = pd.read_parquet(tmp_path / "summary.parquet")
    totals = summary[summary["section"] == "Tổng hợp"].set_index("item")["value"]
    assert totals.iloc[0] == len(table) and totals.iloc[-1] == total and totals.iloc[1] == table["annual_cost_vnd"].sum()
    assert totals.iloc[1] - totals.iloc[2:-1].sum() == totals.iloc[-1]
    assert "Trừ phần tính trùng: các trường hợp của 1.007073, 1.011537 đã nằm trong số hồ sơ của 1.000656" in totals
    costs = summary[summary["section"] == "Thủ tục có chi phí tuân thủ một năm lớn nhất"]
    top = table["annual_cost_vnd"].nlargest(len(costs))
    assert list(costs["value"]) == list(top) and list(costs["rank"]) == list(range(1, len(costs) + 1))
    assert costs["item"].iloc[0] == f"{top.index[0]} {table.loc[top.index[0], 'name']}"
    sheet = openpyxl.load_workbook(tmp_path / "analysis.xlsx")["Tổng hợp"]
    assert [c.value for c in sheet[1]] == ["Bảng", "Thứ tự", "Mục", "Giá trị", "Đơn vị"]
    assert sheet.cell(len(totals) + 1, 4).value == total and sheet.cell(2, 4).number_format == "#,##0"


def test_analyze_all_reads_its_rows_again_and_works_without_a_usable_cache(data: Path, tmp_path: Path) -> None:
    first = tmp_path / "first"
    run("analyze", "--all", "--data", str(data), "--as-of", "2025-06-01", "--out", str(first))
    out = run("analyze", "--all", "--data", str(data), "--as-of", "2025-06-01", "--out", str(tmp_path / "again"))
    assert "7 thủ tục (0 phân tích mới, 7 từ bộ nhớ đệm)" in out
    for table in ("analysis.csv", "findings.csv"):  # the findings come back from the cache too
        assert (tmp_path / "again" / table).read_bytes() == (first / table).read_bytes()
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(app, ["analyze", "--all", "--data", str(data), "--as-of", "2025-06-01", "--out",
                                 str(tmp_path / "uncached"), "--cache-dir", str(blocked / "cache")], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "không dùng được bộ nhớ đệm kết quả" in result.output and "7 thủ tục (7 phân tích mới, 0 từ bộ nhớ đệm)" in result.output
    assert (tmp_path / "uncached" / "analysis.csv").read_bytes() == (first / "analysis.csv").read_bytes()


def test_graph_files(data: Path, tmp_path: Path) -> None:
    run("graph", "9.233448", "--data", str(data), "--out", str(tmp_path))
    mermaid = (tmp_path / "9.233448.mmd").read_text(encoding="utf-8")
    assert mermaid.startswith("flowchart LR")
    assert mermaid.count("subgraph") == 4  # the applicant and three agencies
    assert 'subgraph g2["Công an cấp xã"]' in mermaid
    assert "class s0,s1,s2,s3,s5,s6 critical" in mermaid  # the health-insurance branch (s4) is not critical
    svg = etree.parse(str(tmp_path / "9.233448.svg"))
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "Bảo hiểm xã hội cấp huyện" in texts
    with Image.open(tmp_path / "9.233448.png") as png:  # the same drawing, twice the SVG's pixel size
        root = svg.getroot()
        assert png.size == (2 * int(root.get("width")), 2 * int(root.get("height")))
        colours = {colour for _, colour in png.convert("RGB").getcolors(maxcolors=1 << 20) or []}
    assert {(0xb4, 0x53, 0x09), (0xdb, 0xea, 0xfe)} <= colours  # the critical path's stroke, the applicant's fill


def test_graph_top_to_bottom(data: Path, tmp_path: Path) -> None:
    run("graph", "9.233448", "--data", str(data), "--out", str(tmp_path), "--direction", "tb")
    assert (tmp_path / "9.233448.mmd").read_text(encoding="utf-8").startswith("flowchart TB")
    root = etree.parse(str(tmp_path / "9.233448.svg")).getroot()
    with Image.open(tmp_path / "9.233448.png") as png:
        assert png.size == (2 * int(root.get("width")), 2 * int(root.get("height")))
        assert png.size[1] > png.size[0]


def test_png_draws_vietnamese_and_catalogue_text_literally() -> None:
    """No glyph is missing from the bundled font, and `$…$` in a name is text, not matplotlib mathtext."""
    p = rec.khai_sinh()
    odd = p.model_copy(update={"steps": [p.steps[0].model_copy(update={"name": "Nộp $\\frac{1$ bản ^_ {x}"}), *p.steps[1:]]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font"
        data = png_step_graph(odd, rec.catalogue(odd), [odd.steps[0].id])
    assert data.startswith(b"\x89PNG\r\n\x1a\n")


def test_graph_escapes_catalogue_text(data: Path, tmp_path: Path) -> None:
    run("graph", "9.000666", "--data", str(data), "--out", str(tmp_path))
    mermaid = (tmp_path / "9.000666.mmd").read_text(encoding="utf-8")
    label_line = next(line for line in mermaid.splitlines() if "script" in line)
    inner = label_line.split('["', 1)[1].rsplit('"]', 1)[0]
    assert not set(re.sub(r"#\d+;", "", inner.replace("<br/>", ""))) & set('"<>[]|`;#')
    svg = (tmp_path / "9.000666.svg").read_text(encoding="utf-8")
    etree.fromstring(svg.encode())  # well-formed despite <script> in a name
    assert "<script>" not in svg


def test_mermaid_text_escapes_each_active_character() -> None:
    assert mermaid_text('a"b') == "a#34;b"
    assert mermaid_text("x\ny") == "x y"
    assert mermaid_text("#35;") == "#35;#51;#53;#59;".replace("#51;#53;", "35")  # an entity in the text stays literal


def test_mermaid_of_the_bundled_record() -> None:
    from catalogue.store import open_catalogue

    cat = open_catalogue()
    p = cat.procedures["1.001193"]
    text = mermaid_step_graph(p, cat, [p.steps[0].id])
    assert text.count("-->") == sum(len(s.after) for s in p.steps)


@pytest.mark.parametrize(("args", "code", "message"), [
    (["analyze", "1.999999"], 1, "không có thủ tục 1.999999"),
    (["analyze", "9.233448", "--as-of", "20/4/2026"], 2, "không phải ngày dạng YYYY-MM-DD"),
    (["analyze", "9.233448", "--as-of", "1990-01-01"], 1, "chưa có giá trị vào ngày 01/01/1990"),
    (["analyze", "9.233448", "--method", "xyz"], 2, "--method phải là tt02 hoặc scm"),
    (["analyze"], 2, "ghi một mã thủ tục hoặc --all"),
    (["graph", "1.999999"], 1, "không có thủ tục 1.999999"),
    (["graph", "9.233448", "--direction", "up"], 2, "--direction phải là LR hoặc TB"),
])
def test_errors(data: Path, args: list[str], code: int, message: str) -> None:
    result = runner.invoke(app, [*args, "--data", str(data)])
    assert result.exit_code == code
    assert message in " ".join(result.output.split())


MERMAID_CHECK = """
import { JSDOM } from "jsdom";
import fs from "fs";
const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window; globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false });
for (const f of process.argv.slice(2)) { await mermaid.parse(fs.readFileSync(f, "utf8")); }
"""


def mermaid_modules() -> Path | None:
    """A node_modules folder with the `mermaid` and `jsdom` npm packages: $TTHC_NODE_MODULES or the repository's."""
    import os

    for candidate in (os.environ.get("TTHC_NODE_MODULES"), str(DEFAULT_DATA.parent / "node_modules")):
        if candidate and (Path(candidate) / "mermaid").is_dir() and (Path(candidate) / "jsdom").is_dir():
            return Path(candidate)
    return None


def test_mermaid_parses_with_the_real_parser(tmp_path: Path) -> None:
    """Mermaid's own parser (npm `mermaid`, run by node) accepts every diagram, hostile names included."""
    import subprocess

    modules = mermaid_modules()
    if modules is None or shutil.which("node") is None:
        pytest.skip("node with the npm packages mermaid and jsdom not found (set TTHC_NODE_MODULES)")
    from analysis.critical_path import longest_paths

    files = []
    for make in (*rec.REAL, hostile_procedure):
        p = make()
        path = tmp_path / f"{p.code}.mmd"
        path.write_text(mermaid_step_graph(p, rec.catalogue(p), list(longest_paths(p.steps).path)), encoding="utf-8")
        files.append(str(path))
    # A plan's after-graph, its changed steps outlined (a class applied after the critical path's).
    p = rec.khai_sinh()
    changed = tmp_path / "after.mmd"
    changed.write_text(mermaid_step_graph(p, rec.catalogue(p), ["chuan-bi", "nop-ho-so"], changed={"nop-ho-so"}),
                       encoding="utf-8")
    assert "class s1 changed" in changed.read_text(encoding="utf-8")
    files.append(str(changed))
    (tmp_path / "node_modules").symlink_to(modules)
    (tmp_path / "check.mjs").write_text(MERMAID_CHECK, encoding="utf-8")
    done = subprocess.run(["node", str(tmp_path / "check.mjs"), *files], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_a_long_name_wraps_above_the_steps() -> None:
    p = rec.khai_sinh()
    long = p.model_copy(update={"name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản " * 5})
    svg = etree.fromstring(svg_step_graph(long, rec.catalogue(long), []).encode())
    width = int(svg.get("width"))
    titles = [t for t in svg.iter(f"{SVG}text") if t.get("font-weight") == "bold"]
    assert len(titles) > 1 and all(len(t.text or "") * 9 <= width for t in titles)
    boxes = [float(r.get("y")) for r in svg.iter(f"{SVG}rect") if r.get("rx")]
    assert min(boxes) > max(float(t.get("y")) for t in titles)


def test_top_to_bottom_layout_is_the_same_graph_turned() -> None:
    """The layout a portrait page uses (the Word plan): one row per layer, every arrow pointing down, the same
    boxes, edges and critical path as the left-to-right drawing."""
    p = rec.lien_thong_khai_sinh()
    cat = rec.catalogue(p)
    path = list(longest_paths(p.steps).path)
    wide, tall = graph_layout(p, cat, path), graph_layout(p, cat, path, "TB")
    assert sorted(b.name for b in tall.boxes) == sorted(b.name for b in wide.boxes)
    assert [e.on_path for e in tall.edges] == [e.on_path for e in wide.edges] and any(e.on_path for e in tall.edges)
    assert all(e.ey > e.sy for e in tall.edges) and all(e.ex > e.sx for e in wide.edges)
    rows = {b.y for b in tall.boxes}
    assert len(rows) == len({b.x for b in wide.boxes}) == len(layered_layout(p))
    assert tall.height > tall.width and wide.width > wide.height
    svg = etree.fromstring(svg_step_graph(p, cat, path, "TB").encode())
    assert (int(svg.get("width")), int(svg.get("height"))) == (tall.width, tall.height)
    assert max(b.y for b in tall.boxes) + 74 < min(y for y, _, _ in tall.legend)  # the key sits below the steps


@pytest.mark.parametrize("forked", [True, False], ids=["child process", "this process"])
# The child is forked whatever threads pytest's process runs, to hand it the failing writer.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_analyze_all_reports_a_table_it_could_not_write(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: bool,
) -> None:
    """The Excel copy is written meanwhile by a child process (or here, where processes do not fork): its failure
    is the command's either way, and leaves no file."""
    import multiprocessing

    import catalogue.commands.analyze as command

    monkeypatch.setattr(command, "process_context", lambda: multiprocessing.get_context("fork") if forked else None)

    def broken(frame: object, path: Path) -> None:
        path.write_bytes(b"half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(command, "write_workbook", broken)
    result = runner.invoke(app, ["analyze", "--all", "--data", str(data), "--as-of", "2025-06-01", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "không ghi được các bảng" in result.output and "analysis.xlsx" in result.output
    assert not (tmp_path / "analysis.xlsx").exists() and not list(tmp_path.glob(".*"))  # nothing half-written


def test_beside_a_running_thread_the_excel_copy_is_written_by_a_fork_server_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A fork while another thread holds a lock can leave the child waiting for ever: with a thread running, the
    Excel copy's child process starts from a fork server and receives the table."""
    import multiprocessing
    import threading

    import catalogue.batch.executors as executors
    import catalogue.commands.analyze as command

    asked: list[str] = []
    get_context = multiprocessing.get_context

    def context(method: str) -> multiprocessing.context.BaseContext:
        asked.append(method)
        return get_context(method)

    monkeypatch.setattr(executors.multiprocessing, "get_context", context)
    stop = threading.Event()
    waiting = threading.Thread(target=stop.wait)
    waiting.start()
    try:
        written = command.write_tables({"analysis": pd.DataFrame([{"code": "1.000001", "name": "=1+1"}]),
                                        "findings": pd.DataFrame([{"code": "1.000001", "explanation": "@x"}])}, tmp_path)
    finally:
        stop.set()
        waiting.join()
    assert asked == ["forkserver"]
    assert [p.name for p in written] == ["analysis.csv", "analysis.parquet", "findings.csv", "findings.parquet",
                                         "analysis.xlsx"]
    workbook = openpyxl.load_workbook(written[-1])
    assert [c.value for c in workbook["Phân tích"][2]] == ["1.000001", "'=1+1"]
    assert [c.value for c in workbook["Phát hiện"][2]] == ["1.000001", "'@x"]


def test_a_table_longer_than_a_sheet_goes_on_over_numbered_sheets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Excel holds 1,048,576 rows a sheet; a national catalogue's findings can be more: the rest go on a second
    sheet rather than being lost (here with sheets of 3 rows: a header and 2 findings)."""
    import catalogue.commands.analyze as command

    monkeypatch.setattr(command, "EXCEL_ROWS", 3)
    findings = pd.DataFrame({"code": [f"1.00000{i}" for i in range(5)], "rank": [1] * 5})
    command.write_workbook({"analysis": pd.DataFrame({"code": ["1.000000"]}), "findings": findings}, tmp_path / "t.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert workbook.sheetnames == ["Phân tích", "Phát hiện", "Phát hiện (2)", "Phát hiện (3)"]
    codes = [row[0] for name in workbook.sheetnames[1:] for row in workbook[name].iter_rows(min_row=2, values_only=True)]
    assert codes == list(findings["code"]) and workbook["Phát hiện (3)"]["A1"].value == "Mã thủ tục"


def test_a_record_whose_steps_loop_is_refused_with_a_message_not_a_traceback(data_copy: Path) -> None:
    """A record that loads but whose steps form a cycle: the command names the procedure and the loop and sends
    the editor to `tthc validate` (file, line, field), in the batch as for one procedure."""
    import subprocess
    import sys

    path = data_copy / "procedures" / "1.001193.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("after: [chuan-bi]", "after: [chuan-bi, kiem-tra]", 1),
                    encoding="utf-8")
    for args in (["analyze", "1.001193"], ["analyze", "--all", "--out", str(data_copy / "out"), "--workers", "1"]):
        script = f"import sys\nsys.argv = {['tthc', *args, '--data', str(data_copy)]!r}\nfrom catalogue.cli import main\nmain()\n"
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
        said = " ".join((done.stdout + done.stderr).split())
        assert done.returncode == 1, said
        assert "thủ tục 1.001193: các bước tạo thành vòng lặp qua kiem-tra" in said and "tthc validate" in said, said
        assert "Traceback" not in said


def test_each_step_says_how_the_applicant_takes_part_so_a_plan_that_goes_online_shows_it() -> None:
    """Under its days a box says «trực tiếp» for a visit, «trực tuyến» or «bưu chính» for the applicant's other
    steps: the before and after drawings of a plan that moves the visits online differ where the plan acts."""
    from analysis.proposals import apply_operations
    from models.proposal import GoOnline
    from tests.analysis_records import catalogue, khai_sinh

    before = khai_sinh()
    after = apply_operations(before, [GoOnline(op="go_online", rationale="Nộp trực tuyến")])
    drawn_before, drawn_after = (" ".join(b.days for b in graph_layout(p, catalogue(), []).boxes) for p in (before, after))
    assert "· trực tiếp" in drawn_before and "· trực tiếp" not in drawn_after
    assert "· trực tuyến" in drawn_after or "· bưu chính" in drawn_after
    assert "trực tiếp" in mermaid_step_graph(before, catalogue(), [])


def test_a_plans_after_graph_marks_the_steps_it_changed() -> None:
    """The steps a plan moved online are new objects that differ from before: marked with a dot and a key; the
    before-graph, drawn without `changed`, has neither."""
    from analysis.plan import EntryEvaluation
    from analysis.proposals import apply_operations
    from models.proposal import GoOnline, RemoveStep
    from tests.analysis_records import catalogue, khai_sinh

    before = khai_sinh()
    after = apply_operations(before, [GoOnline(op="go_online", rationale="Nộp trực tuyến"),
                                      RemoveStep(op="remove_step", step="ky-cap", rationale="Ký số")])
    entry = EntryEvaluation(None, before, after, None, None, None)  # type: ignore[arg-type]
    moved = {s.id for s in before.steps if s.in_person}
    assert moved == {"nop-ho-so", "nhan-ket-qua"}  # the collection also follows the review now the signing is gone
    assert entry.changed_steps == moved and [s.id for s in entry.removed_steps] == ["ky-cap"]
    layout = graph_layout(after, catalogue(), [], changed=entry.changed_steps)
    assert {b.name for b in layout.boxes if b.changed} == {s.name for s in after.steps if s.id in moved}
    assert layout.changed_legend_y is not None and layout.height == graph_layout(after, catalogue(), []).height + 22
    svg = svg_step_graph(after, catalogue(), [], changed=entry.changed_steps)
    assert svg.count('fill="#15803d"') == len(moved) + 1 and "Bước mới hoặc thay đổi theo phương án" in svg
    assert "Bước mới hoặc thay đổi" not in svg_step_graph(before, catalogue(), [])


def test_the_worked_example_in_the_method_is_what_the_tool_gives() -> None:
    """docs/method.md works the birth registration's cost by hand: its table must stay the tool's numbers."""
    text = (Path(__file__).parents[1] / "docs" / "method.md").read_text(encoding="utf-8")
    example = text.split("### Ví dụ tính tay")[1].split("\n### ")[0]
    command = re.search(r"`tthc (analyze 1\.001193 --as-of \d{4}-\d{2}-\d{2})`", example)
    assert command is not None
    cost = json.loads(run(*command.group(1).split(), "--json"))["cost"]
    amounts = [int(re.sub(r"\D", "", row.rsplit("|", 2)[1]))  # the last column of the table's rows in đồng
               for row in example.splitlines() if re.fullmatch(r"\|.*đ(\*\*)? \|", row.rstrip())]
    assert amounts == [
        *(line["amount_vnd"] for line in cost["lines"] if line["minutes"]),
        cost["time_cost_vnd"], cost["fees_vnd"], cost["other_costs_vnd"], cost["per_case_vnd"], cost["annual_cost_vnd"],
    ]
    assert f"W = {int(cost['hourly_income_vnd']):,} đ/giờ".replace(",", ".") in example


def test_a_finding_an_adopted_plan_already_makes_says_so() -> None:
    """3.000333: going online is what the implemented plan ly-lich-tu-phap-vneid did; a draft decides nothing."""
    from analysis.findings import find_all
    from analysis.plan import adopted_for
    from catalogue.proposals import load_proposals
    from catalogue.store import open_catalogue
    from models.parameters import CostRates

    out = " ".join(run("analyze", "3.000333").split())
    assert ("Đã có phương án «Cấp Phiếu lý lịch tư pháp qua ứng dụng VNeID, trả phiếu điện tử» (đã thực hiện, "
            "data/proposals/ly-lich-tu-phap-vneid.yaml)") in out
    cat = open_catalogue()
    plans, _ = load_proposals(DEFAULT_DATA, cat)
    plan = plans["ly-lich-tu-phap-vneid"]
    found = find_all(cat.procedures["3.000333"], cat, CostRates.from_parameters(cat.parameters, plan.date))
    visits = next(f for f in found if f.rule == "visits")
    assert adopted_for(visits, [plan]) == [plan]
    assert adopted_for(visits, [plan.model_copy(update={"status": "draft"})]) == []
    assert all(adopted_for(f, [plan]) == [] for f in found if f.rule == "ping-pong")

    # The catalogue-wide findings table says it on the finding's row, and only there.
    from analysis.analyse import analyse
    from catalogue.batch.worker import finding_rows
    from catalogue.commands.analyze import adopted_plans_column

    rates = CostRates.from_parameters(cat.parameters, plan.date)
    rows = pd.DataFrame([row for code in ("3.000333", "1.004873")
                         for row in finding_rows(analyse(cat.procedures[code], cat, rates), cat.procedures[code], cat)])
    column = adopted_plans_column(rows, cat, rates, [plan])
    assert [bool(c) for c in column] == [r.code == "3.000333" and r.rule == "visits" for r in rows.itertuples()]
    assert "«Cấp Phiếu lý lịch tư pháp qua ứng dụng VNeID, trả phiếu điện tử» (đã thực hiện" in "".join(column)


def test_a_card_taken_online_is_said_to_come_by_post() -> None:
    """1.116410: a physical card cannot be fetched online: the suggestion says it is posted, as it is costed."""
    out = " ".join(run("analyze", "1.116410").split())
    assert "Đề xuất: Thực hiện trực tuyến: «Nhận thẻ căn cước tại Công an cấp xã nơi tiếp nhận hồ sơ» (qua bưu chính)" in out


def test_a_record_replaced_by_another_says_which() -> None:
    """1.012575, kept for the days before 1.115970 replaced it, names its successor wherever its status is shown."""
    successor = "Đã bãi bỏ; thay bằng 1.115970 · Đăng ký, cấp chứng nhận đăng ký xe, biển số xe"
    assert successor in " ".join(run("analyze", "1.012575").split())
    assert f"Tình trạng: {successor}" in " ".join(run("show", "1.012575").split())
