"""Synthetic catalogues of realistic size, for benchmarks (never for the published catalogue).

Shapes follow the bundled records: an applicant prepares and submits, agencies review, verify, transfer and
approve, sometimes on parallel branches (liên thông), and the applicant collects the result. Sizes: 10–60 steps,
5–20 documents. The registries are synthetic too; the cost parameters are the bundled real ones.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from catalogue.files import write_atomic
from catalogue.loader import DEFAULT_DATA, Loaded, load_parameters
from catalogue.yamlio import dump_yaml
from models.catalogue import Catalogue
from models.common import Level
from models.procedure import Procedure
from models.registry import Agency, LegalDocument

LEVELS: tuple[Level, ...] = ("central", "province", "district", "commune")
FIELDS = ("Hộ tịch", "Cư trú", "Đất đai", "Xây dựng", "Đăng ký kinh doanh", "Tư pháp", "Giao thông", "Y tế")
KINDS = ("review", "verify", "inspect", "transfer", "approve", "issue", "notify")
N_AGENCIES = 60
N_LEGAL = 300
SOURCE = {"url": "https://example.invalid/synthetic", "title": "Synthetic benchmark record", "retrieved": "2026-01-01"}


def synthetic_agencies() -> dict[str, Agency]:
    return {
        f"co-quan-{i}": Agency(id=f"co-quan-{i}", name=f"Cơ quan tổng hợp {i}", level=LEVELS[i % 4])
        for i in range(N_AGENCIES)
    }


def synthetic_legal() -> dict[str, LegalDocument]:
    docs = {}
    for i in range(N_LEGAL):
        number = f"{i + 1}/2020/NĐ-CP"
        docs[number] = LegalDocument.model_validate({
            "number": number, "type": "nghi-dinh", "title": f"Nghị định tổng hợp {i + 1}", "issuer": "Chính phủ",
            "issued": "2020-01-01", "effective": "2020-03-01", "status": "in_force", "sources": [SOURCE],
            "amends": [f"{i}/2020/NĐ-CP"] if i % 10 == 9 else [],
        })
    return docs


def synthetic_record(index: int, seed: int = 0) -> dict[str, Any]:
    """One procedure as plain data (what a YAML file holds)."""
    rng = random.Random(seed * 1_000_003 + index)
    n_steps = rng.randint(10, 60)
    n_docs = rng.randint(5, 20)
    agencies = [f"co-quan-{rng.randrange(N_AGENCIES)}" for _ in range(rng.randint(1, 4))]
    docs = []
    for d in range(n_docs):
        issuer: dict[str, Any] = {"kind": "applicant"}
        roll = rng.random()
        if roll < 0.15:
            issuer = {"kind": "agency", "agency": rng.choice(agencies)}
        elif roll < 0.25:
            issuer = {"kind": "national_database", "database": "Cơ sở dữ liệu quốc gia về dân cư"}
        docs.append({
            "id": f"giay-to-{d}", "name": f"Giấy tờ số {d}", "originals": rng.randint(0, 1),
            "copies": rng.randint(0, 2), "certified_copies": rng.choice((0, 0, 1, 2)), "pages": rng.randint(1, 6),
            "form": "Mẫu số 01" if d == 0 else "", "issuer": issuer, "plain_copy_allowed": rng.random() < 0.3,
        })
        if not any(docs[-1][k] for k in ("originals", "copies", "certified_copies")):
            docs[-1]["originals"] = 1
    doc_ids = [d["id"] for d in docs]
    steps: list[dict[str, Any]] = [
        {"id": "s0", "name": "Chuẩn bị hồ sơ", "actor": "applicant", "kind": "prepare", "origin": "estimate",
         "duration": {"low": 0, "likely": 1, "high": 2}, "applicant_time": {"preparation": rng.randint(30, 240)},
         "produces": []},
        {"id": "s1", "name": "Nộp hồ sơ", "actor": "applicant", "kind": "submit", "origin": "estimate",
         "duration": {"low": 0, "likely": 0, "high": 0}, "in_person": True, "office": agencies[0],
         "channel": "in_person", "after": ["s0"], "consumes": doc_ids,
         "applicant_time": {"queue": rng.randint(5, 60), "counter": rng.randint(5, 30)}},
    ]
    frontier = ["s1"]
    for i in range(2, n_steps - 1):
        step_id = f"s{i}"
        # Mostly a chain, sometimes a fork (parallel branch) or a join.
        after = [rng.choice(frontier)]
        if len(frontier) > 1 and rng.random() < 0.3:
            after = list(frontier)
        low = rng.choice((0.0, 0.5, 1.0, 2.0))
        likely = low + rng.choice((0.0, 0.5, 1.0))
        steps.append({
            "id": step_id, "name": f"Bước xử lý {i}", "actor": rng.choice(agencies), "kind": rng.choice(KINDS),
            "origin": "estimate", "duration": {"low": low, "likely": likely, "high": likely + rng.choice((0, 1, 2))},
            "after": after, "consumes": rng.sample(doc_ids, k=min(len(doc_ids), rng.randint(0, 3))),
            "forwards_only": rng.random() < 0.05,
            "legal_basis": [{"ref": f"{rng.randrange(N_LEGAL) + 1}/2020/NĐ-CP"}] if rng.random() < 0.5 else [],
        })
        if steps[-1]["kind"] == "notify" and i % 4 == 0:  # some notices only inform another agency (no draw: the
            steps[-1]["notifies"] = [agencies[i % len(agencies)]]  # records stay those of earlier versions)
        frontier = [f for f in frontier if f not in after] + [step_id]
        if rng.random() < 0.15 and len(frontier) < 4:
            frontier.append(rng.choice(after))
    steps.append({
        "id": f"s{n_steps - 1}", "name": "Nhận kết quả", "actor": "applicant", "kind": "collect",
        "origin": "estimate", "duration": {"low": 0, "likely": 0, "high": 0}, "after": frontier,
        "in_person": True, "office": agencies[0], "channel": "in_person",
        "applicant_time": {"queue": rng.randint(5, 30), "counter": 5},
    })
    code = f"{8 + seed % 2}.{index:06d}"
    return {
        "schema_version": 1, "code": code, "name": f"Thủ tục tổng hợp {index}", "field": rng.choice(FIELDS),
        "levels": [rng.choice(LEVELS)], "subjects": [rng.choice(("citizen", "business"))],
        "agencies": {"competent": [agencies[0]], "coordinating": agencies[1:]},
        "channels": [
            {"kind": "in_person", "time_limit": {"working_days": rng.choice((5, 10, 15, 20, 30))},
             "fees": [{"kind": "le_phi", "name": "Lệ phí", "amount_vnd": rng.choice((0, 20000, 50000, 100000))}]},
            {"kind": "online", "time_limit": {"working_days": 5}},
        ],
        "online": rng.choice(("full", "partial", "none")), "results": [{"name": "Kết quả"}],
        "legal_basis": [{"ref": f"{rng.randrange(N_LEGAL) + 1}/2020/NĐ-CP"}],
        "annual_volume": {"subjects_per_year": rng.randint(100, 500_000), "origin": "estimate"},
        "documents": docs, "steps": steps, "provenance": {"sources": [SOURCE]},
    }


def synthetic_catalogue(n: int, seed: int = 0, data: Path = DEFAULT_DATA) -> Catalogue:
    """A validated catalogue of `n` synthetic procedures (about 0.5 ms each to build)."""
    loaded = Loaded(Catalogue({}, {}, {}, load_parameters(data / "parameters", Loaded(None))))  # type: ignore[arg-type]
    procedures = {}
    for i in range(n):
        p = Procedure.model_validate_json(json.dumps(synthetic_record(i, seed)))
        procedures[p.code] = p
    return Catalogue(procedures, synthetic_agencies(), synthetic_legal(), loaded.catalogue.parameters)


def write_synthetic(folder: Path, n: int, seed: int = 0, data: Path = DEFAULT_DATA) -> None:
    """Write a catalogue folder (procedures/, agencies/, legal/, parameters/) of `n` synthetic procedures."""
    for sub in ("procedures", "agencies", "legal", "parameters"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    agencies = [a.model_dump(mode="json", exclude_defaults=True) for a in synthetic_agencies().values()]
    write_atomic(folder / "agencies" / "synthetic.yaml", dump_yaml(agencies).encode())
    legal = [d.model_dump(mode="json", exclude_defaults=True) for d in synthetic_legal().values()]
    write_atomic(folder / "legal" / "synthetic.yaml", dump_yaml(legal).encode())
    for path in (data / "parameters").glob("*.yaml"):
        write_atomic(folder / "parameters" / path.name, path.read_bytes())
    for i in range(n):
        record = synthetic_record(i, seed)
        write_atomic(folder / "procedures" / f"{record['code']}.yaml", dump_yaml(record).encode())


