"""`tthc validate`: the bundled catalogue is clean, and each kind of mistake gets its own clear message naming
file, line and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from catalogue.cli import app

runner = CliRunner()
EXEMPLAR = "1.001193.yaml"


def validate(data: Path) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", str(data)])
    return result.exit_code, result.output


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def test_bundled_catalogue_is_valid(tmp_path: Path) -> None:
    code, out = validate(Path(__file__).parent.parent / "data")
    assert code == 0, out
    assert re.search(r"\b0 lỗi", out)


def test_validate_takes_the_folder_as_every_command_does(data_copy: Path) -> None:
    """`--data` as for every other command, or the folder as an argument."""
    edit(data_copy / "procedures" / EXEMPLAR, "subjects_per_year: 1200000", "subjects_per_year: nhiều")
    by_option = runner.invoke(app, ["validate", "--data", str(data_copy)])
    assert by_option.exit_code == 1 and EXEMPLAR in by_option.output
    assert by_option.output == validate(data_copy)[1]


def test_validate_never_changes_a_file(data_copy: Path) -> None:
    before = {p: p.read_bytes() for p in data_copy.rglob("*.yaml")}
    validate(data_copy)
    assert {p: p.read_bytes() for p in data_copy.rglob("*.yaml")} == before


def test_malformed_yaml_names_file_and_line(data_copy: Path) -> None:
    path = data_copy / "procedures" / EXEMPLAR
    edit(path, "field: Hộ tịch", "field: [Hộ tịch")
    code, out = validate(data_copy)
    assert code == 1
    assert f"{EXEMPLAR}:" in out and "YAML sai cú pháp" in out


# Slips editors make, the line they are reported on and what the message tells them to do.
YAML_SLIPS = [
    ("name: Đăng ký khai sinh: cấp bản chính\n", 1, "giá trị có «: » phải đặt trong dấu nháy"),
    ("name: x\nfield\nsector: y\n", 2, "thiếu dấu «:» sau tên trường"),
    ("steps:\n\t- id: a\n", 2, "thụt lề bằng dấu cách, không dùng tab"),
    ("name: `Tờ khai`\n", 1, "ký tự «`» không được mở đầu một giá trị"),
    ("sector: x\nname: 'Tờ khai\n", 2, "dấu nháy mở ở đây chưa được đóng"),
    ("name: 'Tờ khai\ncode: '1.001193'\n", 2, "sau giá trị trong dấu nháy còn chữ thừa"),  # line 2's ' closed it
    ("agencies:\n  competent: a\n implementing: b\n", 3, "thụt lề không khớp với các dòng trên"),
    ("levels: [province, commune\ncode: x\n", 1, "thiếu dấu phẩy hoặc dấu «]»"),
    ("name: \"C:\\qua\"\n", 1, "ký tự thoát"),
    ("name: x\n---\nname: y\n", 2, "một tài liệu YAML"),
    ("name: x\x07\n", 1, "U+0007"),
]


@pytest.mark.parametrize(("text", "line", "advice"), YAML_SLIPS)
def test_yaml_slips_are_explained_in_vietnamese_at_their_line(tmp_path: Path, text: str, line: int, advice: str) -> None:
    from catalogue.yamlio import YamlError, parse_yaml

    with pytest.raises(YamlError) as caught:
        parse_yaml(text, tmp_path / "x.yaml")
    assert caught.value.line == line
    assert advice in caught.value.message
    assert not re.search(r"\b(found|expected|while|allowed|could not)\b", caught.value.message)


def test_wrong_type_names_field_path_and_line(data_copy: Path) -> None:
    path = data_copy / "procedures" / EXEMPLAR
    edit(path, "subjects_per_year: 1200000", "subjects_per_year: nhiều")
    code, out = validate(data_copy)
    assert code == 1
    line = line_of(path, "subjects_per_year: nhiều")
    assert f"{EXEMPLAR}:{line}: error: annual_volume.subjects_per_year: phải là số nguyên" in out


def test_duplicate_key_is_refused(data_copy: Path) -> None:
    path = data_copy / "procedures" / EXEMPLAR
    edit(path, "field: Hộ tịch\n", "field: Hộ tịch\nfield: Cư trú\n")
    code, out = validate(data_copy)
    assert code == 1
    assert "trường 'field' được ghi hai lần" in out
    assert f"{EXEMPLAR}:{line_of(path, 'field: Cư trú')}" in out


def test_unquoted_code_read_as_number_says_quote_it(data_copy: Path) -> None:
    path = data_copy / "procedures" / EXEMPLAR
    edit(path, 'code: "1.001193"', "code: 1.001193")
    code, out = validate(data_copy)
    assert code == 1
    assert "đặt trong dấu nháy" in out and "code" in out


def test_cycle_in_steps(data_copy: Path) -> None:
    path = data_copy / "procedures" / EXEMPLAR
    edit(path, "  - id: chuan-bi\n", "  - id: chuan-bi\n    after: [nhan-ket-qua]\n")
    code, out = validate(data_copy)
    assert code == 1
    assert "vòng lặp" in out and "steps[0].after" in out


def test_unknown_references_are_all_reported_in_one_run(data_copy: Path) -> None:
    path = data_copy / "procedures" / EXEMPLAR
    edit(path, "competent: [ubnd-xa]", "competent: [ubnd-khong-co]")
    edit(path, "ref: 123/2015/NĐ-CP", "ref: 999/2099/NĐ-CP")
    edit(path, "after: [nop-ho-so]", "after: [buoc-khong-co]")
    code, out = validate(data_copy)
    assert code == 1
    assert "không có cơ quan 'ubnd-khong-co'" in out
    assert "không có văn bản '999/2099/NĐ-CP'" in out
    assert "không có bước 'buoc-khong-co'" in out


def test_unused_document(data_copy: Path) -> None:
    path = data_copy / "procedures" / EXEMPLAR
    edit(path, "consumes: [to-khai, giay-chung-sinh, giay-to-tuy-than]", "consumes: [to-khai, giay-chung-sinh]")
    code, out = validate(data_copy)
    assert code == 1
    assert "giấy tờ 'giay-to-tuy-than' không bước nào dùng" in out


def test_a_paper_the_applicant_provides_names_the_step_that_hands_it_over(data_copy: Path) -> None:
    """As in a lưu động record before it was mended (1.003583: the officer takes the papers at home): without the
    applicant's step that hands them over, the once-only rule cannot tell who supplies them. A warning only."""
    path = data_copy / "procedures" / EXEMPLAR
    edit(path, "consumes: [to-khai, giay-chung-sinh, giay-to-tuy-than]", "consumes: [to-khai]")
    edit(path, "consumes: [to-khai, giay-chung-sinh]", "consumes: [to-khai, giay-chung-sinh, giay-to-tuy-than]")
    code, out = validate(data_copy)
    assert code == 0
    out = " ".join(out.split())
    assert (f"{EXEMPLAR}:{line_of(path, '- id: giay-chung-sinh')}: warning: documents[1].id: giấy tờ 'giay-chung-sinh' "
            "do người dân cung cấp nhưng chỉ bước của cơ quan dùng") in out
    assert "'giay-to-tuy-than' do người dân cung cấp" in out and "'to-khai' do người dân" not in out


