"""The plan's Excel workbook and Word document, read back: the live formulas recomputed independently give the
figures `tthc propose` prints, the cached values match them, catalogue text stays text, and both render."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm
from PIL import Image

from catalogue.console import vnd
from tests.proposals_support import HOSTILE_NAME, PLAN, make_data, run, write_plan


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    data = make_data(tmp_path_factory.mktemp("office") / "data")
    path = write_plan(data, PLAN)
    xlsx, docx_path = data / "plan.xlsx", data / "plan.docx"
    result = run("propose", str(path), "--as-of", "2025-06-01", "--data", str(data), "--xlsx", str(xlsx), "--docx", str(docx_path),
                 "--graphs", str(data / "graphs"))
    assert result.exit_code == 0, result.output
    return result.output, xlsx, docx_path


def printed_savings(output: str) -> list[str]:
    """The "Tiết kiệm chi phí tuân thủ: X đ/năm" figures the CLI printed (per procedure, then the plan)."""
    return re.findall(r"Tiết kiệm chi phí tuân thủ: ([\d.]+ đ)/năm", output)


class Sheets:
    """A small evaluator for the formulas the workbook uses (cell refs, SUM, SUMIF, ROUND, IF, + − × ÷),
    computing in Decimal with Excel's half-away-from-zero ROUND."""

    def __init__(self, path: Path) -> None:
        self.wb = openpyxl.load_workbook(path)
        self.memo: dict[tuple[str, str], Any] = {}

    def value(self, sheet: str, cell: str) -> Any:
        key = (sheet, cell.replace("$", ""))
        if key not in self.memo:
            raw = self.wb[sheet][key[1]].value
            if isinstance(raw, str) and raw.startswith("="):
                self.memo[key] = self.formula(sheet, raw[1:])
            elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
                self.memo[key] = Decimal(str(raw))
            else:
                self.memo[key] = raw
        return self.memo[key]

    def cells(self, sheet: str, first: str, last: str) -> list[Any]:
        rows = self.wb[sheet][first.replace("$", ""):last.replace("$", "")]
        return [self.value(sheet, c.coordinate) for row in rows for c in row]

    def formula(self, sheet: str, text: str) -> Any:
        ref = r"(?:'([^']+)'!|([A-Za-z]+)!)?(\$?[A-Z]+\$?\d+)"
        tokens: list[str] = []

        def keep(code: str) -> str:  # references become opaque tokens before numbers are wrapped
            tokens.append(code)
            return f"TOKEN{chr(65 + len(tokens) - 1)}"

        expr = re.sub(r'"[^"]*"', lambda m: keep(repr(m[0][1:-1])), text)
        expr = re.sub(ref + r":(\$?[A-Z]+\$?\d+)",
                      lambda m: keep(f"_R({(m[1] or m[2] or sheet)!r},{m[3]!r},{m[4]!r})"), expr)
        expr = re.sub(ref, lambda m: keep(f"_C({(m[1] or m[2] or sheet)!r},{m[3]!r})"), expr)
        expr = expr.replace("<>", "!=").replace(">=", "§").replace("<=", "¤")
        expr = re.sub(r"(?<![=!<>])=(?!=)", "==", expr).replace("§", ">=").replace("¤", "<=")
        expr = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w.])", r"_D('\1')", expr)
        expr = re.sub(r"TOKEN([A-Z])", lambda m: tokens[ord(m[1]) - 65], expr)

        def sumif(crit_range: list[Any], criterion: str, values: list[Any]) -> Decimal:
            return sum((v for c, v in zip(crit_range, values, strict=True) if c == criterion and v is not None), Decimal(0))

        env = {
            "_R": lambda s, a, b: self.cells(s, a, b), "_C": self.value, "_D": Decimal,
            "SUM": lambda r: sum((v for v in r if isinstance(v, Decimal)), Decimal(0)),
            "SUMIF": sumif, "IF": lambda c, a, b: a if c else b,
            "ROUND": lambda x, n: x.quantize(Decimal(1).scaleb(-int(n)), rounding=ROUND_HALF_UP),
        }
        return eval(expr, {"__builtins__": {}}, env)


