"""Problems found in the catalogue, each pointing at a file, a line and a field path."""

from __future__ import annotations

import errno
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from models.common import CODE_PATTERN, SLUG_PATTERN

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int | None
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}: {self.severity}:{field} {self.message}"


def field_path(location: tuple[int | str, ...]) -> str:
    """`('steps', 2, 'duration', 'low')` → `steps[2].duration.low`."""
    out = ""
    for part in location:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class CatalogueError(Exception):
    """Raised when the catalogue cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def _choices(expected: object) -> str:
    """Pydantic's "'a', 'b' or 'c'" as Vietnamese write a list of choices."""
    return str(expected).replace(" or ", " hoặc ")


# What the catalogue's identifier patterns mean, in words (a regular expression means nothing to an editor).
_PATTERNS_VI = {
    CODE_PATTERN: "phải có dạng d.dddddd (ví dụ 1.001193)",
    SLUG_PATTERN: "chỉ gồm chữ thường không dấu, chữ số, «-» và «_», bắt đầu bằng chữ hoặc số (ví dụ to-khai)",
}


def _bound(value: object) -> str:
    """A bound as written in a record: 0, not 0.0."""
    return f"{value:g}" if isinstance(value, float) else str(value)


# A validation error in the editor's language, by pydantic's error type (https://docs.pydantic.dev/latest/errors/
# validation_errors/); the context values (bounds, choices) come from the error itself. Types the catalogue's
# models cannot raise keep pydantic's own message.
_FIXED_VI: dict[str, str] = {
    "missing": "thiếu trường bắt buộc",
    "extra_forbidden": "không có trường này (gõ nhầm tên?)",
    "string_type": "phải là chuỗi ký tự",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên, không có phần thập phân",
    "float_type": "phải là số",
    "float_parsing": "phải là số",
    "decimal_type": "phải là số",
    "decimal_parsing": "phải là số",
    "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false",
    "list_type": "phải là một danh sách",
    "tuple_type": "phải là một danh sách",
    "set_type": "phải là một danh sách",
    "dict_type": "phải gồm các cặp «tên: giá trị»",
    "model_type": "phải gồm các cặp «tên: giá trị»",
    "model_attributes_type": "phải gồm các cặp «tên: giá trị»",
    "date_type": "phải là ngày dạng YYYY-MM-DD",
    "date_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_inexact": "phải là ngày dạng YYYY-MM-DD, không kèm giờ",
    "datetime_type": "phải là ngày giờ dạng YYYY-MM-DDTHH:MM",
    "datetime_parsing": "phải là ngày giờ dạng YYYY-MM-DDTHH:MM",
    "url_type": "phải là một địa chỉ web",
    "url_parsing": "phải là một địa chỉ web (https://…)",
}
_WITH_CONTEXT_VI: dict[str, Callable[[dict[str, Any]], str]] = {
    "literal_error": lambda c: f"phải là một trong: {_choices(c['expected'])}",
    "enum": lambda c: f"phải là một trong: {_choices(c['expected'])}",
    "greater_than": lambda c: f"phải lớn hơn {_bound(c['gt'])}",
    "greater_than_equal": lambda c: f"phải từ {_bound(c['ge'])} trở lên",
    "less_than": lambda c: f"phải nhỏ hơn {_bound(c['lt'])}",
    "less_than_equal": lambda c: f"không được vượt quá {_bound(c['le'])}",
    "string_too_short": lambda c: "không được để trống" if c["min_length"] == 1 else f"phải có ít nhất {c['min_length']} ký tự",
    "string_too_long": lambda c: f"không được dài quá {c['max_length']} ký tự",
    "string_pattern_mismatch": lambda c: _PATTERNS_VI.get(c["pattern"], f"không đúng dạng {c['pattern']}"),
    "too_short": lambda c: f"phải có ít nhất {c['min_length']} mục",
    "too_long": lambda c: f"không được quá {c['max_length']} mục",
    "url_scheme": lambda c: f"địa chỉ web phải bắt đầu bằng {_choices(c['expected_schemes'])}",
    "union_tag_invalid": lambda c: f"không có loại {c['tag']!r}: dùng một trong {_choices(c['expected_tags'])}",
    "union_tag_not_found": lambda c: f"thiếu trường {c['discriminator']}",
    "value_error": lambda c: str(c["error"]),
    "assertion_error": lambda c: str(c["error"]),
}


