"""Interchange at catalogue scale: exports of a synthetic catalogue and imports of saved portal records.

    .venv/bin/python benchmarks/bench_interchange.py [N]        # default N = 300

Measures, on a synthetic catalogue of N procedures (10–60 steps, 5–20 documents each):
  - the CPSV-AP graph (triples, seconds) and its SHACL validation against the official shapes,
  - BPMN export of every procedure and XSD validation of each,
  - the Excel round trip (export, import, compare),
and the import of the portal fixtures (ms per file).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pyshacl
import rdflib
import SpiffWorkflow
from lxml import etree

from catalogue.interchange.bpmn import bpmn_xml
from catalogue.interchange.cpsv import cpsv_graph
from catalogue.interchange.importing import read_file
from catalogue.interchange.xlsx import export_xlsx, read_workbook
from catalogue.loader import DEFAULT_DATA, load
from catalogue.synthetic import synthetic_catalogue

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "interchange"


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    print(f"{label:<48} {time.perf_counter() - start:8.2f} s")
    return result


def main(n: int) -> None:
    cat = timed(f"synthetic catalogue ({n} procedures)", lambda: synthetic_catalogue(n))
    steps = sum(len(p.steps) for p in cat.procedures.values())
    print(f"{'':<48} {steps} steps")
    graph = timed("CPSV-AP graph", lambda: cpsv_graph(cat))
    print(f"{'':<48} {len(graph)} triples")
    shapes = rdflib.Graph().parse(FIXTURES / "cpsv-ap-3.2.0-SHACL.ttl")
    conforms, _, _ = timed("SHACL validation (pyshacl)", lambda: pyshacl.validate(graph, shacl_graph=shapes))
    print(f"{'':<48} conforms: {conforms}")
    schema = etree.XMLSchema(etree.parse(str(Path(SpiffWorkflow.__file__).parent / "bpmn/parser/schema/BPMN20.xsd")))
    xmls = timed("BPMN export, every procedure", lambda: [bpmn_xml(p, cat) for p in cat.procedures.values()])
    valid = timed("BPMN XSD validation, every procedure", lambda: sum(schema.validate(etree.fromstring(x)) for x in xmls))
    print(f"{'':<48} {valid}/{len(xmls)} valid")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.xlsx"
        timed("Excel export", lambda: export_xlsx(cat, path))
        back = timed("Excel import", lambda: read_workbook(path, path.read_bytes()))
        print(f"{'':<48} round trip equal: {dict((r.procedure.code, r.procedure) for r in back) == dict(cat.procedures)}")
    real = load(DEFAULT_DATA).catalogue
    files = [FIXTURES / "portal" / name for name in ("ChiTietTTHC_2.000815.doc", "dvc-187805-khai-sinh.doc", "dulieuphaply-dang-ky-thuong-tru.html")]
    rounds = 20
    start = time.perf_counter()
    for _ in range(rounds):
        for f in files:
            read_file(f, real)
    print(f"{'portal import, ms per file':<48} {(time.perf_counter() - start) / (rounds * len(files)) * 1000:8.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
