"""Load the catalogue from data/: YAML → typed models, with every problem named by file, line and field."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from catalogue.problems import CatalogueError, Problem, cannot_read, field_path, pydantic_message_vi
from catalogue.yamlio import Parsed, YamlError, load_yaml_file
from models.catalogue import Catalogue, Procedures
from models.parameters import Parameter, ParameterSet
from models.procedure import Procedure
from models.registry import Agency, LegalDocument

M = TypeVar("M", bound=BaseModel)

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data"
KIND_VI = {"agency": "cơ quan", "legal": "văn bản"}
"""The registries' records, as messages name them."""


@dataclass
class Loaded:
    """A catalogue with where each record came from, and the problems met while loading."""

    catalogue: Catalogue
    origins: dict[tuple[str, str], tuple[Path | str, Parsed | None, tuple[int | str, ...]]] = field(default_factory=dict)
    """(kind, key) → (file, parsed YAML when read from YAML, location of the record in the file)."""
    problems: list[Problem] = field(default_factory=list)

    @property
    def unreadable(self) -> set[str]:
        """Codes of the procedure files that failed to load: what refers to them is not "missing", it is broken."""
        return {p.file.stem for p in self.problems if p.severity == "error" and p.file.parent.name == "procedures"}

    def locate(self, kind: str, key: str, location: tuple[int | str, ...] = ()) -> tuple[Path, int | None]:
        """File and line of a field of a record, for messages."""
        origin, parsed, base = self.origins[(kind, key)]
        path = Path(origin)
        if parsed is None:  # read from the cache: parse the file once more, only to point at the line
            try:
                parsed = load_yaml_file(path)
            except (YamlError, OSError):
                return path, None
            self.origins[(kind, key)] = (path, parsed, base)
        return path, parsed.line_of(base + tuple(location))


def _pydantic_problems(exc: ValidationError, path: Path, parsed: Parsed, base: tuple[int | str, ...]) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = pydantic_message_vi(err)
        value = err.get("input")
        if err["type"] == "string_type" and isinstance(value, float) and loc and loc[-1] in ("code", "related"):
            message = f"mã {value!r} bị đọc thành số: đặt trong dấu nháy, ví dụ code: \"{value}\""
        elif err["type"] == "string_type" and isinstance(value, float):
            message = f"{message} (đang là số {value!r}: đặt trong dấu nháy)"
        problems.append(Problem(path, parsed.line_of(base + loc), field_path(loc), message))
    return problems


def validate_record(model: type[M], data: Any, path: Path, parsed: Parsed, base: tuple[int | str, ...] = ()) -> tuple[M | None, list[Problem]]:
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, _pydantic_problems(exc, path, parsed, base)


def _yaml_names(folder: Path) -> list[str]:
    """The folder's *.yaml file names, sorted. Directory entries say what is a file without a stat each, and names
    sort as plain strings: globbing and sorting paths took 3 s of a national catalogue's 16 s load."""
    try:
        with os.scandir(folder) as entries:
            return sorted(e.name for e in entries if e.name.endswith(".yaml") and e.is_file())
    except (FileNotFoundError, NotADirectoryError):
        return []


def _yaml_files(folder: Path) -> list[Path]:
    return [folder / name for name in _yaml_names(folder)]


def _read(path: Path, problems: list[Problem]) -> Parsed | None:
    try:
        return load_yaml_file(path)
    except YamlError as exc:
        problems.append(Problem(path, exc.line, "", exc.message))
    except OSError as exc:
        problems.append(Problem(path, None, "", cannot_read(exc)))
    return None


def _load_list(
    path: Path, model: type[M], key: Callable[[M], str], kind: str, loaded: Loaded, into: dict[str, M]
) -> None:
    """A file holding a list of records (agencies.yaml, legal/*.yaml)."""
    parsed = _read(path, loaded.problems)
    if parsed is None:
        return
    items = parsed.data if isinstance(parsed.data, list) else [parsed.data]
    for i, item in enumerate(items):
        base: tuple[int | str, ...] = (i,) if isinstance(parsed.data, list) else ()
        record, problems = validate_record(model, item, path, parsed, base)
        loaded.problems += problems
        if record is None:
            continue
        k = key(record)
        if k in into:
            first, _ = loaded.locate(kind, k)
            loaded.problems.append(Problem(path, parsed.line_of(base), "", f"{KIND_VI[kind]} {k!r} được khai báo hai lần (lần đầu ở {first})"))
            continue
        into[k] = record
        loaded.origins[(kind, k)] = (path, parsed, base)