def pydantic_message_vi(error: Mapping[str, Any]) -> str:
    """The Vietnamese message of one pydantic error (an item of `ValidationError.errors()`).

    >>> pydantic_message_vi({"type": "literal_error", "msg": "…", "ctx": {"expected": "'citizen' or 'business'"}})
    "phải là một trong: 'citizen' hoặc 'business'"
    """
    fixed = _FIXED_VI.get(error["type"])
    if fixed is not None:
        return fixed
    translate = _WITH_CONTEXT_VI.get(error["type"])
    if translate is None:
        return str(error["msg"])
    try:
        return translate(error.get("ctx") or {})
    except KeyError:  # a context pydantic did not give: its own words are better than none
        return str(error["msg"])


def pydantic_summary_vi(exc: ValidationError, limit: int = 1) -> str:
    """The first `limit` errors of a validation as «field: message; …», for one-line errors (imports, reports)."""
    shown = "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or '(cả tệp)'}: {pydantic_message_vi(error)}"
        for error in exc.errors()[:limit]
    )
    more = exc.error_count() - limit
    return shown + (f" (và {more} lỗi khác)" if more > 0 else "")


_OS_ERRORS_VI = {
    errno.ENOENT: "không có tệp này", errno.EACCES: "không có quyền đọc", errno.EPERM: "không có quyền đọc",
    errno.EISDIR: "đây là thư mục, không phải tệp",
}


def cannot_read(exc: OSError) -> str:
    """The message for a file the system would not read (missing, no permission, a folder)."""
    return f"không đọc được tệp: {_OS_ERRORS_VI.get(exc.errno or 0, exc.strerror)}"


# A YAML syntax error in the editor's language. libyaml (the parser the catalogue uses) and PyYAML's pure-Python
# parser word their problems differently, so each entry matches both; a problem not listed keeps its own words.
# The third item says the line to show is where the construct began (the context's mark: the key missing its «:»,
# the quote never closed), not where the parser noticed.
_YAML_PROBLEMS_VI: list[tuple[str, str, bool]] = [
    (r"mapping values are not allowed",
     "dấu «:» không được đứng ở đây: giá trị có «: » phải đặt trong dấu nháy, hoặc dòng này thụt lề sai", False),
    (r"could not find expected ':'", "thiếu dấu «:» sau tên trường", True),
    (r"tab character", "thụt lề bằng dấu cách, không dùng tab", False),
    (r"did not find expected key|expected <block end>",
     "thụt lề không khớp với các dòng trên, hoặc sau giá trị trong dấu nháy còn chữ thừa", False),
    (r"did not find expected '-' indicator", "mỗi mục của danh sách phải bắt đầu bằng «- » (thụt lề sai?)", False),
    (r"expected ',' or '\]'", "danh sách trong «[ ]» thiếu dấu phẩy hoặc dấu «]»", True),
    (r"expected ',' or '\}'", "nhóm trong «{ }» thiếu dấu phẩy hoặc dấu «}»", True),
    (r"invalid indentation or unclosed", "thụt lề sai, hoặc «[» hay «{» chưa được đóng", False),
    (r"unknown escape character",
     "ký tự thoát «\\…» không hợp lệ trong dấu nháy kép: dùng dấu nháy đơn, hoặc viết «\\\\»", False),
    (r"undefined alias", "tham chiếu «*…» không có neo «&…» tương ứng", False),
    (r"alphabetic or numeric character",
     "sau «&» hay «*» phải là tên neo: giá trị bắt đầu bằng «&» hay «*» thì đặt trong dấu nháy", False),
    (r"sequence entries are not allowed", "không được mở mục danh sách «- » ở đây (thụt lề sai?)", False),
    (r"mapping keys are not allowed", "không được mở khóa «? » ở đây", False),
    (r"comment or (a )?line break",
     "sau giá trị này chỉ được có chú thích hoặc xuống dòng: đặt cả giá trị trong dấu nháy", False),
    (r"node content", "thiếu giá trị", False),
    (r"another document|document (separator|indicator)",
     "tệp chỉ có một tài liệu YAML: dòng «---» hay «...» không được đứng ở đây", False),
]


