"""A compiled cache of procedure files: YAML stays the source of truth, programs reload from here.

Parsing YAML costs ~10 ms per procedure; a validated record read back from this cache costs a few percent of
that. Opening reads each record's index entry (name, status, what it cites and names: `RecordIndex`); the record
itself is read and decoded only when first used (`models.catalogue.Procedures`). Rows are keyed by the SHA-256 of
the file's bytes, so an edited file is re-parsed and every other file is not. Like git's index, a file whose size
and modification time are unchanged is not re-hashed.

The cache holds pickled models written by tthc itself on this machine (trusted local state, like __pycache__):
delete `.tthc-cache/` to rebuild it. Only valid records are cached, so a broken file is re-read, and its errors
reported with their lines, on every load.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import sys
import threading
from functools import partial
from pathlib import Path

import pydantic

from catalogue.collector import collector_paused
from catalogue.loader import DEFAULT_DATA, Loaded, load, load_procedure_file, place_procedure
from catalogue.problems import Problem, cannot_read
from models.catalogue import Catalogue, Procedures
from models.procedure import SCHEMA_VERSION, Procedure, RecordIndex


def source_digest(*folders: str) -> hashlib.blake2b:
    """A hash of the Python sources under these folders of tthc (each file's path and bytes), to update further."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.blake2b(digest_size=16)
    for folder in folders:
        for path in sorted((root / folder).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest


def _models_version() -> str:
    """The models' code and pydantic's version: a record pickled by other models (a field added, a validator
    changed) would load without the new field, or unchecked, so a change to either rebuilds the cache."""
    digest = source_digest("models")
    digest.update(f"pydantic {pydantic.VERSION}".encode())
    return digest.hexdigest()


# A cache written by another version of the models, of pydantic or of Python is not read.
CACHE_VERSION = (f"tthc-9|schema-{SCHEMA_VERSION}|py-{sys.version_info[0]}.{sys.version_info[1]}|"
                 f"{Procedure.__module__}|models-{_models_version()}")


def default_cache_dir(data: Path) -> Path:
    return Path(os.environ.get("TTHC_CACHE_DIR", data.resolve().parent / ".tthc-cache"))


class ProcedureCache:
    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "procedures.sqlite"
        self.db = sqlite3.connect(self.path)
        self.db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        row = self.db.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        if row is None or row[0] != CACHE_VERSION:
            with self.db:
                self.db.execute("DROP TABLE IF EXISTS files")
                self.db.execute("DROP TABLE IF EXISTS records")
                self.db.execute("DROP TABLE IF EXISTS payloads")
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (CACHE_VERSION,))
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, sha256 TEXT);
            CREATE TABLE IF NOT EXISTS records (sha256 TEXT PRIMARY KEY, code TEXT, entry BLOB);
            CREATE TABLE IF NOT EXISTS payloads (sha256 TEXT PRIMARY KEY, payload BLOB);
            """
        )

    def close(self) -> None:
        self.db.close()

    def read_procedures(self, folder: Path, names: list[str], loaded: Loaded) -> None:
        """Fill `loaded` with the procedures of the files `names` in `folder`: unchanged content comes from the
        cache, still encoded. Paths are plain strings here: 100,000 `Path` objects cost half a second."""
        known = {path: (size, mtime, sha) for path, size, mtime, sha in self.db.execute("SELECT * FROM files")}
        new_files: list[tuple[str, int, int, str]] = []
        found: list[tuple[str, str]] = []  # (path, content hash) of each file, in order
        base, real = str(folder), os.path.realpath(folder)
        for name in names:
            path, key = f"{base}{os.sep}{name}", f"{real}{os.sep}{name}"
            try:
                st = os.stat(key)
            except OSError as exc:
                loaded.problems.append(Problem(Path(path), None, "", cannot_read(exc)))
                continue
            entry = known.get(key)
            if entry is not None and entry[0] == st.st_size and entry[1] == st.st_mtime_ns:
                found.append((path, entry[2]))
                continue
            try:
                with open(key, "rb") as file:
                    raw = file.read()
            except OSError as exc:
                loaded.problems.append(Problem(Path(path), None, "", cannot_read(exc)))
                continue
            sha = hashlib.sha256(raw).hexdigest()
            new_files.append((key, st.st_size, st.st_mtime_ns, sha))
            found.append((path, sha))
        cached = self._records([sha for _, sha in found])
        payloads = PayloadReader(self.path)
        new_records: list[tuple[str, str, bytes, bytes]] = []
        procedures = loaded.catalogue.procedures
        assert isinstance(procedures, Procedures)
        for path, sha in found:
            hit = cached.get(sha)
            if hit is None:
                record, parsed = load_procedure_file(Path(path), loaded.problems)
                if record is not None:
                    row = encode(sha, record)
                    new_records.append(row)
                    cached[sha] = (row[1], row[2])  # a second file with the same content is then a known record
                    if place_procedure(loaded, path, record.code, parsed):
                        # Held as a warm load holds it, so both give the same result keys (batch/engine.py).
                        procedures.set_encoded(record.code, row[3], row[2], sha)
                continue
            code, index_entry = hit
            if place_procedure(loaded, path, code, None):
                procedures.set_encoded(code, partial(payloads, sha), index_entry, sha)
        if new_files or new_records:
            self.store(new_files, new_records)

    def _records(self, shas: list[str]) -> dict[str, tuple[str, bytes]]:
        """sha256 → (code, pickled RecordIndex) of the cached records among `shas`; the records themselves are
        read when first used (`PayloadReader`)."""
        if not shas:
            return {}
        if len(shas) > 2000:  # most of the catalogue: one scan beats many lookups
            wanted = set(shas)
            return {s: (c, e) for s, c, e in self.db.execute("SELECT sha256, code, entry FROM records") if s in wanted}
        out: dict[str, tuple[str, bytes]] = {}
        for i in range(0, len(shas), 500):
            chunk = shas[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for s, c, e in self.db.execute(f"SELECT sha256, code, entry FROM records WHERE sha256 IN ({marks})", chunk):
                out[s] = (c, e)
        return out

    def counts(self) -> tuple[int, int]:
        """(files remembered, records held)."""
        files = self.db.execute("SELECT count(*) FROM files").fetchone()[0]
        return int(files), int(self.db.execute("SELECT count(*) FROM records").fetchone()[0])

    def prune(self) -> tuple[int, int]:
        """Forget files that no longer exist and drop the records no remembered file holds any more (earlier
        contents of edited files, deleted files); returns (files, records) dropped. A record dropped here that a
        checkout brings back is compiled again on the next load."""
        gone = [(path,) for (path,) in self.db.execute("SELECT path FROM files") if not os.path.exists(path)]
        with self.db:
            self.db.executemany("DELETE FROM files WHERE path = ?", gone)
            unheld = "sha256 NOT IN (SELECT sha256 FROM files)"
            records = self.db.execute(f"DELETE FROM records WHERE {unheld}").rowcount
            self.db.execute(f"DELETE FROM payloads WHERE {unheld}")
        self.db.execute("VACUUM")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # VACUUM writes through the log: give the space back
        return len(gone), records

    def store(self, files: list[tuple[str, int, int, str]], records: list[tuple[str, str, bytes, bytes]]) -> None:
        """Remember files (path, size, mtime_ns, sha256) and records (`encode`)."""
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", files)
            self.db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?)", [r[:3] for r in records])
            self.db.executemany("INSERT OR REPLACE INTO payloads VALUES (?, ?)", [(r[0], r[3]) for r in records])


def encode(sha: str, record: Procedure) -> tuple[str, str, bytes, bytes]:
    """A cache row: the file's hash, the code, the pickled `RecordIndex` entry and the pickled record. Stored in
    two tables: opening the catalogue reads every entry, and a table of entries alone is a tenth of the size."""
    return (sha, record.code, pickle.dumps(RecordIndex.of(record), protocol=pickle.HIGHEST_PROTOCOL),
            pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))


class PayloadReader:
    """Reads a record's pickled bytes when the record is first used. A national catalogue's records weigh
    ~1.5 GB: reading them all when the catalogue opens took 9.5 of 16 s for 100,000 files."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db: sqlite3.Connection | None = None
        self.lock = threading.Lock()

    def __call__(self, sha: str) -> bytes:
        return self.many([sha])[sha]

    def many(self, shas: list[str]) -> dict[str, bytes]:
        """sha256 → pickled record, for every one of `shas` (500 to a query)."""
        out: dict[str, bytes] = {}
        with self.lock:  # one connection, opened on first use, shared by the threads of this process
            if self.db is None:
                self.db = sqlite3.connect(self.path, check_same_thread=False)
            for i in range(0, len(shas), 500):
                part = shas[i : i + 500]
                marks = ",".join("?" * len(part))
                out.update(self.db.execute(f"SELECT sha256, payload FROM payloads WHERE sha256 IN ({marks})", part))
        if len(out) < len(set(shas)):
            raise RuntimeError(f"{self.path}: một bản ghi bị xóa khỏi bộ nhớ đệm trong lúc lệnh chạy "
                               "(một phiên bản tthc khác vừa dựng lại bộ nhớ đệm?): chạy lại lệnh")
        return out


def decode_all(catalogue: Catalogue) -> None:
    """Decode every record now (before a batch that touches them all), without the cyclic collector rescanning
    millions of fresh objects (measured: 5× slower with it)."""
    with collector_paused():
        for _ in catalogue.procedures.values():
            pass


def load_cached(data: Path = DEFAULT_DATA, cache_dir: Path | None = None) -> Loaded:
    """`loader.load` with procedure files read through the cache. Falls back to plain loading when the cache
    folder cannot be written (a read-only checkout)."""
    try:
        cache = ProcedureCache(cache_dir or default_cache_dir(data))
    except (OSError, sqlite3.Error):
        return load(data)
    try:
        with collector_paused():  # 100,000 index entries and no cycle: collections would walk them for nothing
            return load(data, read_procedures=cache.read_procedures)
    finally:
        cache.close()


