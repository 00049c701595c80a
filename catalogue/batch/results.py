"""Analysis results kept between runs, keyed by the content hash of a procedure and of everything it depends on.

SQLite under `.tthc-cache/` (ignored by git). Results are committed chunk by chunk, so an interrupted run keeps
what it finished and the next run resumes from there. A key covers the procedure's record, the cost parameters
resolved on the day, the legal texts it cites and the agencies it names (as the law stood on the day), the method
and the analysis code itself: when any of them changes, the key changes and the procedure is analysed again.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from models.catalogue import Catalogue
from models.parameters import CostRates
from models.procedure import RecordIndex

RESULTS_FILE = "reanalysis.sqlite"
Numbers = dict[str, int | float]


def engine_fingerprint() -> str:
    """A hash of the analysis code and the models: a new version of either invalidates cached results."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.blake2b(digest_size=16)
    for folder in ("analysis", "models"):
        for path in sorted((root / folder).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    digest.update((root / "catalogue" / "batch" / "worker.py").read_bytes())
    return digest.hexdigest()


class DependencyKeys:
    """Computes the cache key of procedures analysed against one catalogue, on one day, by one method."""

    def __init__(self, catalogue: Catalogue, rates: CostRates, method: str, engine: str) -> None:
        self.catalogue = catalogue
        self.base = f"{engine}|{method}|".encode() + rates.model_dump_json().encode()
        self._legal: dict[str, bytes] = {}
        self._agencies: dict[str, bytes] = {}

    def _legal_json(self, number: str) -> bytes:
        found = self._legal.get(number)
        if found is None:
            doc = self.catalogue.legal.get(number)
            found = self._legal[number] = doc.model_dump_json().encode() if doc else b"missing:" + number.encode()
        return found

    def _agency_json(self, agency_id: str) -> bytes:
        found = self._agencies.get(agency_id)
        if found is None:
            agency = self.catalogue.agencies.get(agency_id)
            found = self._agencies[agency_id] = agency.model_dump_json().encode() if agency else b"missing:" + agency_id.encode()
        return found

    def key(self, index: RecordIndex, record: bytes) -> str:
        """`record`: the bytes the compiled cache stores for the procedure's file, or its JSON (engine `_keyed`)."""
        digest = hashlib.blake2b(self.base, digest_size=20)
        digest.update(record)
        for number in sorted(index.texts):
            digest.update(self._legal_json(number))
        for agency_id in sorted(index.agencies):
            digest.update(self._agency_json(agency_id))
        return digest.hexdigest()


class ResultCache:
    """key → the numbers of one analysis, plus a journal of runs (for resuming and reporting)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / RESULTS_FILE
        self.db = sqlite3.connect(self.path)
        self.db.executescript(
            """
            PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, code TEXT NOT NULL, numbers TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS runs (
                id TEXT PRIMARY KEY, started TEXT NOT NULL, total INTEGER NOT NULL, done INTEGER NOT NULL,
                finished TEXT
            );
            """
        )

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_many(self, keys: Iterable[str]) -> dict[str, Numbers]:
        wanted = list(dict.fromkeys(keys))
        out: dict[str, Numbers] = {}
        if len(wanted) > 20_000:  # most of the table: one scan beats many lookups
            wanted_set = set(wanted)
            for key, numbers in self.db.execute("SELECT key, numbers FROM results"):
                if key in wanted_set:
                    out[key] = json.loads(numbers)
            return out
        for i in range(0, len(wanted), 500):
            part = wanted[i : i + 500]
            marks = ",".join("?" * len(part))
            for key, numbers in self.db.execute(f"SELECT key, numbers FROM results WHERE key IN ({marks})", part):
                out[key] = json.loads(numbers)
        return out

    def put_chunk(self, run_id: str, rows: list[tuple[str, str, str]]) -> None:
        """Store one finished chunk and count it in the run's journal, in one transaction."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO results VALUES (?, ?, ?)", rows)
            self.db.execute("UPDATE runs SET done = done + ? WHERE id = ?", (len(rows), run_id))

    def start_run(self, run_id: str, total: int) -> int:
        """Open (or resume) a run; returns how many of its analyses an earlier attempt already finished."""
        row = self.db.execute("SELECT done, finished FROM runs WHERE id = ?", (run_id,)).fetchone()
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.db:
            if row is None or row[1] is not None:
                self.db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?, ?, 0, NULL)", (run_id, now, total))
                return 0
            return int(row[0])

    def finish_run(self, run_id: str) -> None:
        with self.db:
            self.db.execute(
                "UPDATE runs SET finished = ? WHERE id = ?", (datetime.now(UTC).isoformat(timespec="seconds"), run_id))

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM results").fetchone()[0])
