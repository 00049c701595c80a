"""The built site in a real browser (headless Chromium): diagrams drawn, search with and without diacritics,
links followed, nothing fetched from other hosts. Skipped with the reason when Chromium or Playwright is absent."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from catalogue.loader import DEFAULT_DATA
from tests.site_support import AS_OF, HOSTILE, HOSTILE_CODE, built_site

pytestmark = pytest.mark.browser

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "") if p and Path(p).is_file()), None)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

try:
    from playwright.sync_api import Dialog, Locator, Page, Request, sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    sync_playwright = None  # type: ignore[assignment]

if CHROMIUM is None:
    pytest.skip("no Chromium installed (apt-get install chromium): browser tests skipped", allow_module_level=True)
if sync_playwright is None:
    pytest.skip("the playwright Python package is not installed: browser tests skipped", allow_module_level=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The built site served over http on 127.0.0.1 from a thread (search needs http, not file://)."""
    handler = functools.partial(_QuietHandler, directory=str(built_site().root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A browser page that records every request to another host and every dialog (an alert would be one)."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.foreign_requests: list[str] = []
        self.dialogs: list[str] = []
        self.local = urlsplit(base_url).netloc
        page.on("request", self._request)
        page.on("dialog", self._dialog)

    def _request(self, request: Request) -> None:
        if not request.url.startswith("data:") and urlsplit(request.url).netloc != self.local:
            self.foreign_requests.append(request.url)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def visit(browser: Any, base_url: str) -> Iterator[Visit]:
    context = browser.new_context()
    yield Visit(context.new_page(), base_url)
    context.close()


def drawn_on_a_desktop(visit: Visit, url: str) -> Locator:
    """The page's first step graph, once Mermaid has drawn it in a 1280 × 900 window."""
    visit.page.set_viewport_size({"width": 1280, "height": 900})
    visit.page.goto(url)
    diagram = visit.page.locator("div.tthc-diagram").first
    diagram.locator("svg").wait_for(state="visible", timeout=20_000)
    return diagram


def test_a_procedure_page_draws_its_step_graph_and_tables(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + "thu-tuc/1.001193.html")
    drawn = page.locator("div.tthc-diagram").first  # the record's steps; an implemented plan's follow in its section
    drawn.locator("svg").wait_for(state="visible", timeout=20_000)
    assert drawn.locator("svg g.cluster").count() >= 2  # the applicant and at least one agency
    assert drawn.locator("svg .node").count() == len(built_site().catalogue.procedures["1.001193"].steps)
    steps = page.locator('xpath=//h2[@id="trinh-tu"]/following::table[1]/tbody/tr')
    assert steps.count() == len(built_site().catalogue.procedures["1.001193"].steps)
    assert steps.first.is_visible()
    documents = page.locator('xpath=//h2[@id="ho-so"]/following::table[1]/tbody/tr')
    assert documents.count() == len(built_site().catalogue.procedures["1.001193"].documents)
    assert page.locator("h1").inner_text().startswith("Thủ tục đăng ký khai sinh")
    assert visit.foreign_requests == []


def test_a_liên_thông_graph_reads_downwards_within_the_page(visit: Visit, base_url: str) -> None:
    """2.000986 crosses four agencies in 11 steps: drawn left to right it ran four screens wide in its scrolling
    box; drawn top to bottom nearly all of it shows at once, the rest a short scroll away."""
    diagram = drawn_on_a_desktop(visit, base_url + "thu-tuc/2.000986.html")
    box = diagram.bounding_box()
    drawn = diagram.locator("svg").bounding_box()
    assert box is not None and drawn is not None
    assert drawn["height"] > drawn["width"]
    assert drawn["width"] <= 1.5 * box["width"], (drawn, box)


def test_an_implemented_plan_draws_the_steps_after_it(visit: Visit, base_url: str) -> None:
    """1.001193's page shows the record's steps; the implemented plan's section draws the steps after it, with the
    steps the plan changed outlined in green dashes (Mermaid's `changed` class) and the step it removed gone."""
    from analysis.plan import evaluate
    from catalogue.proposals import load_proposals
    from models.parameters import CostRates

    site = built_site()
    plan = load_proposals(DEFAULT_DATA, site.catalogue, AS_OF)[0]["khai-sinh-lien-thong-dien-tu"]
    rates = CostRates.from_parameters(site.catalogue.parameters, AS_OF)
    entry = next(e for e in evaluate(plan, site.catalogue, rates).entries if e.changes.code == "1.001193")
    page = visit.page
    page.goto(base_url + "thu-tuc/1.001193.html")
    after = page.locator('xpath=//h4[@id="sau-khai-sinh-lien-thong-dien-tu"]/following::div[@class="tthc-diagram"][1]')
    after.locator("svg").wait_for(state="visible", timeout=20_000)
    assert after.locator("svg .node").count() == len(entry.procedure_after.steps) < len(entry.procedure_before.steps)
    outlined = after.locator("svg .node.changed")
    assert outlined.count() == len(entry.changed_steps) > 0
    dashes = outlined.first.evaluate("n => getComputedStyle(n.querySelector('rect, path, polygon')).strokeDasharray")
    assert dashes not in ("", "none"), dashes
    caption = after.locator("xpath=following-sibling::p[1]").inner_text()
    assert caption.startswith("Viền xanh nét đứt") and all(s.name[:40] in caption for s in entry.removed_steps)


def test_a_procedure_page_fits_a_phone_screen(visit: Visit, base_url: str) -> None:
    """On a 390 px phone the card's long values (fees with their notes, time limits) wrap instead of widening the
    page past the screen; only the step diagram scrolls, inside its own box."""
    page = visit.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(base_url + "thu-tuc/1.001456.html")
    wide = page.evaluate('[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 391)'
                         '.map(e => e.tagName + "." + e.className).slice(0, 5)')  # to name the culprit if it fails
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide


def test_a_hostile_record_runs_nothing_and_still_draws(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + f"thu-tuc/{HOSTILE_CODE}.html")
    page.locator("pre.tthc-mermaid svg").wait_for(state="visible", timeout=20_000)
    assert page.locator("h1").inner_text().rstrip("¶").strip() == " ".join(HOSTILE.split())
    assert visit.dialogs == []
    assert page.locator("pre.tthc-mermaid svg .node").count() == 3


def search(visit: Visit, base_url: str, query: str) -> Any:
    """The search page's result links for `query`."""
    page = visit.page
    page.goto(base_url + "tim-kiem.html")
    box = page.locator("#tthc-search input.pagefind-ui__search-input")
    box.wait_for(state="visible", timeout=20_000)
    box.fill(query)
    return page.locator(".pagefind-ui__result-title .pagefind-ui__result-link")


@pytest.mark.parametrize("query", ["dang ky khai sinh", "đăng ký khai sinh"])
def test_search_finds_birth_registration_with_or_without_diacritics(visit: Visit, base_url: str, query: str) -> None:
    results = search(visit, base_url, query)
    # Pagefind shows its results as their fragments load: wait for the one expected, not only the first.
    results.filter(has_text="Thủ tục đăng ký khai sinh").first.wait_for(state="visible", timeout=20_000)
    shown = {results.nth(i).inner_text(): results.nth(i).get_attribute("href") or "" for i in range(results.count())}
    assert shown.get("Thủ tục đăng ký khai sinh", "").split("#")[0].endswith("thu-tuc/1.001193.html"), shown
    assert visit.foreign_requests == []


# By its code; by the words people use where the record says «Giấy chứng nhận quyền sử dụng đất» (`also_known_as`).
@pytest.mark.parametrize(("query", "code"), [("1.001193", "1.001193"), ("mất sổ đỏ", "1.012786"), ("mat so do", "1.012786")])
def test_search_finds_the_procedure_first(visit: Visit, base_url: str, query: str, code: str) -> None:
    first = search(visit, base_url, query).first
    first.wait_for(state="visible", timeout=20_000)
    assert (first.get_attribute("href") or "").split("#")[0].endswith(f"thu-tuc/{code}.html"), first.inner_text()


def test_the_search_box_on_every_page_opens_the_search(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + "co-quan/index.html")
    page.fill(".tthc-search-box input[name=q]", "dang ky khai sinh")
    page.click(".tthc-search-box button")
    page.locator(".pagefind-ui__result-link").first.wait_for(state="visible", timeout=20_000)
    assert page.url.split("?")[0].endswith("/tim-kiem.html")


def test_links_lead_from_an_index_to_a_procedure_and_an_agency(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + "linh-vuc/index.html")
    page.get_by_role("link", name="Hộ tịch", exact=True).first.click()
    page.wait_for_url("**/linh-vuc/ho-tich.html")
    page.get_by_role("link", name="Thủ tục đăng ký khai sinh", exact=True).click()
    page.wait_for_url("**/thu-tuc/1.001193.html")
    page.locator(".tthc-card").get_by_role("link", name="Ủy ban nhân dân cấp xã").first.click()
    page.wait_for_url("**/co-quan/ubnd-xa.html")
    assert page.locator("h1").inner_text().startswith("Ủy ban nhân dân cấp xã")
    assert page.get_by_role("link", name="Thủ tục đăng ký khai sinh", exact=True).count() == 1


def test_a_graph_wider_than_its_frame_opens_on_the_first_step(visit: Visit, base_url: str) -> None:
    """1.013978's layout puts the applicant's lane, where the procedure starts, right of five agencies, beyond the
    frame's width: the frame opens scrolled to the record's first step instead of on the agencies' last steps."""
    diagram = drawn_on_a_desktop(visit, base_url + "thu-tuc/1.013978.html")
    frame = diagram.bounding_box()
    first = diagram.locator('svg g.node[id*="-flowchart-s0-"]').bounding_box()
    drawn = diagram.locator("svg").bounding_box()
    assert frame is not None and first is not None and drawn is not None
    assert drawn["width"] > frame["width"]  # the case this is about: the graph scrolls sideways
    assert frame["x"] <= first["x"] and first["x"] + first["width"] <= frame["x"] + frame["width"], (first, frame)
