"""The catalogue as an Excel workbook for staff who work in spreadsheets, and back, losing nothing.

Sheets: "Thủ tục" (one row per procedure), "Bước" (steps), "Giấy tờ" (documents), "Cách thức" (channels),
"Phí, lệ phí" (fees per channel), "Căn cứ pháp lý" (legal basis), and "Hướng dẫn" (how to edit). Columns are
the record's field paths (`duration.likely`, `issuer.kind`), so a workbook edited by hand imports back with the
same validation as YAML, each error naming the sheet, row and column. Lists of ids are written "a; b"; lists of
texts or records as JSON. Text that starts with = + - @ is stored with Excel's quote prefix, so it stays text.
"""

from __future__ import annotations

import io
import json
import re
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Union

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from catalogue.interchange.record import ImportedRecord
from catalogue.interchange.safety import InterchangeError, check_zip
from catalogue.problems import json_problem_vi, pydantic_message_vi
from catalogue.spreadsheet import looks_like_formula
from models.catalogue import Catalogue
from models.procedure import Channel, Citation, Document, Fee, Procedure, Step

SHEET_PROCEDURES = "Thủ tục"
SHEET_STEPS = "Bước"
SHEET_DOCUMENTS = "Giấy tờ"
SHEET_CHANNELS = "Cách thức"
SHEET_FEES = "Phí, lệ phí"
SHEET_LEGAL = "Căn cứ pháp lý"
SHEET_HELP = "Hướng dẫn"
CODE = "procedure"
CODE_COLUMNS = frozenset({"code", CODE})
"""Columns holding procedure codes: formatted as text, or Excel turns a code typed in (1.001190) into a number
(1,00119)."""
CHANNEL = "channel"
EXCEL_CELL_LIMIT = 32_767

# (sheet, model, field of Procedure it lists): the child sheets.
CHILDREN: list[tuple[str, type[BaseModel], str]] = [
    (SHEET_STEPS, Step, "steps"), (SHEET_DOCUMENTS, Document, "documents"), (SHEET_LEGAL, Citation, "legal_basis"),
]
_SPLIT_OFF = {"steps", "documents", "channels", "legal_basis"}
_ID_LIKE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")


# --- schema walking ----------------------------------------------------------------------------------------

def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else annotation
    return annotation


def _shape(model: type[BaseModel], prefix: str = "") -> tuple[set[str], set[str]]:
    """Dotted paths of list fields and of nested-model fields of `model`."""
    lists: set[str] = set()
    nested: set[str] = set()
    for name, info in model.model_fields.items():
        annotation = _unwrap(info.annotation)
        path = prefix + name
        if typing.get_origin(annotation) is list:
            lists.add(path)
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            nested.add(path)
            sub_lists, sub_nested = _shape(annotation, path + ".")
            lists |= sub_lists
            nested |= sub_nested
    return lists, nested


