"""The compiled cache: a warm load gives the same records, an edited file is re-read, a broken one is still
reported with its line."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from analysis.findings import find_all
from catalogue import cache
from catalogue.cache import decode_all, load_cached
from catalogue.files import write_atomic, write_with
from catalogue.loader import DEFAULT_DATA, load
from models.catalogue import Procedures
from models.parameters import CostRates
from tests.batch_helpers import ask_identity_paper_twice


def test_warm_load_equals_plain_load(data_copy: Path, tmp_path: Path) -> None:
    plain = load(data_copy).catalogue
    load_cached(data_copy, tmp_path / "c")
    warm = load_cached(data_copy, tmp_path / "c").catalogue
    assert isinstance(warm.procedures, Procedures)
    assert warm.procedures.encoded("1.001193") is not None  # served from the cache, not yet decoded
    assert dict(warm.procedures) == dict(plain.procedures)


def test_a_cache_written_by_other_models_is_never_read(data_copy: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Records pickled by older models load without the fields added since (a crash in the analysis): a cache made
    by another version of the models is rebuilt from the files."""
    load_cached(data_copy, tmp_path / "c")
    with sqlite3.connect(tmp_path / "c" / "procedures.sqlite") as db:
        db.execute("UPDATE payloads SET payload = ?", (b"pickled by other models",))
    monkeypatch.setattr(cache, "CACHE_VERSION", cache.CACHE_VERSION + "|models-changed")
    warm = load_cached(data_copy, tmp_path / "c").catalogue
    assert warm.procedures["1.001193"].name == "Thủ tục đăng ký khai sinh"


def test_the_cache_version_follows_the_models_code(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache._models_version()
    read = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: read(path) + (b"\n# a field added" if path.name == "procedure.py" else b""))
    assert cache._models_version() != before


def test_edit_invalidates_only_that_file(data_copy: Path, tmp_path: Path) -> None:
    load_cached(data_copy, tmp_path / "c")
    path = data_copy / "procedures" / "1.001193.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Thủ tục đăng ký khai sinh", "Đăng ký khai sinh (sửa)"), encoding="utf-8")
    warm = load_cached(data_copy, tmp_path / "c").catalogue
    assert warm.procedures["1.001193"].name == "Đăng ký khai sinh (sửa)"


def test_same_size_same_mtime_edit_is_still_seen_after_touch(data_copy: Path, tmp_path: Path) -> None:
    load_cached(data_copy, tmp_path / "c")
    path = data_copy / "procedures" / "1.001193.yaml"
    text = path.read_text(encoding="utf-8")
    st = path.stat()
    path.write_text(text.replace("subjects_per_year: 1200000", "subjects_per_year: 1300000"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert load_cached(data_copy, tmp_path / "c").catalogue.procedures["1.001193"].subjects_per_year == 1_300_000


def test_broken_file_is_reported_with_its_line_on_every_load(data_copy: Path, tmp_path: Path) -> None:
    load_cached(data_copy, tmp_path / "c")
    path = data_copy / "procedures" / "1.001193.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: submit", "kind: nop"), encoding="utf-8")
    for _ in range(2):
        loaded = load_cached(data_copy, tmp_path / "c")
        assert "1.001193" not in loaded.catalogue.procedures
        [problem] = loaded.problems
        assert problem.field.endswith(".kind") and problem.line is not None


def test_renamed_cached_file_is_still_checked(data_copy: Path, tmp_path: Path) -> None:
    load_cached(data_copy, tmp_path / "c")
    source = data_copy / "procedures" / "1.001193.yaml"
    (data_copy / "procedures" / "1.999999.yaml").write_bytes(source.read_bytes())
    loaded = load_cached(data_copy, tmp_path / "c")
    assert any("chứa thủ tục 1.001193" in p.message for p in loaded.problems)


def test_decode_all(data_copy: Path, tmp_path: Path) -> None:
    load_cached(data_copy, tmp_path / "c")
    cat = load_cached(data_copy, tmp_path / "c").catalogue
    decode_all(cat)
    assert isinstance(cat.procedures, Procedures)
    assert cat.procedures.encoded("1.001193") is None