def yaml_problem_vi(exc: Exception, text: str) -> tuple[int | None, str]:
    """(1-based line, message) of a YAML syntax error raised while parsing `text`.

    >>> import yaml
    >>> try:
    ...     yaml.safe_load("ten: 'Tờ khai\\nma: 1\\n")
    ... except yaml.YAMLError as exc:
    ...     yaml_problem_vi(exc, "")
    (1, 'dấu nháy mở ở đây chưa được đóng')
    """
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow, with its place in the text
        line = text[:exc.position].count("\n") + 1 if text else None
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        return line, f"ký tự {character} không được phép trong tệp YAML (ký tự điều khiển?)"
    if not isinstance(exc, yaml.MarkedYAMLError):
        return None, str(exc)
    problem, context = exc.problem or "", exc.context or ""
    start = exc.context_mark.line + 1 if exc.context_mark else None
    where = exc.problem_mark.line + 1 if exc.problem_mark else start
    if "end of stream" in problem:
        if "quoted" in context:
            return start, "dấu nháy mở ở đây chưa được đóng"
        return start or where, "tệp kết thúc giữa chừng"
    if "cannot start any token" in problem:  # libyaml does not say which character: read it from the text
        mark = exc.problem_mark
        lines = text.split("\n")
        row = lines[mark.line] if mark and mark.line < len(lines) else ""
        found = row[mark.column] if mark and mark.column < len(row) else ""
        if found == "\t":
            return where, "thụt lề bằng dấu cách, không dùng tab"
        return where, (f"ký tự «{found}» không được mở đầu một giá trị: đặt cả giá trị trong dấu nháy" if found
                       else "có ký tự không được mở đầu một giá trị: đặt cả giá trị trong dấu nháy")
    for pattern, message, at_start in _YAML_PROBLEMS_VI:
        if re.search(pattern, problem) or re.search(pattern, context):
            return (start or where) if at_start else where, message
    return where, problem or str(exc)


_JSON_PROBLEMS_VI = {
    "Expecting value": "thiếu giá trị (hoặc thừa dấu phẩy)",
    "Expecting property name enclosed in double quotes": "tên trường phải trong dấu nháy kép (hoặc thừa dấu phẩy)",
    "Expecting ':' delimiter": "thiếu dấu «:»",
    "Expecting ',' delimiter": "thiếu dấu phẩy",
    "Unterminated string starting at": "chuỗi mở ở đây chưa đóng dấu nháy",
    "Invalid control character at": "ký tự điều khiển trong chuỗi (xuống dòng trong chuỗi viết là \\n)",
    "Invalid \\escape": "ký tự thoát «\\…» không hợp lệ",
    "Invalid \\uXXXX escape": "ký tự thoát «\\u» phải có 4 chữ số hệ 16",
    "Extra data": "thừa dữ liệu sau giá trị JSON",
    "Illegal trailing comma before end of object": "thừa dấu phẩy trước «}»",
    "Illegal trailing comma before end of array": "thừa dấu phẩy trước «]»",
}


def json_problem_vi(exc: json.JSONDecodeError) -> str:
    """The message of a JSON syntax error (the caller says where: a file's line, a cell).

    >>> try:
    ...     json.loads('{"a": 1,}')
    ... except json.JSONDecodeError as exc:
    ...     json_problem_vi(exc)
    'tên trường phải trong dấu nháy kép (hoặc thừa dấu phẩy)'
    """
    return _JSON_PROBLEMS_VI.get(exc.msg, exc.msg)
