"""A worker's numbers are those of analysing the records in this process, for decoded records and for records
still encoded as the compiled cache holds them."""

from __future__ import annotations

import gc
import json
import pickle
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path
from unittest.mock import patch

from analysis.analyse import analyse
from catalogue.batch.engine import Request, Settings, analyse_requests
from catalogue.batch.results import ResultCache
from catalogue.batch.worker import analyse_chunk, chunk_payload, context_line, decode, numbers
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


def test_a_record_a_change_rewrote_travels_as_the_stored_record_and_the_fields_rewritten(tmp_path: Path) -> None:
    """Keyed by the file and the rewritten fields (not the whole JSON), decoded by the worker to the very record
    the change made, with the numbers of analysing that record; another rewrite is another key."""
    decoded = synthetic_catalogue(6, seed=11)
    sent: list[bytes] = []

    def recording(context: bytes, items: list[tuple[str, bytes]]) -> bytes:
        sent.extend(record for _, record in items)
        return chunk_payload(context, items)

    stored = Procedures()
    for code, p in decoded.procedures.items():  # read from the compiled cache when first used, as a warm load does
        stored.set_encoded(code, partial(pickle.dumps, p, protocol=pickle.HIGHEST_PROTOCOL), digest=f"sha-{code}")
    codes = list(decoded.procedures)
    results = []
    for amount in (150_000, 150_000, 90_000):
        rewritten = stored.copy()
        for code in codes[:3]:
            record = rewritten[code]
            channel = record.main_channel
            fees = [fee.model_copy(update={"amount_vnd": amount}) for fee in channel.fees]
            rewritten[code] = record.model_copy(update={"channels": [
                c.model_copy(update={"fees": fees}) if c is channel else c for c in record.channels]})
        expected = {code: rewritten[code] for code in codes[:3]}
        cat = replace(decoded, procedures=rewritten)
        with ResultCache(tmp_path / "results") as cache, patch("catalogue.batch.engine.chunk_payload", recording):
            outcome = analyse_requests([Request(cat, codes, DAY)], Settings(cache, chunk_size=2))
        rates = CostRates.from_parameters(cat.parameters, DAY)
        for code, record in expected.items():
            analysed = numbers(analyse(record, replace(decoded, procedures=dict(expected)), rates, with_findings=False))
            assert outcome.results[0][code] == json.loads(json.dumps(analysed))
        results.append(outcome)
        assert repr(rewritten).endswith("3 not decoded yet)")  # the others stayed stored
    assert [r.computed for r in results] == [6, 0, 3]  # the same rewrite again is found; another fee is not
    rewrites = [decode(record) for record in sent if record[:1] == b"\x80" and isinstance(pickle.loads(record), tuple)]
    assert len(rewrites) == 6 and all(r.main_channel.fees[0].amount_vnd in (150_000, 90_000) for r in rewrites)
    assert not any(record[:1] == b"{" for record in sent)  # no record went as JSON