def test_outputs_are_written_whole_with_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.md"
    write_atomic(target, b"# ok\n")
    umask = os.umask(0)
    os.umask(umask)
    assert target.read_bytes() == b"# ok\n"
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask

    def failing(path: Path) -> None:
        path.write_bytes(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_with(target, failing)
    assert target.read_bytes() == b"# ok\n"  # the previous file is untouched
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.md"]  # no temporary left behind


def test_records_are_read_when_first_used_and_a_vanished_one_is_a_clear_error(data_copy: Path, tmp_path: Path) -> None:
    load_cached(data_copy, tmp_path / "c")
    used = load_cached(data_copy, tmp_path / "c").catalogue.procedures
    unused = load_cached(data_copy, tmp_path / "c").catalogue.procedures
    assert used["1.001193"].code == "1.001193"  # read from the cache on first use
    db = sqlite3.connect(tmp_path / "c" / "procedures.sqlite")
    with db:
        db.execute("DELETE FROM payloads")  # as if another version of tthc rebuilt the cache meanwhile
    db.close()
    assert used["1.001193"].code == "1.001193"  # already decoded
    with pytest.raises(RuntimeError, match="chạy lại lệnh"):
        unused["1.001193"]
    assert "1.001193" in unused  # still listed: nothing silently dropped


def test_records_still_encoded_are_read_in_one_go(data_copy: Path, tmp_path: Path) -> None:
    source = data_copy / "procedures" / "1.001193.yaml"
    text = source.read_text(encoding="utf-8")
    for code in ("1.999998", "1.999999"):
        (data_copy / "procedures" / f"{code}.yaml").write_text(text.replace('code: "1.001193"', f'code: "{code}"'),
                                                                encoding="utf-8")
    load_cached(data_copy, tmp_path / "c")
    procedures = load_cached(data_copy, tmp_path / "c").catalogue.procedures
    assert isinstance(procedures, Procedures)
    one_by_one = {code: procedures.encoded(code) for code in procedures}
    assert procedures["1.999998"].code == "1.999998"  # decoded: no longer stored
    many = procedures.encoded_many(list(procedures))
    assert many == {code: raw for code, raw in one_by_one.items() if code != "1.999998"} and len(many) == 2
    db = sqlite3.connect(tmp_path / "c" / "procedures.sqlite")
    with db:
        db.execute("DELETE FROM payloads")
    db.close()
    with pytest.raises(RuntimeError, match="chạy lại lệnh"):
        procedures.encoded_many(["1.999999"])


def test_a_record_a_change_replaced_is_compared_without_decoding_the_file_again(data_copy: Path, tmp_path: Path) -> None:
    load_cached(data_copy, tmp_path / "c")
    procedures = load_cached(data_copy, tmp_path / "c").catalogue.procedures
    assert isinstance(procedures, Procedures)
    before, after, same = procedures.copy(), procedures.copy(), procedures.copy()
    original = after["1.001193"]
    after["1.001193"] = original.model_copy(update={"name": "Đăng ký khai sinh (sửa)"})
    same["1.001193"] = same["1.001193"].model_copy()  # rewritten to an equal record
    db = sqlite3.connect(tmp_path / "c" / "procedures.sqlite")
    with db:
        db.execute("DELETE FROM payloads")  # reading the file's record again would now fail
    db.close()
    assert not before.unchanged(after, "1.001193") and not after.unchanged(before, "1.001193")
    assert before.unchanged(same, "1.001193") and same.unchanged(before, "1.001193")
    assert after.copy().unchanged(before, "1.001193") is False  # a copy keeps what it replaced


def test_two_files_with_the_same_content_are_both_checked(data_copy: Path, tmp_path: Path) -> None:
    source = data_copy / "procedures" / "1.001193.yaml"
    (data_copy / "procedures" / "zz-copy.yaml").write_bytes(source.read_bytes())
    for attempt in ("cold", "warm"):
        loaded = load_cached(data_copy, tmp_path / "c")
        messages = sorted(p.message for p in loaded.problems if p.file.name == "zz-copy.yaml")
        assert messages == ["thủ tục 1.001193 được khai báo hai lần (lần đầu ở " + str(source) + ")",
                            "tệp tên zz-copy.yaml nhưng chứa thủ tục 1.001193: đổi tên thành 1.001193.yaml"], attempt
        assert loaded.catalogue.procedures["1.001193"].code == "1.001193"


def test_analysing_a_group_member_decodes_its_group_only(tmp_path: Path) -> None:
    """Documents asked twice across a liên thông group need the group's procedures, found from the record index:
    analysing one of them on a national catalogue does not decode the others (it took 337 s and 14 GB at 100,000)."""
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, data)
    ask_identity_paper_twice(data)
    load_cached(data, tmp_path / "c")
    cat = load_cached(data, tmp_path / "c").catalogue
    procedures = cat.procedures
    assert isinstance(procedures, Procedures)
    findings = find_all(procedures["1.004222"], cat, CostRates.from_parameters(cat.parameters, date(2025, 6, 1)))
    assert any(f.rule == "asked-twice" for f in findings)  # the group's other procedure was read
    group = {"1.001193", "1.004222"}
    assert all(procedures.encoded(code) is not None for code in procedures if code not in group)
