"""`tthc cache prune`: the compiled records of edited or deleted files go, the records of today's files stay; analysis
results that no run has written or read for a while go, those a run read recently stay."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from catalogue.batch.results import ResultCache
from catalogue.cache import ProcedureCache, load_cached
from catalogue.cli import app
from catalogue.loader import load

DAY = date(2026, 1, 5)


def second_record(data: Path) -> Path:
    """A second procedure file in the catalogue copy (the fixture holds one): 1.001193 under code 1.999999."""
    source = data / "procedures" / "1.001193.yaml"
    path = data / "procedures" / "1.999999.yaml"
    path.write_text(source.read_text(encoding="utf-8").replace('code: "1.001193"', 'code: "1.999999"'), encoding="utf-8")
    return path


def test_records_of_edited_and_deleted_files_go(data_copy: Path, tmp_path: Path) -> None:
    folder = tmp_path / "c"
    deleted = second_record(data_copy)
    load_cached(data_copy, folder)
    edited = data_copy / "procedures" / "1.001193.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Thủ tục đăng ký khai sinh", "Đăng ký khai sinh (sửa)"),
                      encoding="utf-8")
    deleted.unlink()
    load_cached(data_copy, folder)
    cache = ProcedureCache(folder)
    files, records = cache.counts()
    assert records == files + 1  # the edited file's earlier content is still held
    assert cache.prune() == (1, 2)  # the deleted file; its record and the edit's old one
    files_after, records_after = cache.counts()
    assert files_after == records_after == files - 1
    cache.close()
    warm = load_cached(data_copy, folder).catalogue
    assert dict(warm.procedures) == dict(load(data_copy).catalogue.procedures)
    assert warm.procedures["1.001193"].name == "Đăng ký khai sinh (sửa)"


def test_results_unused_for_the_given_days_go(tmp_path: Path) -> None:
    with ResultCache(tmp_path, today=date(2026, 1, 1)) as old:
        old.start_run("r1", 3)
        old.put_chunk("r1", [("k1", "1.000001", '{"steps": 1}'), ("k2", "1.000002", '{"steps": 2}'),
                             ("k3", "1.000003", '{"steps": 3}')])
        old.finish_run("r1")
        with old.db:  # the journal keeps wall-clock times: date this run to the fake day
            old.db.execute("UPDATE runs SET started = '2026-01-01T08:00:00+00:00', finished = '2026-01-01T09:00:00+00:00'")
    with ResultCache(tmp_path, today=date(2026, 3, 1)) as later:
        assert later.get_many(["k1", "k9"]) == {"k1": {"steps": 1}}  # k1 read: used again today
        later.put_chunk("r2", [("k4", "1.000004", '{"steps": 4}')])
        assert later.last_used() == [("2026-01-01", 2), ("2026-03-01", 2)]
        assert later.prune(60) == 0  # 1 January is within 60 days of 1 March
        assert later.prune(30) == 2
        assert later.get_many(["k1", "k2", "k3", "k4"]) == {"k1": {"steps": 1}, "k4": {"steps": 4}}
        assert later.db.execute("SELECT count(*) FROM runs").fetchone()[0] == 0  # r1 finished before the cutoff


def test_results_of_another_version_of_the_analysis_are_not_scanned_and_go(tmp_path: Path) -> None:
    """An upgrade of tthc writes its results beside the old version's, which no key can reach any more: the scan
    of `analyze --all` reads this version's rows only, and `prune` drops the others whatever their day."""
    with ResultCache(tmp_path, today=DAY, engine="old") as old:
        old.put_chunk("r1", [("k1", "1.000001", '{"steps": 1}')])
    with ResultCache(tmp_path, today=DAY, engine="new") as new:
        new.put_chunk("r2", [("k2", "1.000002", '{"steps": 2}')])
        many = [f"absent-{i}" for i in range(20_001)] + ["k1", "k2"]  # enough keys to scan rather than look up
        assert dict(new.read_many(many)) == {"k2": {"steps": 2}}
        assert new.prune(30) == 1 and new.count() == 1


def test_a_cache_from_before_the_used_day_opens_and_counts_as_used_today(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "reanalysis.sqlite")
    db.execute("CREATE TABLE results (key TEXT PRIMARY KEY, code TEXT NOT NULL, numbers TEXT NOT NULL)")
    db.execute("INSERT INTO results VALUES ('k', '1.000001', '{\"steps\": 1}')")
    db.commit()
    db.close()
    with ResultCache(tmp_path, today=DAY) as cache:
        assert cache.last_used() == [(DAY.isoformat(), 1)]
        assert cache.get_many(["k"]) == {"k": {"steps": 1}}


def test_cli_reports_what_it_dropped(data_copy: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    cache = tmp_path / "c"
    deleted = second_record(data_copy)
    load_cached(data_copy, cache)
    deleted.unlink()
    args = ["--data", str(data_copy), "--cache-dir", str(cache)]
    result = runner.invoke(app, ["cache", "prune", *args], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "bỏ 1 bản ghi, 1 tệp không còn" in result.output
    assert "bỏ 0 kết quả của phiên bản tthc khác hoặc không dùng trong 30 ngày" in result.output
    info = runner.invoke(app, ["cache", "info", *args], env={"COLUMNS": "200"})
    assert info.exit_code == 0 and "bản ghi cho" in info.output
    assert runner.invoke(app, ["cache", "prune", "--older-than", "-1", *args]).exit_code == 2
