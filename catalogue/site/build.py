"""Build the published catalogue: generate Markdown, build it with MkDocs + Material, index it with Pagefind.

The generated Markdown lives in a work folder (never committed); a file is rewritten only when its content
changed, and files of procedures that left the catalogue are removed. MkDocs builds into a fresh folder beside
the output, Pagefind indexes it, and only then does it replace the output: a reader never sees half a site.

Measured facts this layout follows: only index pages are in the navigation (every page embeds the
whole nav, so 5,000 procedure pages in it would make the site explode); Material's own search does not fold
Vietnamese diacritics, Pagefind does; Material would load Mermaid and fonts from CDNs, so the theme serves its
own Mermaid and uses system fonts.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from analysis.legal_impact import Amendment
from catalogue.files import write_atomic
from catalogue.site import DEFAULT_OUT, DEFAULT_WORK, pages
from catalogue.site.collect import SiteData, collect
from catalogue.site.reanalysis import REANALYSIS_TITLE, REPORTS, home_section
from models.catalogue import Catalogue
from models.change import ImpactReport
from models.proposal import Proposal

PROJECT = Path(__file__).resolve().parents[2]
HAND_WRITTEN = PROJECT / "docs"
"""Pages written by hand (home, about, how to read), copied into the build as they are."""
THEME = Path(__file__).resolve().parent / "theme"
HOOKS = Path(__file__).resolve().parent / "hooks.py"
SITE_NAME = "Danh mục thủ tục hành chính"

NAV: list[tuple[str, str]] = [
    ("Trang chủ", "index.md"),
    ("Tìm kiếm", pages.SEARCH),
    ("Tất cả thủ tục", f"{pages.PROCEDURES}/index.md"),
    ("Theo lĩnh vực", f"{pages.FIELDS}/index.md"),
    ("Theo cơ quan", f"{pages.AGENCIES}/index.md"),
    ("Theo cấp", f"{pages.LEVELS}/index.md"),
    ("Tổng quan", pages.DASHBOARD),
    ("Giới thiệu", "about.md"),
    ("Cách đọc trang thủ tục", "how-to-read.md"),
]


class SiteBuildError(RuntimeError):
    """MkDocs or Pagefind failed; the message carries their output."""


@dataclass
class BuildReport:
    """What a build made and where its time went (seconds)."""

    out: Path
    procedures: int
    generated_files: int
    written_files: int
    removed_files: int
    html_pages: int = 0
    analysis_s: float = 0.0
    generation_s: float = 0.0
    """Markdown and charts, and writing the changed files."""
    mkdocs_s: float = 0.0
    pagefind_s: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def total_s(self) -> float:
        return self.analysis_s + self.generation_s + self.mkdocs_s + self.pagefind_s


def sync_folder(folder: Path, files: Mapping[str, bytes]) -> tuple[int, int]:
    """Make `folder` hold exactly `files` (relative path → bytes): write only what changed, remove the rest.

    Returns (files written, files removed).
    """
    written = removed = 0
    for relative, content in files.items():
        path = folder / relative
        try:
            if path.read_bytes() == content:
                continue
        except FileNotFoundError:
            pass
        write_atomic(path, content)
        written += 1
    if folder.exists():
        wanted = {Path(r) for r in files}
        for existing in sorted(folder.rglob("*"), reverse=True):  # children before their folder
            if existing.is_file() and existing.relative_to(folder) not in wanted:
                existing.unlink()
                removed += 1
            elif existing.is_dir() and not any(existing.iterdir()):
                existing.rmdir()
    return written, removed


def hand_written_pages(docs: Path) -> dict[str, bytes]:
    """Every file under the hand-written docs folder, by relative path."""
    if not docs.is_dir():
        return {}
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted(docs.rglob("*")) if p.is_file()}


def mkdocs_config(site_dir: Path, extra_pages: list[str], reanalysis: bool = False, site_url: str = "") -> dict[str, Any]:
    """The MkDocs configuration of the build (written as mkdocs.yml in the work folder); `reanalysis`: the build
    has the page of the latest re-analysis report; `site_url`: the address the site is published at, which fills
    sitemap.xml and lets the 404 page link back from any depth (none: the site also opens from disk)."""
    nav: list[dict[str, Any]] = [{title: path} for title, path in NAV]
    if reanalysis:
        after_dashboard = next(i for i, (_, path) in enumerate(NAV) if path == pages.DASHBOARD) + 1
        nav.insert(after_dashboard, {REANALYSIS_TITLE: pages.REANALYSIS})
    if extra_pages:  # other hand-written pages (method, guides): titled by their own first heading
        nav.append({"Phương pháp và hướng dẫn": sorted(extra_pages)})
    return {
        "site_name": SITE_NAME,
        "site_description": "Thủ tục hành chính: cần giấy tờ gì, nộp ở đâu, mất bao lâu, tốn bao nhiêu",
        "docs_dir": "docs",
        "site_dir": str(site_dir),
        **({"site_url": site_url} if site_url else {}),
        # Page addresses end in .html: the folder opens from disk and on any static server.
        "use_directory_urls": False,
        "theme": {
            "name": "material",
            "language": "vi",
            "font": False,  # system fonts: nothing is fetched from Google
            "custom_dir": str(THEME),
            "features": ["navigation.top", "toc.follow"],
            "palette": {"primary": "indigo", "accent": "indigo"},
        },
        # Material's search does not fold Vietnamese diacritics: Pagefind indexes the built site instead.
        "plugins": [],
        "extra_css": ["assets/tthc/tthc.css"],
        "hooks": [str(HOOKS)],
        "markdown_extensions": ["tables", "attr_list", "admonition", {"toc": {"permalink": True}}],
        "nav": nav,
        "not_in_nav": "\n".join(f"/{folder}/" for folder in (pages.PROCEDURES, pages.FIELDS, pages.AGENCIES, pages.LEVELS,
                                                               REPORTS)),
        "validation": {"nav": {"omitted_files": "info"}, "links": {"not_found": "warn", "unrecognized_links": "warn"}},
    }


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _mkdocs_warnings() -> Iterator[list[str]]:
    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def run_mkdocs(config_file: Path, strict: bool = False) -> list[str]:
    """Build the site described by `config_file`; returns MkDocs' warnings (raises on them when `strict`)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    with _mkdocs_warnings() as warnings:
        try:
            config = load_config(str(config_file), strict=strict)
            build(config)
        except (MkDocsException, SystemExit) as exc:
            raise SiteBuildError(f"MkDocs không dựng được trang: {exc}\n" + "\n".join(warnings)) from exc
    return list(warnings)