def _flatten(data: dict[str, Any], lists: set[str], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = prefix + key
        if path in lists:
            out[path] = _encode_list(value)
        elif isinstance(value, dict):
            out.update(_flatten(value, lists, path + "."))
        else:
            out[path] = value
    return out


def _encode_list(items: list[Any]) -> str | None:
    if not items:
        return None
    if all(isinstance(i, str) and _ID_LIKE.match(i) for i in items):
        return "; ".join(items)
    return json.dumps(items, ensure_ascii=False)


def _decode_list(cell: Any) -> list[Any]:
    if isinstance(cell, str) and cell.lstrip().startswith("["):
        value = json.loads(cell)
        if not isinstance(value, list):
            raise ValueError("cần một danh sách JSON")
        return value
    return [part.strip() for part in str(cell).split(";") if part.strip()]


def _unflatten(row: dict[str, Any], lists: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, cell in row.items():
        if cell is None or cell == "":
            continue
        value = _decode_list(cell) if path in lists else cell
        target = out
        *parents, leaf = path.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return out


# --- export -----------------------------------------------------------------------------------------------

def _rows(catalogue: Catalogue, codes: Iterable[str] | None) -> dict[str, list[dict[str, Any]]]:
    chosen = sorted(catalogue.procedures) if codes is None else list(codes)
    p_lists, _ = _shape(Procedure)
    sheets: dict[str, list[dict[str, Any]]] = {SHEET_PROCEDURES: [], SHEET_CHANNELS: [], SHEET_FEES: []}
    for sheet, _, _ in CHILDREN:
        sheets[sheet] = []
    c_lists, _ = _shape(Channel)
    f_lists, _ = _shape(Fee)
    for code in chosen:
        p = catalogue.procedures[code]
        body = p.model_dump(mode="json")
        sheets[SHEET_PROCEDURES].append(_flatten({k: v for k, v in body.items() if k not in _SPLIT_OFF}, p_lists))
        for sheet, model, field in CHILDREN:
            lists, _ = _shape(model)
            for item in body[field]:
                sheets[sheet].append({CODE: code, **_flatten(item, lists)})
        for channel in body["channels"]:
            fees = channel.pop("fees")
            sheets[SHEET_CHANNELS].append({CODE: code, **_flatten(channel, c_lists)})
            for fee in fees:
                sheets[SHEET_FEES].append({CODE: code, CHANNEL: channel["kind"], **_flatten(fee, f_lists)})
    return sheets


HELP_VI = [
    "Danh mục thủ tục hành chính xuất từ tthc. Mỗi trang tính là một phần của hồ sơ thủ tục:",
    f"- {SHEET_PROCEDURES}: mỗi dòng một thủ tục; {SHEET_STEPS}, {SHEET_DOCUMENTS}, {SHEET_CHANNELS}, {SHEET_FEES}, "
    f"{SHEET_LEGAL}: mỗi dòng một bước / giấy tờ / cách thức / khoản phí / văn bản, cột '{CODE}' là mã thủ tục.",
    "- Tên cột là đường dẫn trường của hồ sơ (ví dụ duration.likely = thời gian khả dĩ, ngày làm việc).",
    "- Danh sách mã viết 'a; b'; danh sách văn bản hoặc bản ghi viết dạng JSON ([\"...\"]).",
    "- Tiền là số nguyên đồng. Thứ tự dòng là thứ tự trong hồ sơ.",
    "- Sửa xong, nhập lại bằng `tthc import TỆP.xlsx --force`: mọi lỗi được báo theo trang tính, dòng và cột.",
]


def export_xlsx(catalogue: Catalogue, path: Path, codes: Iterable[str] | None = None) -> None:
    """Write the workbook to `path` (through a temporary file: never half written)."""
    import xlsxwriter

    from catalogue.files import atomic_path

    sheets = _rows(catalogue, codes)
    with atomic_path(path) as tmp:
        workbook = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
        header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7"})
        as_text = workbook.add_format({"quote_prefix": True})
        wrap = workbook.add_format({"text_wrap": False})
        text = workbook.add_format({"num_format": "@"})
        for name, rows in sheets.items():
            ws = workbook.add_worksheet(name)
            columns: list[str] = list(dict.fromkeys(k for row in rows for k in row))
            for c, column in enumerate(columns):
                ws.write_string(0, c, column, header)
                ws.set_column(c, c, 14 if len(column) < 14 else min(40, len(column) + 2),
                              text if column in CODE_COLUMNS else None)
            for r, row in enumerate(rows, 1):
                for c, column in enumerate(columns):
                    _write(ws, r, c, row.get(column), as_text, text if column in CODE_COLUMNS else wrap, name, column)
            ws.freeze_panes(1, 1 if name != SHEET_PROCEDURES else 2)
        ws = workbook.add_worksheet(SHEET_HELP)
        ws.set_column(0, 0, 120)
        for r, line in enumerate(HELP_VI):
            ws.write_string(r, 0, line)
        workbook.close()


def _write(ws: Any, r: int, c: int, value: Any, as_text: Any, plain: Any, sheet: str, column: str) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        ws.write_number(r, c, value)
    else:
        text = str(value)
        if len(text) > EXCEL_CELL_LIMIT:
            raise InterchangeError(sheet, f"dòng {r + 1}, cột {column}: nội dung dài {len(text)} ký tự, vượt giới hạn một ô Excel")
        # A leading = + - @ would make Excel (or a CSV export of the sheet) read the text as a formula.
        ws.write_string(r, c, text, as_text if looks_like_formula(text) else plain)


# --- import -----------------------------------------------------------------------------------------------

def _sheet_rows(workbook: Any, name: str, source: Path) -> list[tuple[int, dict[str, Any]]]:
    if name not in workbook.sheetnames:
        raise InterchangeError(source, f"bảng tính không có trang tính {name!r}: đây có phải bảng tính xuất bằng `tthc export xlsx` không?")
    rows = workbook[name].iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return []
    columns = [str(h).strip() if h is not None else "" for h in header]
    out = []
    for index, values in enumerate(rows, 2):
        if values is None or all(v is None or v == "" for v in values):
            continue
        out.append((index, {col: v for col, v in zip(columns, values, strict=False) if col}))
    return out


def _code(value: Any, source: Path, sheet: str, row_number: int, column: str) -> Any:
    """A procedure code cell as written; a number there is a code Excel converted (its trailing zeros are lost)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise InterchangeError(source, f"{sheet}, dòng {row_number}, cột {column}: Excel đã đổi mã thủ tục thành số "
                               f"({value}): định dạng ô là Văn bản (Text) rồi gõ lại mã, ví dụ 1.001190")
    return value


def read_workbook(source: Path, data: bytes) -> list[ImportedRecord]:
    """Procedures from a workbook exported by `export_xlsx` (possibly edited); errors name sheet, row and column."""
    check_zip(data, source, "xl/workbook.xml")
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a damaged package
        raise InterchangeError(source, f"không đọc được bảng tính Excel: {exc}") from None
    p_lists, _ = _shape(Procedure)
    bodies: dict[str, dict[str, Any]] = {}
    rows_of: dict[str, int] = {}
    where: dict[tuple[str, str, int], tuple[str, int]] = {}
    """(code, field, index) → (sheet, row) of each child item, for error messages."""
    for row_number, row in _sheet_rows(workbook, SHEET_PROCEDURES, source):
        body = _decode(row, p_lists, source, SHEET_PROCEDURES, row_number)
        code = _code(body.get("code"), source, SHEET_PROCEDURES, row_number, "code")
        if not isinstance(code, str) or code in bodies:
            raise InterchangeError(source, f"{SHEET_PROCEDURES}, dòng {row_number}: mã thủ tục {code!r} bị thiếu hoặc lặp lại")
        body.update({"steps": [], "documents": [], "channels": [], "legal_basis": []})
        bodies[code] = body
        rows_of[code] = row_number
    children = [(sheet, model, field) for sheet, model, field in CHILDREN] + [(SHEET_CHANNELS, Channel, "channels")]
    for sheet, model, field in children:
        lists, _ = _shape(model)
        for row_number, row in _sheet_rows(workbook, sheet, source):
            code = _code(row.pop(CODE, None), source, sheet, row_number, CODE)
            if code not in bodies:
                raise InterchangeError(source, f"{sheet}, dòng {row_number}, cột {CODE}: trang tính {SHEET_PROCEDURES} không có thủ tục {code!r}")
            item = _decode(row, lists, source, sheet, row_number)
            if field == "channels":
                item["fees"] = []
            where[(str(code), field, len(bodies[str(code)][field]))] = (sheet, row_number)
            bodies[str(code)][field].append(item)
    f_lists, _ = _shape(Fee)
    for row_number, row in _sheet_rows(workbook, SHEET_FEES, source):
        code, kind = _code(row.pop(CODE, None), source, SHEET_FEES, row_number, CODE), row.pop(CHANNEL, None)
        channel = next((c for c in bodies.get(str(code), {}).get("channels", []) if c.get("kind") == kind), None)
        if channel is None:
            raise InterchangeError(source, f"{SHEET_FEES}, dòng {row_number}: trang tính {SHEET_CHANNELS} không có kênh {kind!r} của thủ tục {code!r}")
        channel_index = bodies[str(code)]["channels"].index(channel)
        where[(str(code), f"channels.{channel_index}.fees", len(channel["fees"]))] = (SHEET_FEES, row_number)
        channel["fees"].append(_decode(row, f_lists, source, SHEET_FEES, row_number))
    records = []
    wrong: list[str] = []
    for code, body in bodies.items():
        try:
            procedure = Procedure.model_validate(body)
        except ValidationError as exc:
            wrong += [_locate(err, code, rows_of[code], where) for err in exc.errors()]
            continue
        records.append(ImportedRecord(procedure, f"{source} ({SHEET_PROCEDURES}, dòng {rows_of[code]})", whole=True))
    workbook.close()
    if wrong:  # every cell to mend in one run: the workbook is imported whole or not at all
        raise InterchangeError(source, f"{len(wrong)} lỗi, không nhập thủ tục nào:\n  " + "\n  ".join(wrong))
    return records


def _locate(err: ErrorDetails, code: str, row: int, where: dict[tuple[str, str, int], tuple[str, int]]) -> str:
    """"Bước, dòng 7, cột duration.low: …" for a validation error."""
    loc = [str(p) for p in err["loc"]]
    sheet, line, column = SHEET_PROCEDURES, row, ".".join(loc)
    for depth in (4, 2):
        if len(loc) > depth and loc[depth - 1].isdigit():
            key = (code, ".".join(loc[: depth - 1]), int(loc[depth - 1]))
            if key in where:
                sheet, line = where[key]
                column = ".".join(loc[depth:])
                break
    return f"{sheet}, dòng {line}, cột {column or '?'}: thủ tục {code}: {pydantic_message_vi(err)}"


def _decode(row: dict[str, Any], lists: set[str], source: Path, sheet: str, row_number: int) -> dict[str, Any]:
    for column, cell in row.items():
        if column in lists and isinstance(cell, str) and cell.lstrip().startswith("["):
            try:
                _decode_list(cell)
            except ValueError as exc:
                why = f"ký tự {exc.pos + 1}: {json_problem_vi(exc)}" if isinstance(exc, json.JSONDecodeError) else str(exc)
                raise InterchangeError(source, f"{sheet}, dòng {row_number}, cột {column}: không phải danh sách hợp lệ ({why})") from None
    return _unflatten(row, lists)
