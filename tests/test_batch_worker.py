"""A worker's numbers are those of analysing the records in this process, for decoded records and for records
still encoded as the compiled cache holds them."""

from __future__ import annotations

import gc
import json
import pickle
from dataclasses import replace
from datetime import date
from pathlib import Path
from unittest.mock import patch

from analysis.analyse import analyse
from catalogue.batch.engine import Request, Settings, analyse_requests
from catalogue.batch.results import ResultCache
from catalogue.batch.worker import analyse_chunk, chunk_payload, context_line, numbers
from catalogue.synthetic import synthetic_catalogue
from models.catalogue import Procedures
from models.parameters import CostRates

DAY = date(2025, 7, 1)


def test_a_chunk_gives_the_numbers_of_the_analysis_and_leaves_the_collector_on() -> None:
    """Records come as the compiled cache holds them (pickles) or as JSON (rewritten by a change): both give the
    numbers of analysing the record here."""
    cat = synthetic_catalogue(6, seed=5)
    rates = CostRates.from_parameters(cat.parameters, DAY)
    items = [(f"k{i}", pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL) if i % 2 else p.model_dump_json().encode())
             for i, p in enumerate(cat.procedures.values())]
    rows = analyse_chunk(chunk_payload(context_line(cat, DAY, "tt02"), items))
    assert [(key, code) for key, code, _ in rows] == [(f"k{i}", code) for i, code in enumerate(cat.procedures)]
    for _, code, got in rows:
        expected = numbers(analyse(cat.procedures[code], cat, rates, with_findings=False))
        assert json.loads(got) == json.loads(json.dumps(expected))
        assert json.loads(got)["annual_cost_vnd"] == analyse(cat.procedures[code], cat, rates).cost.annual_cost_vnd
    assert gc.isenabled()


def test_records_still_encoded_are_sent_as_they_are_and_give_the_same_results(tmp_path: Path) -> None:
    decoded = synthetic_catalogue(12, seed=7)
    sent: list[bytes] = []

    def recording(context: bytes, items: list[tuple[str, bytes]]) -> bytes:
        sent.extend(record for _, record in items)
        return chunk_payload(context, items)

    for file_hash in (None, "sha"):  # as a test holds them; as the compiled cache holds them (keyed by the file)
        encoded = Procedures()
        for code, p in decoded.procedures.items():
            encoded.set_encoded(code, pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL),
                                digest=file_hash and f"{file_hash}-{code}")
        from_cache = replace(decoded, procedures=encoded)
        with ResultCache(tmp_path / f"a{file_hash}") as a, ResultCache(tmp_path / f"b{file_hash}") as b:
            first = analyse_requests([Request(decoded, list(decoded.procedures), DAY)], Settings(a, chunk_size=5))
            with patch("catalogue.batch.engine.chunk_payload", recording):
                second = analyse_requests([Request(from_cache, list(encoded), DAY)], Settings(b, chunk_size=5))
        assert first.computed == second.computed == 12
        assert first.results == second.results
        assert repr(encoded).endswith("12 not decoded yet)")  # the run did not keep decoded copies
    # Keyed by the file, a stored record goes to the worker as stored; otherwise as JSON (its key).
    assert sum(record[:1] == b"\x80" for record in sent) == 12 and sum(record[:1] == b"{" for record in sent) == 12
