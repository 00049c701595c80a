"""Reading YAML safely, with the line of every value, duplicate keys refused and YAML 1.1 surprises turned off.

YAML 1.1 reads `no` as False, `1.001234` as a float, `010203` as octal and `12:30` as 750. Catalogue files use
a YAML 1.2 core-like subset: booleans are only true/false, integers are decimal, dates stay strings (pydantic
parses them), so that what an editor wrote is what the model sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from catalogue.problems import yaml_problem_vi

Location = tuple[int | str, ...]

try:
    _BaseLoader: type = yaml.CSafeLoader  # libyaml: about 5× faster than the pure-Python parser
except AttributeError:  # pragma: no cover - libyaml missing
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):
    pass


_Loader.yaml_implicit_resolvers = {}
for _tag, _regexp, _first in [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^[-+]?[0-9]+$", list("-+0123456789")),
    ("tag:yaml.org,2002:float", r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$", list("-+0123456789.")),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    _Loader.add_implicit_resolver(_tag, re.compile(_regexp), _first)


class YamlError(ValueError):
    """A file that is not well-formed catalogue YAML; `line` is 1-based."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message


@dataclass
class Parsed:
    data: Any
    lines: dict[Location, int]
    """The 1-based line of every mapping value and sequence item, by its location."""

    def line_of(self, location: Location) -> int | None:
        """The line of `location`, or of its nearest parent that has one."""
        loc = tuple(location)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), None)


def _build(node: yaml.Node, location: Location, lines: dict[Location, int], path: Path) -> Any:
    lines[location] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError(path, key_node.start_mark.line + 1, "danh mục không cho phép khóa gộp (<<)")
            key = _build(key_node, location + ("<key>",), {}, path)
            if not isinstance(key, (str, int)):
                raise YamlError(path, key_node.start_mark.line + 1, "tên trường phải là chuỗi ký tự")
            if key in result:
                raise YamlError(
                    path, key_node.start_mark.line + 1,
                    f"trường {key!r} được ghi hai lần (lần đầu ở dòng {lines[location + (key,)]})",
                )
            result[key] = _build(value_node, location + (key,), lines, path)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, location + (i,), lines, path) for i, item in enumerate(node.value)]
    assert isinstance(node, yaml.ScalarNode)
    value = node.value
    match node.tag:
        case "tag:yaml.org,2002:str":
            return value
        case "tag:yaml.org,2002:int":
            return int(value)
        case "tag:yaml.org,2002:float":
            return float(value)
        case "tag:yaml.org,2002:bool":
            return value.lower() == "true"
        case "tag:yaml.org,2002:null":
            return None
        case other:
            raise YamlError(path, node.start_mark.line + 1, f"danh mục không cho phép thẻ YAML {other}")


def parse_yaml(text: str, path: Path) -> Parsed:
    """Parse one YAML document, keeping the line of every value. Raises YamlError with the line."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        line, message = yaml_problem_vi(exc, text)
        raise YamlError(path, line, f"YAML sai cú pháp: {message}") from None
    if node is None:
        raise YamlError(path, 1, "tệp rỗng")
    lines: dict[Location, int] = {}
    return Parsed(_build(node, (), lines, path), lines)


def read_text(path: Path) -> str:
    """Read a catalogue file as UTF-8, saying so clearly when it is in another encoding."""
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlError(
            path, line,
            f"không phải UTF-8 (byte 0x{raw[exc.start]:02x} ở vị trí {exc.start}): lưu tệp dạng UTF-8; "
            "văn bản gõ bằng bảng mã cũ (TCVN3, VNI, Windows-1258) phải chuyển sang Unicode trước",
        ) from None


def load_yaml_file(path: Path) -> Parsed:
    return parse_yaml(read_text(path), path)


_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):
    """Quotes what YAML 1.1 would read as another type (a code as a float, `no` as false), but not a date: the
    catalogue writes dates plain (`retrieved: 2026-11-23`), and its loader reads them as text for the models."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _BaseDumper.yaml_implicit_resolvers.items()
    }


def dump_yaml(data: Any) -> str:
    """Write YAML that reads back to the same data with the loader above (codes stay quoted strings)."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110, default_flow_style=False)
