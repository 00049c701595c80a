"""The published site built once per test session: the bundled catalogue plus one hostile record, with the report
of the real 2025 re-analysis (plus hostile entries) on its re-analysis page.

The hostile record's name, documents, steps and sources hold HTML, Markdown and Mermaid syntax; the pages must show
it as text. Building takes a few seconds, so every site test shares one build (`built_site()` is cached).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html as lxml_html

from analysis.legal_impact import Amendment
from catalogue.batch.changes import load_changes
from catalogue.batch.engine import Settings, build_report, change_scope
from catalogue.batch.report import publish
from catalogue.batch.results import ResultCache
from catalogue.loader import DEFAULT_DATA
from catalogue.proposals import load_proposals
from catalogue.site.build import BuildReport, build_site
from catalogue.site.reanalysis import load_report
from catalogue.store import open_catalogue
from models.catalogue import Catalogue
from models.change import ChangeRef, ImpactReason, ImpactReport, LegalChange, ProcedureImpact
from models.common import Source
from models.procedure import Procedure
from tests.factories import tiny_procedure

AS_OF = date(2026, 11, 23)
HOSTILE_CODE = "9.999999"
HOSTILE = "<script>alert(1)</script> | ] [x](javascript:alert(2)) `code` \"dấu nháy\" 'đơn' *đậm* {: .x} #1"
HOSTILE_DOCUMENT = "Giấy <img src=x onerror=alert(3)> | cột ] `` ` ``"
TIME_LIMIT_TEXT = "Dòng một\n\n    Dòng <b>hai</b> | ]\n\n"
HOSTILE_STEP = "Bước \"]) --> x[\"<script>alert(4)</script>\"] %% | end"


def hostile_procedure() -> Procedure:
    """A valid procedure whose every free text is markup."""
    base = tiny_procedure()
    return tiny_procedure(
        code=HOSTILE_CODE,
        name=HOSTILE,
        field="Thử <b>nghiệm</b> | lĩnh vực",
        channels=[{"kind": "in_person", "time_limit": {"working_days": 3, "text": TIME_LIMIT_TEXT}}],
        documents=[
            {"id": "don", "name": HOSTILE_DOCUMENT, "originals": 1, "copies": 2, "certified_copies": 1,
             "form": "Mẫu <i>01</i> | ]"},
            {"id": "cccd", "name": "Căn cước `x` | y", "originals": 1, "presented": True,
             "issuer": {"kind": "national_database", "database": "CSDL <dân cư>"}},
        ],
        steps=[
            {**base.steps[0].model_dump(), "name": HOSTILE_STEP, "unit": "Bộ phận | <u>một cửa</u>"},
            *(s.model_dump() for s in base.steps[1:]),
        ],
        provenance={"sources": [
            {"url": "javascript:alert(5)", "title": "Nguồn <script>alert(6)</script>", "retrieved": date(2026, 1, 2)},
            {"url": "https://example.invalid/a?b=1&c=2", "title": "Trang | nguồn ]", "retrieved": date(2026, 1, 3)},
        ]},
    )


def catalogue_with_hostile() -> Catalogue:
    """The bundled catalogue with the hostile record added (a copy: the cached catalogue is left alone)."""
    bundled = open_catalogue()
    procedures = {code: bundled.procedures[code] for code in bundled.procedures}
    procedures[HOSTILE_CODE] = hostile_procedure()
    return Catalogue(procedures=procedures, agencies=bundled.agencies, legal=bundled.legal,
                     parameters=bundled.parameters, extras=bundled.extras)


REORGANISATION = "to-chuc-chinh-quyen-2-cap"
"""The 2025 change re-analysed for the site (data/changes/2025-07-01-to-chuc-chinh-quyen-2-cap.yaml)."""
AHEAD = "2031-01-01"
"""The effective day of the hostile change announced ahead of the site's day."""
HOSTILE_REASON = "Lý do <script>alert(7)</script> | ] [x](javascript:alert(8)) `c` *đậm*"
HOSTILE_WITHDRAWN = "<b>9.0</b>\"'"


def real_reanalysis(folder: Path) -> ImpactReport:
    """The 2025 reorganisation re-analysed on the bundled catalogue (as `tthc reanalyze --change` does)."""
    changes = load_changes(DEFAULT_DATA).by_id()
    with ResultCache(folder) as cache:
        return build_report(change_scope(open_catalogue(), list(changes.values()), changes[REORGANISATION]),
                            Settings(cache))


