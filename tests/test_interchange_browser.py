"""bpmn-js (the renderer behind bpmn.io) loads an exported diagram in headless Chromium and draws every shape."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
from lxml import etree

from catalogue.interchange.bpmn import bpmn_xml
from catalogue.loader import DEFAULT_DATA, load

CHROMIUM = Path("/usr/bin/chromium")
VENDORED = Path(__file__).parent / "fixtures" / "interchange" / "vendor" / "bpmn-viewer.production.min.js"

pytestmark = pytest.mark.browser


def bpmn_viewer(cache: Path) -> Path | None:
    """The bpmn-js viewer bundle: vendored, cached, or fetched once with `npm pack bpmn-js`."""
    if VENDORED.exists():
        return VENDORED
    bundle = cache / "package" / "dist" / "bpmn-viewer.production.min.js"
    if bundle.exists():
        return bundle
    npm = shutil.which("npm")
    if npm is None:
        return None
    try:
        done = subprocess.run([npm, "pack", "bpmn-js", "--silent"], cwd=cache, capture_output=True, text=True, timeout=120, check=True)
        with tarfile.open(cache / done.stdout.strip().splitlines()[-1]) as archive:
            archive.extractall(cache, filter="data")
    except (subprocess.SubprocessError, OSError, tarfile.TarError, IndexError):
        return None
    return bundle if bundle.exists() else None


def test_bpmn_js_renders_every_shape(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium (Debian package `chromium`)")
    playwright = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    cache = getattr(request.config, "cache", None)  # pytest's cache plugin keeps the download between runs
    viewer = bpmn_viewer(Path(cache.mkdir("bpmn-js")) if cache is not None else tmp_path)
    if viewer is None:
        pytest.skip("bpmn-js not available: no vendored bundle and `npm pack bpmn-js` failed (offline?)")
    cat = load(DEFAULT_DATA).catalogue
    p = cat.procedures["1.001193"]
    xml = bpmn_xml(p, cat).decode()
    expected = len(etree.fromstring(xml.encode()).findall(".//{http://www.omg.org/spec/BPMN/20100524/DI}BPMNShape"))
    with playwright.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.set_content("<html><body><div id='canvas' style='width:1600px;height:900px'></div></body></html>")
            page.add_script_tag(content=viewer.read_text(encoding="utf-8"))
            result = page.evaluate(
                """async (xml) => {
                    const viewer = new BpmnJS({container: '#canvas'});
                    const {warnings} = await viewer.importXML(xml);
                    const shapes = viewer.get('elementRegistry').filter(e => !e.waypoints && e.type !== 'label' && e.parent);
                    return {warnings: warnings.map(w => w.message), shapes: shapes.length,
                            tasks: document.querySelectorAll('.djs-element[data-element-id^="Step_"]').length};
                }""",
                xml,
            )
        finally:
            browser.close()
    assert result["warnings"] == []
    assert result["shapes"] == expected  # pool, lanes, tasks, events, gateways and data objects all drawn
    assert result["tasks"] == len(p.steps)
