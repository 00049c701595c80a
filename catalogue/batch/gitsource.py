"""What changed in the catalogue since a git revision: change files and procedure files, read with git itself."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from analysis.legal_impact import affected, apply_changes, copy_procedures
from catalogue.batch.changes import LoadedChanges, read_change_text
from catalogue.batch.engine import Scope
from catalogue.loader import validate_record
from catalogue.problems import CatalogueError, Problem
from catalogue.yamlio import YamlError, parse_yaml
from models.catalogue import Catalogue, successor_of
from models.change import ImpactReason, LegalChange
from models.procedure import Procedure


class GitError(RuntimeError):
    pass


def _git(repo: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GitError("chưa cài git") from None
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


@dataclass
class GitDelta:
    """Files under data/changes/ and data/procedures/ that differ between `revision` and the working tree."""

    revision: str
    commit: str
    changes: dict[Path, str] = field(default_factory=dict)
    """Change file → A (added), M (modified) or D (deleted)."""
    procedures: dict[Path, str] = field(default_factory=dict)
    old_text: dict[Path, str] = field(default_factory=dict)
    """The file's text at `revision` (modified and deleted files)."""


def git_delta(data: Path, revision: str) -> GitDelta:
    """Read `git diff --name-status <revision>` for data/changes and data/procedures (working tree included)."""
    data = data.resolve()
    top = Path(_git(data, "rev-parse", "--show-toplevel").strip())
    commit = _git(top, "rev-parse", "--verify", f"{revision}^{{commit}}").strip()
    folders = [str((data / sub).relative_to(top)) for sub in ("changes", "procedures")]
    # Untracked files are additions too: list them so that a new, not yet committed change file counts.
    output = _git(top, "diff", "--name-status", "--no-renames", commit, "--", *folders)
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "--", *folders)
    delta = GitDelta(revision, commit)
    entries = [line.split("\t", 1) for line in output.splitlines() if line.strip()]
    entries += [["A", name] for name in untracked.splitlines() if name.strip()]
    for status, name in entries:
        path = top / name
        if path.suffix != ".yaml":
            continue
        kind = status[0]
        target = delta.changes if path.parent == data / "changes" else delta.procedures
        target[path] = kind
        if kind in ("M", "D"):
            delta.old_text[path] = _git(top, "show", f"{commit}:{name}")
    return delta


def _old_procedure(path: Path, text: str, problems: list[Problem]) -> Procedure | None:
    try:
        parsed = parse_yaml(text, path)
    except YamlError as exc:
        problems.append(Problem(path, exc.line, "", f"ở phiên bản đó: {exc.message}"))
        return None
    record, found = validate_record(Procedure, parsed.data, path, parsed)
    problems += found
    return record


def since_scope(
    catalogue: Catalogue, changes: LoadedChanges, delta: GitDelta, day: date, *, title: str | None = None,
) -> Scope:
    """Before: the catalogue and changes as they were at the revision; after: as they are now; both on `day`.

    Affected: every procedure whose file changed, and every procedure a changed change file touches.
    """
    problems: list[Problem] = []
    old_procedures = copy_procedures(catalogue.procedures)
    reasons: dict[str, list[ImpactReason]] = {}
    tag = f"git:{delta.revision}"

    def note(code: str, text: str) -> None:
        reasons.setdefault(code, []).append(
            ImpactReason(kind="record_changed", change=tag, ref=code, text=text))

    for path, kind in sorted(delta.procedures.items()):
        code = path.stem
        if kind == "A":
            old_procedures.pop(code, None)
            note(code, f"hồ sơ thủ tục mới ({path.name})")
            continue
        old = _old_procedure(path, delta.old_text[path], problems)
        if old is None:
            continue
        old_procedures[old.code] = old
        if kind == "M":
            note(old.code, f"hồ sơ thủ tục đã sửa ({path.name})")
        else:
            successor = successor_of(catalogue.procedures, old.code)
            note(old.code, f"hồ sơ thủ tục đã xóa ({path.name})" + (f"; thay bằng {successor}" if successor else ""))
    if problems:
        raise CatalogueError(problems)

    current = changes.by_id()
    old_changes = dict(current)
    touched: list[LegalChange] = []
    by_path = {path: cid for cid, (path, _) in changes.origins.items()}
    old_loaded = LoadedChanges()
    for path, kind in sorted(delta.changes.items()):
        if kind in ("M", "D"):
            old_change = read_change_text(delta.old_text[path], path, old_loaded)
            if old_change is not None:
                old_changes[old_change.id] = old_change
                touched.append(old_change)
        if kind in ("A", "M") and path in by_path:
            cid = by_path[path]
            touched.append(current[cid])
            if kind == "A":
                old_changes.pop(cid, None)
        if kind == "D" and path in by_path:
            old_changes.pop(by_path[path], None)
    if old_loaded.problems:
        raise CatalogueError(old_loaded.problems)
    for path, kind in delta.changes.items():
        if kind == "D":
            for cid, (p, _) in old_loaded.origins.items():
                if p == path:
                    current.pop(cid, None)

    before_base = Catalogue(old_procedures, catalogue.agencies, catalogue.legal, catalogue.parameters, catalogue.extras)
    before = apply_changes(before_base, old_changes.values(), day)
    after = apply_changes(catalogue, current.values(), day)
    for change in touched:
        others = [c for cid, c in current.items() if cid != change.id]
        for code, found in affected(apply_changes(catalogue, others, day), change).items():
            for reason in found:
                if reason not in reasons.setdefault(code, []):
                    reasons[code].append(reason)
    unique = list(dict.fromkeys(c.id for c in touched))
    return Scope(
        title=title or f"Thay đổi trong danh mục kể từ {delta.revision}",
        day=day, before=before, after=after, reasons=reasons,
        changes=[current.get(cid) or old_changes[cid] for cid in unique],
        slug=f"{day.isoformat()}-since-{delta.commit[:10]}", since=delta.revision,
    )