def test_disordered_durations(data_copy: Path) -> None:
    path = data_copy / "procedures" / EXEMPLAR
    edit(path, "duration: {low: 0.25, likely: 0.5, high: 1}", "duration: {low: 2, likely: 0.5, high: 1}")
    code, out = validate(data_copy)
    assert code == 1
    assert f"{EXEMPLAR}:{line_of(path, 'low: 2, likely')}: error: steps[2].duration:" in out
    assert "low ≤ likely ≤ high" in out


def test_duplicate_code_across_files(data_copy: Path) -> None:
    source = data_copy / "procedures" / EXEMPLAR
    (data_copy / "procedures" / "1.999999.yaml").write_bytes(source.read_bytes())
    code, out = validate(data_copy)
    assert code == 1
    assert "chứa thủ tục 1.001193" in out


@pytest.mark.parametrize("encoding", ["utf-16", "cp1258"])
def test_wrong_encoding_is_named(data_copy: Path, encoding: str) -> None:
    path = data_copy / "procedures" / EXEMPLAR
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding, errors="replace"))
    code, out = validate(data_copy)
    assert code == 1
    assert "không phải UTF-8" in out and EXEMPLAR in out


def test_time_limit_overrun_is_a_warning_not_an_error(data_copy: Path) -> None:
    path = data_copy / "procedures" / EXEMPLAR
    edit(path, "duration: {low: 0, likely: 0.25, high: 0.5}", "duration: {low: 0, likely: 3, high: 5}")
    code, out = validate(data_copy)
    assert code == 0
    assert "warning" in out and "vượt thời hạn giải quyết 1 ngày làm việc" in out


def test_yaml_1_1_surprises_are_off(tmp_path: Path) -> None:
    from catalogue.yamlio import parse_yaml

    parsed = parse_yaml("a: no\nb: 010203\nc: 12:30\nd: 2025-07-01\ne: true\n", tmp_path / "x.yaml")
    assert parsed.data == {"a": "no", "b": 10203, "c": "12:30", "d": "2025-07-01", "e": True}


