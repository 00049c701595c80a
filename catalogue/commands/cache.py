"""`tthc cache info` and `tthc cache prune`: what the caches under `.tthc-cache/` hold, and dropping what no run
needs any more (the compiled records of files since edited or deleted; analysis results unused for a while)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from catalogue.batch.results import ResultCache
from catalogue.cache import ProcedureCache, default_cache_dir
from catalogue.commands.options import DATA
from catalogue.console import console, num


def _size(path: Path) -> str:
    """The database and its write-ahead log, in MB."""
    total = sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists())
    return f"{total / 1e6:.1f} MB".replace(".", ",")


@contextmanager
def _caches(data: Path, cache_dir: Path | None) -> Iterator[tuple[Path, ProcedureCache, ResultCache]]:
    folder = cache_dir or default_cache_dir(data)
    records = ProcedureCache(folder)
    try:
        with ResultCache(folder) as results:
            yield folder, records, results
    finally:
        records.close()


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Bộ nhớ đệm: bản ghi đã biên dịch và kết quả phân tích trong .tthc-cache/.",
                        no_args_is_help=True)
    app.add_typer(group, name="cache")

    cache_option = typer.Option(None, "--cache-dir", help="Mặc định: .tthc-cache/ cạnh thư mục dữ liệu.")

    @group.command()
    def info(data: Path = DATA, cache_dir: Path | None = cache_option) -> None:
        """Kích thước và nội dung bộ nhớ đệm: bản ghi, kết quả theo ngày dùng gần nhất."""
        with _caches(data, cache_dir) as (folder, records, results):
            files, held = records.counts()
            table = Table(title=f"Bộ nhớ đệm {folder}")
            table.add_column("Phần")
            table.add_column("Nội dung")
            table.add_column("Dung lượng", justify="right")
            table.add_row("Bản ghi đã biên dịch", f"{num(held)} bản ghi cho {num(files)} tệp", _size(records.path))
            days = results.last_used()
            used = "; ".join(f"{date.fromisoformat(day):%d/%m/%Y}: {num(n)}" for day, n in days[-5:])
            table.add_row("Kết quả phân tích", f"{num(results.count())} kết quả"
                          + (f" (dùng lần cuối {used})" if used else ""), _size(results.path))
            console.print(table)

    @group.command()
    def prune(
        data: Path = DATA,
        cache_dir: Path | None = cache_option,
        older_than: int = typer.Option(30, "--older-than", min=0,
                                       help="Bỏ kết quả không được ghi hay đọc trong số ngày này."),
    ) -> None:
        """Dọn bộ nhớ đệm: bản ghi của tệp đã sửa hoặc đã xóa, kết quả của phiên bản tthc khác hoặc không dùng quá --older-than ngày."""
        with _caches(data, cache_dir) as (_, records, results):
            before = _size(records.path), _size(results.path)
            files, held = records.prune()
            dropped = results.prune(older_than)
            console.print(f"Bản ghi đã biên dịch: bỏ {held} bản ghi, {files} tệp không còn ({before[0]} → {_size(records.path)})")
            console.print(f"Kết quả phân tích: bỏ {dropped} kết quả của phiên bản tthc khác hoặc không dùng trong {older_than} ngày "
                          f"({before[1]} → {_size(results.path)})")