def run_pagefind(site_dir: Path) -> None:
    """Index the built site for search (Pagefind folds diacritics: "dang ky" finds "đăng ký")."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--keep-index-url", "--silent",
               "--exclude-selectors", ".headerlink"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SiteBuildError(f"Pagefind không lập được chỉ mục tìm kiếm cho {site_dir}:\n{result.stdout}{result.stderr}")


MARKER = ".tthc-site"
"""Written into every built site: only a folder holding it (or an empty one) is ever replaced by a build."""


def check_out(out: Path, work: Path) -> None:
    """Refuse an output folder that a build would destroy: one with other content, or one holding the sources."""
    if out.exists() and not out.is_dir():
        raise SiteBuildError(f"--out {out} là một tệp, không phải thư mục")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SiteBuildError(f"--out {out} chứa các tệp không phải trang đã dựng: chọn thư mục trống hoặc thư mục mới")
    for inside in (work, PROJECT, HAND_WRITTEN):
        if out == inside or out in inside.parents:
            raise SiteBuildError(f"--out {out} sẽ ghi đè {inside}: chọn một thư mục riêng")


def _publish(built: Path, out: Path) -> None:
    """Replace `out` by `built` (two renames; the old site is removed afterwards)."""
    old = out.with_name(f".{out.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if out.exists():
        os.replace(out, old)
    os.replace(built, out)
    if old.exists():
        shutil.rmtree(old)


def generate_files(data: SiteData, docs: Path = HAND_WRITTEN) -> tuple[dict[str, bytes], list[str]]:
    """The docs folder of the build (generated pages and hand-written ones), and the hand-written pages to add to
    the navigation beyond the standard ones.

    The home page gets a generated closing section on the latest re-analysis (or on how to produce one).
    """
    generated = {path: text.encode() for path, text in pages.generate(data).items()}
    hand = hand_written_pages(docs)
    if "index.md" in hand:
        hand["index.md"] = hand["index.md"].rstrip(b"\n") + b"\n" + home_section(data.reanalysis).encode()
    clash = sorted(set(generated) & set(hand))
    if clash:
        raise SiteBuildError(f"trang viết tay trong {docs} trùng tên trang tự sinh: {', '.join(clash)}")
    standard = {path for _, path in NAV}
    extra = [p for p in hand if p.endswith(".md") and "/" not in p and p not in standard]
    return {**generated, **hand}, extra


def build_site(
    catalogue: Catalogue, out: Path = DEFAULT_OUT, work: Path = DEFAULT_WORK, *, as_of: date | None = None,
    proposals: Iterable[Proposal] = (), docs: Path = HAND_WRITTEN, search: bool = True, strict: bool = False,
    reanalysis: ImpactReport | None = None, amendments: dict[str, list[Amendment]] | None = None,
    ahead: dict[str, list[Amendment]] | None = None, other_reports: list[tuple[str, ImpactReport]] | None = None,
    site_url: str = "",
) -> BuildReport:
    """Build the whole site into `out`, with figures computed as at `as_of` (today by default), and the page of
    the `reanalysis` report when there is one (and a page for each of `other_reports`); `amendments`: the legal
    changes applied to `catalogue`'s records, and `ahead` those announced for later, noted on their pages."""
    out, work = out.resolve(), work.resolve()
    check_out(out, work)
    started = time.perf_counter()
    data = collect(catalogue, as_of or date.today(), proposals, reanalysis=reanalysis, amendments=amendments,
                   ahead=ahead, other_reports=other_reports)
    analysed = time.perf_counter()
    files, extra = generate_files(data, docs)
    written, removed = sync_folder(work / "docs", files)
    out.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        config = yaml.safe_dump(mkdocs_config(building, extra, reanalysis is not None, site_url), allow_unicode=True,
                                sort_keys=False)
        write_atomic(work / "mkdocs.yml", config.encode())
        generated = time.perf_counter()
        warnings = run_mkdocs(work / "mkdocs.yml", strict=strict)
        built = time.perf_counter()
        if search:
            run_pagefind(building)
        indexed = time.perf_counter()
        (building / MARKER).write_text("Dựng bằng `tthc site build`; lần dựng sau sẽ thay toàn bộ thư mục này.\n")
        html_pages = sum(1 for _ in building.rglob("*.html"))
        _publish(building, out)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return BuildReport(
        out=out, procedures=len(catalogue.procedures), generated_files=len(files), written_files=written,
        removed_files=removed, html_pages=html_pages, analysis_s=analysed - started,
        generation_s=generated - analysed, mkdocs_s=built - generated, pagefind_s=indexed - built, warnings=warnings,
    )