def test_workbook_formulas_recompute_the_printed_figures(outputs: tuple[str, Path, Path]) -> None:
    output, xlsx, _ = outputs
    sheets = Sheets(xlsx)
    summary = sheets.wb["Tổng hợp"]
    totals_row = next(r for r in range(1, 40) if str(summary.cell(r, 2).value or "").startswith("Tổng 3 thủ tục"))
    saving_cells = [f"E{r}" for r in range(5, totals_row)] + [f"E{totals_row}"]
    computed = [vnd(int(sheets.value("Tổng hợp", c))) for c in saving_cells]
    assert computed == printed_savings(output)
    verdict = sheets.value("Tổng hợp", f"C{totals_row + 2}")
    assert verdict == ("ĐẠT" if "chi phí ≥ 30,0%: ĐẠT" in output.split("Tổng:")[-1] else "CHƯA ĐẠT")


def test_workbook_cached_values_are_the_printed_figures(outputs: tuple[str, Path, Path]) -> None:
    output, xlsx, _ = outputs
    cached = openpyxl.load_workbook(xlsx, data_only=True)["Tổng hợp"]
    values = [cached.cell(r, 5).value for r in range(5, 9)]
    assert [vnd(v) for v in values] == printed_savings(output)


def test_workbook_lays_out_each_activity_with_its_formula(outputs: tuple[str, Path, Path]) -> None:
    _, xlsx, _ = outputs
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["1. 1.001193"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_row=60)]
    travel = next(r for r in rows if r[1] == "Đi lại")
    assert travel[4] == 30 and travel[7].endswith("*'Tham số'!$C$4/60") and travel[8] == "T × W"
    labels = [r[3] for r in rows if r[3]]
    for label in ("Chi phí thời gian Σ T_i × W (đồng)", "Phí, lệ phí F (đồng)", "Chi phí khác O (đồng)",
                  "Chi phí tuân thủ một năm C_năm = C1 × f × N (đồng)", "Chi phí tiết kiệm (đồng/năm)"):
        assert label in labels
    assert wb["Tham số"]["C4"].value == 30682
    # Every parameter row says what the parameter is, from the parameters file.
    described = {row[0].value: row[1].value for row in wb["Tham số"].iter_rows(min_row=4) if row[0].value}
    assert all(described.values()), [name for name, text in described.items() if not text]


def test_catalogue_text_is_never_a_formula(outputs: tuple[str, Path, Path]) -> None:
    _, xlsx, _ = outputs
    ws = openpyxl.load_workbook(xlsx)["3. 9.004101"]
    cell = ws["A1"]
    assert cell.value == f"9.004101 – {HOSTILE_NAME}" and cell.data_type == "s"
    summary = openpyxl.load_workbook(xlsx)["Tổng hợp"]
    hostile = next(c for row in summary.iter_rows() for c in row if c.value == HOSTILE_NAME)
    assert hostile.data_type == "s" and hostile.quotePrefix


def test_word_plan_holds_the_printed_figures_and_legal_changes(outputs: tuple[str, Path, Path]) -> None:
    output, _, path = outputs
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "PHƯƠNG ÁN ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH" in text
    savings = re.findall(r"Chi phí tiết kiệm: ([\d.]+ đ)/năm", text)
    assert savings == printed_savings(output)[:3]
    assert f"tiết kiệm {printed_savings(output)[3]}/năm" in text
    # The same cut rates as the terminal, to the same rounding (one `percent` for both).
    printed_rates = re.findall(r"tỷ lệ cắt giảm chi phí (-?[\d,]+%)", output)
    assert re.findall(r"Tỷ lệ cắt giảm chi phí: (-?[\d,]+%)", text) == printed_rates[:3]
    assert "123/2015/NĐ-CP, Điều 9 (sửa đổi): Cho nộp hồ sơ trực tuyến." in text
    assert "Lý do: Xác minh đồng thời." in text
    # An operation whose kiến nghị thực thi the plan leaves out is named, not passed off as needing no legal change.
    assert "Chưa ghi kiến nghị thực thi cho: Thực hiện song song: «Công an tỉnh xác minh án tích»" in text
    assert "Không cần sửa đổi văn bản quy phạm pháp luật." not in text
    assert "Thực hiện song song: «Công an tỉnh xác minh án tích» không phải chờ «Tra cứu lý lịch tư pháp»" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert HOSTILE_NAME in " ".join(cells)
    assert "Tổng 3 thủ tục" in cells
    # f and N stand beside the annual cost they multiply.
    assert {"Số lần thực hiện một năm của một đối tượng (lần)", "Số đối tượng thực hiện một năm (đối tượng)"} <= set(cells)
    # What a liên thông plan cuts: the hand-overs between agencies and the applicant's contacts, as the terminal shows.
    assert {"Số lần chuyển hồ sơ giữa cơ quan (lần)", "Số lần liên hệ của người dân (lần)"} <= set(cells)
    # Laid out for A4 with 2 cm margins, and marked as Vietnamese for the spelling checker.
    section = document.sections[0]
    assert [round(x.cm, 1) for x in (section.page_width, section.page_height, section.left_margin)] == [21, 29.7, 2]
    langs = {lang.get(qn("w:val")) for lang in document.styles.element.iter(qn("w:lang"))}
    assert langs == {"vi-VN"}