def test_a_replaced_code_must_have_left_the_catalogue(data_copy: Path) -> None:
    # 1.999998 and 1.999999 both say they replace 1.001193, which is still in force, and 1.001193 replaces itself.
    path = data_copy / "procedures" / EXEMPLAR
    text = path.read_text(encoding="utf-8")
    for new in ("1.999998", "1.999999"):
        copy = data_copy / "procedures" / f"{new}.yaml"
        copy.write_text(text.replace('code: "1.001193"', f'code: "{new}"\nreplaces: ["1.001193"]'), encoding="utf-8")
    edit(path, "levels: [commune]", 'levels: [commune]\nreplaces: ["1.001193"]')
    code, out = validate(data_copy)
    assert code == 1
    assert "thay thế 1.001193 nhưng danh mục vẫn ghi 1.001193 đang có hiệu lực" in out
    assert "1.001193 đã được 1.999998 thay thế" in out
    assert "thủ tục không thể thay thế chính mã của mình" in out


def test_cases_counted_in_another_volume_name_a_procedure_that_counts_at_least_as_many(data_copy: Path) -> None:
    """A liên thông's births are among those 1.001193's volume counts (`counted_in`): the code must be another
    procedure of the catalogue, and the volume that counts them must not be smaller than its parts."""
    path = data_copy / "procedures" / EXEMPLAR
    part = data_copy / "procedures" / "1.999999.yaml"
    text = path.read_text(encoding="utf-8").replace('code: "1.001193"', 'code: "1.999999"')
    text = text.replace("subjects_per_year: 1200000", "subjects_per_year: 1300000")
    part.write_text(text.replace("  origin: estimate\n", '  origin: estimate\n  counted_in: ["1.001193", "1.999999", '
                                                         '"2.000000"]\n', 1), encoding="utf-8")
    code, out = validate(data_copy)
    assert code == 1
    line = line_of(part, "counted_in")
    out = " ".join(out.split())
    assert (f"1.999999.yaml:{line}: error: annual_volume.counted_in[1]: số hồ sơ của thủ tục không thể tính trong "
            "chính nó") in out
    assert f"1.999999.yaml:{line}: warning: annual_volume.counted_in[2]: không có thủ tục 2.000000" in out
    assert (f"{EXEMPLAR}:{line_of(path, 'subjects_per_year')}: warning: annual_volume.subjects_per_year: số trường "
            "hợp mỗi năm ít hơn tổng số của các thủ tục ghi `counted_in: [1.001193]` (1.999999)") in out


def test_a_broken_record_is_reported_once_not_as_missing_wherever_it_is_cited(tmp_path: Path) -> None:
    # Eight records name the birth registration as related and a plan simplifies it: when its file does not load,
    # the one error is in its file, and what cites it says it could not be read, not that it is missing.
    import shutil

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).parent.parent / "data", data)
    edit(data / "procedures" / EXEMPLAR, "subjects_per_year: 1400000", "subjects_per_year: many")
    code, out = validate(data)
    assert code == 1
    assert f"{EXEMPLAR}:{line_of(data / 'procedures' / EXEMPLAR, 'subjects_per_year')}: error: " \
           "annual_volume.subjects_per_year:" in out
    assert "thủ tục liên quan 1.001193 không có trong danh mục" not in out and re.search(r"\b0 cảnh báo", out)
    assert "khai-sinh-lien-thong-dien-tu.yaml" in out and "không đọc được tệp của thủ tục 1.001193" in out


def test_schema_errors_are_explained_in_vietnamese(data_copy: Path) -> None:
    """Each kind of schema mistake an editor makes reads in Vietnamese, with the value the field accepts."""
    path = data_copy / "procedures" / EXEMPLAR
    edit(path, "field: Hộ tịch", "field: Hộ tịch\nfeild: Hộ tịch")          # a misspelt field
    edit(path, "levels: [commune]", "levels: [xa]")                          # a value outside the list
    edit(path, "subjects_per_year: 1200000", "subjects_per_year: -1")        # below the bound
    edit(path, "subjects: [citizen]\n", "")                                  # a required field left out
    code, out = validate(data_copy)
    assert code == 1
    assert f"{EXEMPLAR}:{line_of(path, 'feild:')}: error: feild: không có trường này (gõ nhầm tên?)" in out
    assert "levels[0]: phải là một trong: 'central', " in out and "hoặc 'commune'" in out
    assert "annual_volume.subjects_per_year: phải từ 0 trở lên" in out
    assert "error: subjects: thiếu trường bắt buộc" in out
    assert not re.search(r"Input should|Field required|Extra inputs", out)