def with_hostile_entries(report: ImpactReport) -> ImpactReport:
    """The report plus a hostile change title and source, the hostile record as ADDED, and a WITHDRAWN procedure
    whose code and name are markup."""
    reason = ImpactReason(kind="record_changed", change="x", ref="<i>ref</i>", text=HOSTILE_REASON)
    extra = [
        ProcedureImpact(code=HOSTILE_CODE, name=HOSTILE, status="ADDED", reasons=[reason], needs_review=True, metrics={}),
        ProcedureImpact(code=HOSTILE_WITHDRAWN, name=HOSTILE, status="WITHDRAWN", reasons=[reason], needs_review=False,
                        metrics={}),
    ]
    change = ChangeRef(id="thu-nghiem", title=HOSTILE, effective=date(2025, 7, 1), sources=[Source(
        url="javascript:alert(9)", title="Nguồn <script>alert(10)</script>", retrieved=date(2026, 1, 2))])
    by_status = dict(report.summary.by_status) | {"ADDED": report.summary.by_status["ADDED"] + 1,
                                                  "WITHDRAWN": report.summary.by_status["WITHDRAWN"] + 1}
    summary = report.summary.model_copy(update={"affected": report.summary.affected + 2,
                                                "needs_review": report.summary.needs_review + 1,
                                                "by_status": by_status})
    return report.model_copy(update={"changes": [*report.changes, change], "summary": summary,
                                     "procedures": [*report.procedures, *extra]})


def hostile_amendment(effective: str = "2025-07-01") -> Amendment:
    """A legal change touching the hostile record, its title and reason markup (pages note the changes applied and
    those ahead)."""
    change = LegalChange.model_validate({
        "id": "thu-nghiem", "title": HOSTILE, "effective": effective,
        "sources": [{"url": "https://example.org", "title": "Nguồn", "retrieved": "2026-01-02"}],
        "operations": [{"op": "rename_agency", "agency": "ubnd-xa", "name": "x"}],
    })
    return Amendment(change, [ImpactReason(kind="agency", change="thu-nghiem", ref="ubnd-xa", text=HOSTILE_REASON)])


def published_report(folder: Path) -> Path:
    """The report.json of the real 2025 re-analysis with the hostile entries, published into `folder`."""
    report = with_hostile_entries(real_reanalysis(folder / "cache"))
    publish(report, folder / "report")
    return folder / "report" / "report.json"


@dataclass(frozen=True)
class BuiltSite:
    root: Path
    work: Path
    catalogue: Catalogue
    report: BuildReport
    reanalysis: ImpactReport
    """The re-analysis report the site shows, as read back from its report.json."""

    def page(self, relative: str) -> lxml_html.HtmlElement:
        return lxml_html.fromstring((self.root / relative).read_bytes())


@cache
def built_site() -> BuiltSite:
    """Build once (strict: any MkDocs warning, such as a broken link, fails the build)."""
    folder = Path(tempfile.mkdtemp(prefix="tthc-site-test-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    catalogue = catalogue_with_hostile()
    proposals, problems = load_proposals(DEFAULT_DATA, open_catalogue(), AS_OF)
    assert not [p for p in problems if p.severity == "error"], problems
    reanalysis = load_report(published_report(folder / "reanalysis"))
    report = build_site(catalogue, folder / "site", folder / "src", as_of=AS_OF, proposals=proposals.values(),
                        strict=True, reanalysis=reanalysis, amendments={HOSTILE_CODE: [hostile_amendment()]},
                        ahead={HOSTILE_CODE: [hostile_amendment(AHEAD)]})
    return BuiltSite(folder / "site", folder / "src", catalogue, report, reanalysis)


def broken_links(root: Path) -> list[tuple[str, str]]:
    """Every internal link, stylesheet, script or picture of the built site at `root` that leads to no file, or to
    no such anchor: (page, address)."""
    ids: dict[Path, set[str]] = {}

    def anchors(path: Path) -> set[str]:
        if path not in ids:
            ids[path] = set(lxml_html.fromstring(path.read_bytes()).xpath("//@id"))
        return ids[path]

    broken = []
    for path in sorted(root.rglob("*.html")):
        page = lxml_html.fromstring(path.read_bytes())
        for url in page.xpath("//a/@href | //link/@href | //script/@src | //img/@src"):
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue
            # 404.html links from the site root ("/assets/..."): it is served for any missing address
            base = root if parts.path.startswith("/") else path.parent
            target = (base / unquote(parts.path).lstrip("/")).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            missing = not target.is_file() or root.resolve() not in target.parents
            if missing or (parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in anchors(target)):
                broken.append((str(path.relative_to(root)), url))
    return broken