def test_word_plan_draws_each_procedure_before_and_after(outputs: tuple[str, Path, Path]) -> None:
    """Two step graphs per procedure (before, after) side by side, PNG pictures that fit an A4 portrait page, each captioned
    with its critical path's length; a plan that removes steps draws fewer of them."""
    _, _, path = outputs
    document = docx.Document(str(path))
    # The graphs sit side by side in a table; the cost charts (one per procedure) stand in the text.
    shapes = list(document.inline_shapes)
    in_table = [next(shape._inline.iterancestors(qn("w:tc")), None) is not None for shape in shapes]
    pictures = [shape for shape, inside in zip(shapes, in_table, strict=True) if inside]
    charts = [shape for shape, inside in zip(shapes, in_table, strict=True) if not inside]
    assert len(pictures) == 2 * 3 and len(charts) == 3
    sizes = []
    for shape in pictures:
        assert shape.width <= Cm(7.9) and shape.height <= Cm(21)
        blob = document.part.related_parts[shape._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
        with Image.open(io.BytesIO(blob)) as image:
            assert image.format == "PNG"
            sizes.append(image.size)
            assert image.size[1] > image.size[0]  # drawn top to bottom for the portrait page
    cells = [cell for table in document.tables for row in table.rows for cell in row.cells]
    captions = [p.text for cell in cells for p in cell.paragraphs if p.text.startswith("Hình ")]
    assert [c.split(".")[0] for c in captions] == ["Hình 1a", "Hình 1b", "Hình 2a", "Hình 2b", "Hình 3a", "Hình 3b"]
    assert all("đường găng" in c and "ngày làm việc" in c for c in captions)
    # The after-graphs mark what the plan changed, and the captions name the steps it removed.
    assert all("chấm xanh: bước mới hoặc thay đổi theo phương án" in c for c in captions[1::2])
    assert not any("chấm xanh" in c for c in captions[::2])
    assert any(after[1] < before[1] for before, after in zip(sizes[::2], sizes[1::2], strict=True))
    texts = [p.text for p in document.paragraphs]
    assert [t.split(".")[0] for t in texts if t.startswith("Biểu đồ ")] == ["Biểu đồ 1", "Biểu đồ 2", "Biểu đồ 3"]
    assert all(round(chart.width.cm) == 16 for chart in charts)


def test_propose_draws_each_procedure_before_and_after_for_slides(outputs: tuple[str, Path, Path]) -> None:
    """--graphs: <code>-truoc and <code>-sau as Mermaid, SVG and PNG; the after-graph marks the steps a plan changed
    (going online, running in parallel), none where it changes only a paper (accepting a plain copy)."""
    _, _, path = outputs
    folder = path.parent / "graphs"
    codes = [entry["code"] for entry in PLAN["procedures"]]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{code}-{when}.{ext}" for code in codes for when in ("truoc", "sau") for ext in ("mmd", "svg", "png"))
    for code in codes:
        before, after = ((folder / f"{code}-{when}.svg").read_text(encoding="utf-8") for when in ("truoc", "sau"))
        steps_changed = code != "9.004101"
        assert ("Bước mới hoặc thay đổi theo phương án" in after) == steps_changed
        assert "Bước mới hoặc thay đổi" not in before
        assert ("classDef changed" in (folder / f"{code}-sau.mmd").read_text(encoding="utf-8")) == steps_changed
        with Image.open(folder / f"{code}-sau.png") as image:
            assert image.format == "PNG"


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                    reason="needs LibreOffice and poppler: apt-get install libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils")
def test_both_documents_render_to_png(outputs: tuple[str, Path, Path], tmp_path: Path) -> None:
    _, xlsx, path = outputs
    for source, stem in ((path, "plan-word"), (xlsx, "plan-excel")):
        copy = tmp_path / f"{stem}{source.suffix}"
        shutil.copy(source, copy)
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                        "--outdir", str(tmp_path), str(copy)], check=True, capture_output=True, timeout=240)
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / f"{stem}.pdf"),
                        str(tmp_path / stem)], check=True, capture_output=True, timeout=60)
        [png] = tmp_path.glob(f"{stem}-*.png")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size > 5000  # a page with text on it, not a blank
