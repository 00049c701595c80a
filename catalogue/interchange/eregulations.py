"""Import a procedure from the UNCTAD eRegulations API (`GET /Procedures/{id}`: Procedure → Block → Step).

Per step the API gives the entity, unit and person in charge; requirements with numbers of originals, copies and
authenticated copies; results; costs; laws; and time in three parts: time at the counter and waiting time in line
(hours and minutes, min–max) and waiting time until the next step (days, min–max). The counter and queue times
become the applicant's time on the step (the mean of min and max, in minutes); the waiting days become the
step's duration (low = min, high = max, likely = their mean). Steps follow the blocks' and steps' order.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from catalogue.interchange.drafting import guess_kind
from catalogue.interchange.record import AgencyResolver, ImportedRecord, level_of_agency
from catalogue.interchange.safety import InterchangeError, check_size
from catalogue.interchange.vntext import fee_kind, legal_numbers, one_line, parse_subjects, unique_slug
from catalogue.problems import json_problem_vi, pydantic_summary_vi
from models.catalogue import Catalogue
from models.common import Level, Source
from models.procedure import APPLICANT, Procedure

_DEPTH_LIMIT = 64
_ENGLISH_KINDS = [
    (r"\b(pay|payment)\b", "pay"), (r"\b(collect|pick up|obtain|receive the)\b", "collect"),
    (r"\b(submit|apply|file|lodge|register)\b", "submit"), (r"\b(inspect|inspection|visit)\b", "inspect"),
    (r"\b(approve|approval|sign)\b", "approve"), (r"\b(check|review|verify|examine)\b", "review"),
]


def _kind(name: str) -> str:
    kind = guess_kind(name)
    if kind != "other":
        return kind
    for pattern, english in _ENGLISH_KINDS:
        if re.search(pattern, name.lower()):
            return english
    return "other"


def _depth(value: Any, depth: int = 0) -> int:
    if depth > _DEPTH_LIMIT:
        return depth
    if isinstance(value, dict):
        return max((_depth(v, depth + 1) for v in value.values()), default=depth)
    if isinstance(value, list):
        return max((_depth(v, depth + 1) for v in value), default=depth)
    return depth


def _num(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value == value and value >= 0 else 0.0


def _range(node: Any) -> tuple[float, float]:
    """(min, max) of a RangeModel; a missing or smaller max means "exactly min"."""
    node = node if isinstance(node, dict) else {}
    low, high = _num(node.get("min")), _num(node.get("max"))
    return low, max(low, high)


def _minutes(time_range: Any) -> tuple[float, float]:
    """A TimeRangeModel ({hours: {min, max}, minutes: {min, max}}) in minutes: 0 h 10 min to 1 h 0 min → (10, 60)."""
    time_range = time_range if isinstance(time_range, dict) else {}
    hours = time_range.get("hours") if isinstance(time_range.get("hours"), dict) else {}
    minutes = time_range.get("minutes") if isinstance(time_range.get("minutes"), dict) else {}
    low = _num(hours.get("min")) * 60 + _num(minutes.get("min"))
    high = _num(hours.get("max")) * 60 + _num(minutes.get("max"))
    return low, max(low, high)


def _text(value: Any) -> str:
    return one_line(value) if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def import_eregulations(
    path: Path, data: bytes, catalogue: Catalogue, retrieved: date | None = None, code: str = "",
) -> list[ImportedRecord]:
    """One procedure from an eRegulations ProcedureModel JSON document (or a list of them)."""
    check_size(data, path)
    try:
        parsed = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InterchangeError(path, "không phải JSON UTF-8: API eRegulations trả về UTF-8") from None
    except json.JSONDecodeError as exc:
        raise InterchangeError(path, f"JSON không hợp lệ ở cột {exc.colno}: {json_problem_vi(exc)}; tệp có bị cắt cụt không?", exc.lineno) from None
    except RecursionError:
        raise InterchangeError(path, "JSON lồng nhau quá sâu, không thể là một thủ tục eRegulations") from None
    if _depth(parsed) > _DEPTH_LIMIT:
        raise InterchangeError(path, "JSON lồng nhau quá sâu, không thể là một thủ tục eRegulations")
    items = parsed if isinstance(parsed, list) else [parsed]
    if not items or not all(isinstance(i, dict) and isinstance(i.get("blocks"), list) for i in items):
        raise InterchangeError(path, "không phải thủ tục eRegulations: cần một đối tượng có `blocks` (GET /Procedures/{id})")
    if code and len(items) > 1:
        raise InterchangeError(path, "--code chỉ dùng cho một thủ tục; tệp này có nhiều thủ tục")
    return [_procedure(path, item, catalogue, retrieved or date.today(), code) for item in items]


def _procedure(path: Path, item: dict[str, Any], catalogue: Catalogue, retrieved: date, given_code: str) -> ImportedRecord:
    notes: list[str] = []
    name = _text(item.get("name"))
    description = _text(item.get("description"))
    found = re.search(r"\b\d\.\d{6}\b", f"{name} {description}")
    code = given_code or (found.group(0) if found else "")
    if not code:
        raise InterchangeError(path, f"thủ tục {name!r}: eRegulations không có mã thủ tục: ghi mã bằng --code d.dddddd")
    if not name:
        raise InterchangeError(path, "thủ tục không có tên")
    url = _text(item.get("url")) or f"file:{path.name}"
    source = Source(url=url, title=name, publisher="eRegulations", retrieved=retrieved)
    agencies = AgencyResolver(catalogue)
    blocks = sorted(_list(item.get("blocks")), key=lambda b: _num(b.get("order")))
    raw_steps = [(b, s) for b in blocks for s in sorted(_list(b.get("steps")), key=lambda s: _num(s.get("order")))]
    if not raw_steps:
        raise InterchangeError(path, f"thủ tục {name!r} không có bước nào trong `blocks`")
    entity_names = [_text(_dict(_dict(s.get("contact")).get("entityInCharge")).get("name")) for _, s in raw_steps]
    level: Level = next((lv for lv in (level_of_agency(n) for n in entity_names if n) if lv), "province")
    documents: dict[str, dict[str, Any]] = {}
    doc_ids: set[str] = set()
    by_requirement: dict[str, str] = {}
    steps: list[dict[str, Any]] = []
    fees: list[dict[str, Any]] = []
    laws: list[str] = []
    results: list[dict[str, str]] = []
    step_ids: set[str] = set()
    online_steps = 0
    for block, raw in raw_steps:
        step_name = _text(raw.get("name")) or "Bước"
        contact = _dict(raw.get("contact"))
        entity, unit, person = (_dict(contact.get(k)) for k in ("entityInCharge", "unitInCharge", "personInCharge"))
        entity_name = _text(entity.get("name"))
        actor = agencies.resolve(entity_name, level) if entity_name else APPLICANT
        online = bool(raw.get("isOnline"))
        online_steps += online
        timeframe = _dict(raw.get("timeframe"))
        counter = _minutes(timeframe.get("timeSpentAtTheCounter"))
        queue = _minutes(timeframe.get("waitingTimeInLine"))
        wait = _range(_dict(timeframe.get("waitingTimeUntilNextStep")).get("days"))
        consumes: list[str] = []
        for req in sorted(_list(raw.get("requirements")), key=lambda r: _num(r.get("order"))):
            key = str(req.get("id") or _text(req.get("name")))
            if key not in by_requirement:
                req_name = _text(req.get("name")) or "Giấy tờ"
                doc_id = unique_slug(req_name, doc_ids, 40)
                by_requirement[key] = doc_id
                counts = {k: int(_num(req.get(f))) for k, f in (("originals", "nbOriginal"), ("copies", "nbCopy"), ("certified_copies", "nbAuthenticated"))}
                if not sum(counts.values()):
                    counts["originals"] = 1
                    notes.append(f"giấy tờ {req_name[:60]!r}: không ghi số bản, tạm ghi 1 bản chính")
                documents[doc_id] = {"id": doc_id, "name": req_name, **counts, "verbatim": _text(req.get("comments"))}
            consumes.append(by_requirement[key])
        produces: list[str] = []
        for res in _list(raw.get("results")):
            res_name = _text(res.get("name"))
            if not res_name:
                continue
            if res.get("isFinalResult"):
                results.append({"name": res_name})
            else:
                doc_id = unique_slug(res_name, doc_ids, 40)
                by_requirement.setdefault(str(res.get("id") or res_name), doc_id)
                issuer = {"kind": "agency", "agency": actor} if actor != APPLICANT else {"kind": "applicant"}
                documents[doc_id] = {"id": doc_id, "name": res_name, "originals": max(1, int(_num(res.get("nbOriginal")))), "issuer": issuer}
                produces.append(doc_id)
        for cost in _list(raw.get("costs")):
            if cost.get("isSeparator"):
                continue
            unit_text = _text(cost.get("unit")).upper()
            amount = _num(cost.get("value"))
            label = _text(cost.get("comments")) or _text(cost.get("parameter")) or step_name
            if unit_text not in ("", "VND", "VNĐ", "Đ", "ĐỒNG", "DONG"):
                notes.append(f"chi phí {label[:60]!r} tính bằng {unit_text}, không phải đồng: không đưa vào phí")
                continue
            fees.append({"kind": fee_kind(label), "name": label[:200], "amount_vnd": round(amount), "note": f"Bước {step_name}"})
        for law in _list(raw.get("laws")):
            laws += [n for n in legal_numbers(_text(law.get("name"))) if n not in laws]
        note_parts = [f"Thời gian tại quầy {counter[0]:g}–{counter[1]:g} phút, chờ xếp hàng {queue[0]:g}–{queue[1]:g} phút, "
                      f"chờ đến bước sau {wait[0]:g}–{wait[1]:g} ngày (eRegulations)."]
        if person.get("name"):
            note_parts.append(f"Người phụ trách: {_text(person.get('name'))}.")
        if raw.get("isOptional") or block.get("isOptional"):
            note_parts.append("Bước không bắt buộc.")
        visit = actor != APPLICANT and not online
        steps.append({
            "id": unique_slug(f"b{len(steps) + 1} {step_name}", step_ids, 40),
            "name": step_name, "actor": actor, "unit": _text(unit.get("name")), "kind": _kind(step_name),
            "duration": {"low": wait[0], "likely": (wait[0] + wait[1]) / 2, "high": wait[1]},
            "origin": "published",
            "applicant_time": {"counter": int((counter[0] + counter[1]) // 2), "queue": int((queue[0] + queue[1]) // 2)},
            "in_person": visit, "office": actor if visit else None,
            "channel": "online" if online else ("in_person" if visit else "internal"),
            "after": [steps[-1]["id"]] if steps else [], "consumes": consumes, "produces": produces,
            "verbatim": step_name, "note": " ".join(note_parts),
        })
    if not results:
        results = [{"name": f"Kết quả của thủ tục {name}"}]
        notes.append("không có kết quả cuối (isFinalResult): ghi tên kết quả chung")
    if not laws:
        raise InterchangeError(path, f"thủ tục {name!r}: `laws` của các bước không có văn bản nào mang số hiệu Việt Nam (ví dụ 01/2021/NĐ-CP)")
    missing = [n for n in laws if n not in catalogue.legal]
    if missing:
        notes.append(f"văn bản chưa có trong data/legal/: {', '.join(missing)} (thêm vào danh mục văn bản trước khi ghi)")
    total_high = sum(s["duration"]["high"] for s in steps)
    channel_text = "Nguồn eRegulations không ghi thời hạn luật định: lấy tổng thời gian chờ tối đa của các bước."
    channels = [{"kind": "in_person", "time_limit": {"working_days": total_high, "text": channel_text}, "fees": fees}]
    if online_steps:
        channels.append({"kind": "online", "time_limit": {"working_days": total_high, "text": channel_text}, "fees": fees})
    competent = [s["actor"] for s in steps if s["actor"] != APPLICANT][:1] or [agencies.resolve("Cơ quan có thẩm quyền", level)]
    subjects = parse_subjects(f"{name} {description}") or ["business"]
    body = {
        "code": code, "name": name, "field": "Chưa phân loại", "levels": [level], "subjects": subjects,
        "agencies": {"competent": competent, "implementing": list(dict.fromkeys(s["actor"] for s in steps if s["actor"] != APPLICANT))},
        "channels": channels, "online": "full" if online_steps == len(steps) else ("partial" if online_steps else "none"),
        "results": results, "legal_basis": [{"ref": n} for n in laws],
        "annual_volume": {"subjects_per_year": 0, "origin": "estimate", "note": "eRegulations không công bố số hồ sơ/năm: cần bổ sung."},
        "documents": list(documents.values()), "steps": steps,
        "provenance": {"sources": [source], "transcribed": ["name", "steps", "documents", "fees", "agencies", "legal_basis"],
                       "modelled": ["field", "levels", "channels.time_limit", "annual_volume"],
                       "note": f"Nhập từ eRegulations ({path.name}). {description[:300]}".strip()},
    }
    notes += ["lĩnh vực không có trong eRegulations: ghi 'Chưa phân loại'", "số hồ sơ/năm không có trong nguồn: ghi 0 (ước tính)"]
    try:
        procedure = Procedure.model_validate(body)
    except ValidationError as exc:
        raise InterchangeError(path, f"thủ tục đọc được không hợp lệ: {pydantic_summary_vi(exc)}") from None
    return ImportedRecord(procedure, str(path), list(agencies.drafted.values()), [], notes)
