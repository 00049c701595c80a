"""Analysis results kept between runs, keyed by the content hash of a procedure and of everything it depends on.

SQLite under `.tthc-cache/` (ignored by git). Results are committed chunk by chunk, so an interrupted run keeps
what it finished and the next run resumes from there. Each result remembers the last day a run wrote or read it,
and the version of the analysis code that wrote it, so `tthc cache prune` can drop what no run can read again
(results of other versions) or has needed for a while (old parameter days, old record contents). A key covers the procedure's record, the cost parameters
resolved on the day, the legal texts it cites and the agencies it names (as the law stood on the day), the method
and the analysis code itself: when any of them changes, the key changes and the procedure is analysed again.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from catalogue.cache import source_digest
from models.catalogue import Catalogue
from models.parameters import CostRates
from models.procedure import RecordIndex

RESULTS_FILE = "reanalysis.sqlite"
Numbers = dict[str, int | float]


def engine_fingerprint() -> str:
    """A hash of the analysis code and the models: a new version of either invalidates cached results."""
    root = Path(__file__).resolve().parents[2]
    digest = source_digest("analysis", "models")
    # The worker, and what turns a procedure file into a record (results of cached records are keyed by the file).
    for name in ("batch/worker.py", "loader.py", "yamlio.py"):
        digest.update((root / "catalogue" / name).read_bytes())
    # The public holidays behind calendar days come from this library: a new version may add or move a holiday.
    digest.update(f"holidays {importlib.metadata.version('holidays')}".encode())
    return digest.hexdigest()


class DependencyKeys:
    """Computes the cache key of procedures analysed against one catalogue, on one day, by one method.

    `dated=False`: the rates enter by their values and sources, not the day they were read at, for results that
    hold no number counted from that day (or recount it, as the rows of `analyze --all` do)."""

    def __init__(self, catalogue: Catalogue, rates: CostRates, method: str, engine: str, *, dated: bool = True) -> None:
        self.catalogue = catalogue
        rates_json = rates.model_dump_json(exclude=None if dated else {"as_of"})
        self.base = f"{engine}|{method}|".encode() + rates_json.encode()
        if method == "scm":  # its standard times are read from the parameters, not from the rates
            self.base += catalogue.parameters.model_dump_json().encode()
        self._legal: dict[str, bytes] = {}
        self._agencies: dict[str, bytes] = {}

    def _legal_digest(self, number: str) -> bytes:
        found = self._legal.get(number)
        if found is None:
            doc = self.catalogue.legal.get(number)
            found = self._legal[number] = _digest(doc.model_dump_json().encode() if doc else b"missing:" + number.encode())
        return found

    def _agency_digest(self, agency_id: str) -> bytes:
        found = self._agencies.get(agency_id)
        if found is None:
            agency = self.catalogue.agencies.get(agency_id)
            found = self._agencies[agency_id] = _digest(
                agency.model_dump_json().encode() if agency else b"missing:" + agency_id.encode())
        return found

    def key(self, index: RecordIndex, record: bytes) -> str:
        """`record`: what identifies the record, its file's content hash or its JSON (engine `record_identity`); the legal
        texts and agencies enter by the hash of their JSON."""
        digest = hashlib.blake2b(self.base, digest_size=20)
        digest.update(record)
        digest.update(b"".join(self._legal_digest(number) for number in sorted(index.texts)))
        digest.update(b"".join(self._agency_digest(agency_id) for agency_id in sorted(index.agencies)))
        return digest.hexdigest()


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


class ResultCache:
    """key → the numbers of one analysis and the day it was last used, plus a journal of runs (for resuming and
    reporting)."""

    def __init__(self, folder: Path, today: date | None = None, engine: str | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / RESULTS_FILE
        self.today = (today or date.today()).isoformat()
        self.engine = engine or engine_fingerprint()
        """The analysis code results are written by now: rows of other versions can never be read again."""
        self.db = sqlite3.connect(self.path)
        self.db.executescript(
            """
            PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS results (
                key TEXT PRIMARY KEY, code TEXT NOT NULL, numbers TEXT NOT NULL, used TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS runs (
                id TEXT PRIMARY KEY, started TEXT NOT NULL, total INTEGER NOT NULL, done INTEGER NOT NULL,
                finished TEXT
            );
            """
        )
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(results)")}
        with self.db:
            if "used" not in columns:
                # A cache written before results kept their day: count them as used today (an ISO date literal).
                self.db.execute(f"ALTER TABLE results ADD COLUMN used TEXT NOT NULL DEFAULT '{self.today}'")
            if "engine" not in columns:  # written before results kept their engine: an unknown, older one
                self.db.execute("ALTER TABLE results ADD COLUMN engine TEXT NOT NULL DEFAULT ''")
            self.db.execute("CREATE INDEX IF NOT EXISTS results_engine ON results(engine)")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        """The JSON stored under each of `keys` that the cache holds (a re-analysis's numbers, a table row)."""
        return dict(self.read_many(keys))

    def read_many(self, keys: Iterable[str]) -> Iterator[tuple[str, Any]]:
        """(key, stored JSON) for each of `keys` the cache holds, one at a time (a national catalogue's table rows
        are not all held twice, as text and decoded); they are marked used today once all are read."""
        wanted = list(dict.fromkeys(keys))
        stale: list[tuple[str, str]] = []  # hits last used before today
        rows: Iterable[tuple[str, str, str]]
        if len(wanted) > 20_000:  # most of the table: one scan beats many lookups; only this engine's rows
            wanted_set = set(wanted)
            rows = (row for row in self.db.execute("SELECT key, numbers, used FROM results WHERE engine = ?",
                                                   (self.engine,)) if row[0] in wanted_set)
        else:
            rows = []
            for i in range(0, len(wanted), 500):
                part = wanted[i : i + 500]
                marks = ",".join("?" * len(part))
                rows += self.db.execute(f"SELECT key, numbers, used FROM results WHERE key IN ({marks})", part)
        for key, numbers, used in rows:
            if used < self.today:
                stale.append((self.today, key))
            yield key, json.loads(numbers)
        if stale:
            with self.db:
                self.db.executemany("UPDATE results SET used = ? WHERE key = ?", stale)

    def put_chunk(self, run_id: str, rows: list[tuple[str, str, str]]) -> None:
        """Store one finished chunk and count it in the run's journal, in one transaction."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO results (key, code, numbers, used, engine) VALUES (?, ?, ?, ?, ?)",
                                [(key, code, numbers, self.today, self.engine) for key, code, numbers in rows])
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

    def last_used(self) -> list[tuple[str, int]]:
        """(day, results last used that day), oldest first."""
        return list(self.db.execute("SELECT used, count(*) FROM results GROUP BY used ORDER BY used"))

    def prune(self, unused_days: int) -> int:
        """Drop results written by another version of the analysis code, or that no run has written or read in the
        last `unused_days` days, and the journal of runs that finished before then; returns how many results went."""
        cutoff = (date.fromisoformat(self.today) - timedelta(days=unused_days)).isoformat()
        with self.db:
            gone = self.db.execute("DELETE FROM results WHERE used < ? OR engine != ?", (cutoff, self.engine)).rowcount
            self.db.execute("DELETE FROM runs WHERE finished IS NOT NULL AND finished < ?", (cutoff,))
        self.db.execute("VACUUM")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # VACUUM writes through the log: give the space back
        return gone
