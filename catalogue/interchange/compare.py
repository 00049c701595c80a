"""What a source says differently from the catalogue's record of the same procedure.

The national database is edited all the time (a new publishing decision, a shorter time limit, a new fee, a
document dropped, a new decree cited). A reviewer who saves the current page and imports it with `--dry-run` gets,
beside the validation, the facts of the record that the source now states otherwise. Only what is transcribed from
a source is compared (name, decision, channels with their time limits and fee amounts, documents, legal texts):
the step graph, durations and volumes are the editors' model, which no source page states.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from catalogue.console import vnd
from catalogue.interchange.vntext import one_line
from catalogue.problems import field_path
from models.common import fold, shorten
from models.procedure import CHANNEL_LABELS_VI, Channel, Document, Procedure, RecordIndex


@dataclass(frozen=True)
class Difference:
    """One fact the source states otherwise: what, the catalogue's value and the source's."""

    what: str
    catalogue: str
    source: str


def _same_text(a: str, b: str) -> bool:
    return one_line(a).casefold() == one_line(b).casefold()


def _amounts(channel: Channel) -> str:
    """A channel's fee amounts as the portal states them: the unit amount of each fee, not the usual case's total."""
    amounts = sorted({fee.amount_vnd for fee in channel.fees})
    return ", ".join(vnd(a) for a in amounts) or "không thu"


def _key(text: str) -> str:
    """A document's name reduced to its words, without diacritics: "Tờ khai (mẫu CT01);" → "to khai mau ct01"."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def _matches(document: Document, others: list[Document]) -> bool:
    """Whether one of `others` is the same document: one name (or the verbatim text the catalogue keeps) starts
    the other's, word for word; the catalogue often shortens the portal's long names."""
    own = _key(document.name)
    for other in others:
        for text in (other.name, other.verbatim):
            theirs = _key(text)
            if own and theirs and (theirs.startswith(own) or own.startswith(theirs)):
                return True
    return False


def differences(record: Procedure, source: Procedure) -> list[Difference]:
    """The facts `source` (a record just imported) states otherwise than the catalogue's `record`.

    Only what the importer transcribed from the source is compared (`provenance.transcribed`): a capture without the
    fee, document or legal table says nothing about them, and a time limit it could not read (0 working days, no
    text) is not a difference.
    """
    transcribed = set(source.provenance.transcribed)
    out: list[Difference] = []
    if not _same_text(record.name, source.name):
        out.append(Difference("Tên thủ tục", record.name, source.name))
    decision = source.provenance.publishing_decision
    if decision and not _same_text(decision, record.provenance.publishing_decision):
        out.append(Difference("Quyết định công bố", record.provenance.publishing_decision or "không ghi", decision))

    ours = {c.kind: c for c in record.channels}
    theirs = {c.kind: c for c in source.channels}
    for kind in [*ours, *(k for k in theirs if k not in ours)]:
        label = CHANNEL_LABELS_VI[kind]
        mine, other = ours.get(kind), theirs.get(kind)
        if mine is None or other is None:
            out.append(Difference(f"Cách thức {label.lower()}", "có" if mine else "không có", "có" if other else "không có"))
            continue
        limit = other.time_limit
        if (limit.working_days or limit.text) and limit.working_days != mine.time_limit.working_days:
            out.append(Difference(f"Thời hạn giải quyết ({label.lower()})", f"{mine.time_limit.working_days:g} ngày làm việc",
                                  f"{limit.working_days:g} ngày làm việc" + (f" («{limit.text}»)" if limit.text else "")))
        if "fees" in transcribed and _amounts(mine) != _amounts(other):
            out.append(Difference(f"Phí, lệ phí ({label.lower()})", _amounts(mine), _amounts(other)))

    if "documents" in transcribed:
        new = [d.name for d in source.documents if not _matches(d, record.documents)]
        # Only the documents the catalogue copied from a source (they keep its words in `verbatim`) can be missing
        # from it: a result or a paper the editors modelled is not in any source's table.
        gone = [d.name for d in record.documents if d.verbatim and not _matches(d, source.documents)]
        if new:
            out.append(Difference("Thành phần hồ sơ mới ở nguồn", "", "; ".join(new)))
        if gone:
            out.append(Difference("Thành phần hồ sơ không còn ở nguồn", "; ".join(gone), ""))

    if "legal_basis" in transcribed:
        listed = {c.ref for c in source.legal_basis}
        added = sorted(listed - RecordIndex.of(record).texts)  # cited anywhere: procedure, step, document, fee
        dropped = sorted({c.ref for c in record.legal_basis} - listed)
        if added:
            out.append(Difference("Căn cứ pháp lý mới ở nguồn", "", ", ".join(added)))
        if dropped:
            out.append(Difference("Căn cứ pháp lý không còn ở nguồn", ", ".join(dropped), ""))
    return out


def _leaves(value: Any, path: tuple[int | str, ...] = ()) -> Iterator[tuple[tuple[int | str, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list) and value:
        for i, item in enumerate(value):
            yield from _leaves(item, (*path, i))
    else:
        yield path, value


def _shown(value: Any) -> str:
    if value is None or value == []:
        return "không có"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return shorten(one_line(text), 120)


def field_differences(record: Procedure, edited: Procedure) -> list[Difference]:
    """Every field of `edited` (a whole record read back from the workbook staff edit) that differs from the
    catalogue's `record`, by field path as the workbook's columns name them (`steps[2].duration.likely`)."""
    ours = dict(_leaves(record.model_dump(mode="json")))
    theirs = dict(_leaves(edited.model_dump(mode="json")))
    return [Difference(field_path(path), _shown(ours.get(path)), _shown(theirs.get(path)))
            for path in dict.fromkeys([*ours, *theirs]) if ours.get(path) != theirs.get(path)]


__all__ = ["Difference", "differences", "field_differences"]
