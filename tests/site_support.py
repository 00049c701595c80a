"""The published site built once per test session: the bundled catalogue plus one hostile record.

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

from lxml import html as lxml_html

from catalogue.loader import DEFAULT_DATA
from catalogue.proposals import load_proposals
from catalogue.site.build import BuildReport, build_site
from catalogue.store import open_catalogue
from models.catalogue import Catalogue
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


@dataclass(frozen=True)
class BuiltSite:
    root: Path
    work: Path
    catalogue: Catalogue
    report: BuildReport

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
    report = build_site(catalogue, folder / "site", folder / "src", as_of=AS_OF, proposals=proposals.values(),
                        strict=True)
    return BuiltSite(folder / "site", folder / "src", catalogue, report)