def load_parameters(folder: Path, loaded: Loaded) -> ParameterSet:
    params: dict[str, Parameter] = {}
    for path in _yaml_files(folder):
        parsed = _read(path, loaded.problems)
        if parsed is None:
            continue
        if not isinstance(parsed.data, dict):
            loaded.problems.append(Problem(path, 1, "", "tệp tham số phải gồm các cặp «tên tham số: các giá trị theo ngày»"))
            continue
        for name, body in parsed.data.items():
            record, problems = validate_record(Parameter, {"name": name, **(body or {})}, path, parsed, (name,))
            loaded.problems += problems
            if record is not None:
                if name in params:
                    loaded.problems.append(Problem(path, parsed.line_of((name,)), str(name), "tham số được khai báo hai lần"))
                params[name] = record
                loaded.origins[("parameter", name)] = (path, parsed, (name,))
    return ParameterSet(parameters=params)


def load_procedure_file(path: Path, problems: list[Problem]) -> tuple[Procedure | None, Parsed | None]:
    parsed = _read(path, problems)
    if parsed is None:
        return None, None
    if not isinstance(parsed.data, dict):
        problems.append(Problem(path, 1, "", "tệp thủ tục phải gồm các cặp «tên: giá trị» (code, name, steps...)"))
        return None, parsed
    record, found = validate_record(Procedure, parsed.data, path, parsed)
    problems += found
    return record, parsed


def load(data: Path = DEFAULT_DATA, read_procedures: Callable[[Path, list[str], Loaded], None] | None = None) -> Loaded:
    """Load everything under `data/`. Problems are collected, never raised: see `load_or_raise`.

    `read_procedures(folder, file names, loaded)` replaces the plain YAML reading of procedure files (the cache
    plugs in here).
    """
    loaded = Loaded(Catalogue(Procedures(), {}, {}, ParameterSet(parameters={})))
    cat = loaded.catalogue
    for path in _yaml_files(data / "agencies"):
        _load_list(path, Agency, lambda a: a.id, "agency", loaded, cat.agencies)
    for path in _yaml_files(data / "legal"):
        _load_list(path, LegalDocument, lambda d: d.number, "legal", loaded, cat.legal)
    object.__setattr__(cat, "parameters", load_parameters(data / "parameters", loaded))
    folder = data / "procedures"
    if read_procedures is not None:
        read_procedures(folder, _yaml_names(folder), loaded)
    else:
        for path in _yaml_files(folder):
            add_procedure(loaded, path, *load_procedure_file(path, loaded.problems))
    return loaded


def place_procedure(loaded: Loaded, path: Path | str, code: str, parsed: Parsed | None) -> bool:
    """Check that the file is named by its code and the code is new; record where it came from.

    Returns False when the code is already taken (the record is then left out). Made for records read from YAML
    and from the cache alike."""
    def problem(message: str) -> Problem:  # a Path and the line only for a file with a problem
        return Problem(Path(path), parsed.line_of(("code",)) if parsed else None, "code", message)

    if not (os.sep + os.fspath(path)).endswith(f"{os.sep}{code}.yaml"):
        loaded.problems.append(problem(f"tệp tên {os.path.basename(path)} nhưng chứa thủ tục {code}: đổi tên thành {code}.yaml"))
    if code in loaded.catalogue.procedures:
        first, _ = loaded.locate("procedure", code)
        loaded.problems.append(problem(f"thủ tục {code} được khai báo hai lần (lần đầu ở {first})"))
        return False
    loaded.origins[("procedure", code)] = (path, parsed, ())
    return True


def add_procedure(loaded: Loaded, path: Path, record: Procedure | None, parsed: Parsed | None) -> None:
    if record is not None and place_procedure(loaded, path, record.code, parsed):
        loaded.catalogue.procedures[record.code] = record


def load_or_raise(data: Path = DEFAULT_DATA) -> Loaded:
    loaded = load(data)
    errors = [p for p in loaded.problems if p.severity == "error"]
    if errors:
        raise CatalogueError(errors)
    return loaded
