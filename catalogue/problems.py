"""Problems found in the catalogue, each pointing at a file, a line and a field path."""

from __future__ import annotations

import errno
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

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
