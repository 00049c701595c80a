"""Exports checked by real consumers: SHACL shapes of CPSV-AP 3.2.0, the OMG BPMN XSD, SpiffWorkflow, openpyxl."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyshacl
import pytest
import rdflib
import SpiffWorkflow
from lxml import etree
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF
from typer.testing import CliRunner

from catalogue.cli import app
from catalogue.interchange.bpmn import bpmn_xml
from catalogue.interchange.cpsv import CV, TTHC, cpsv_graph, export_cpsv
from catalogue.interchange.safety import InterchangeError
from catalogue.interchange.xlsx import SHEET_PROCEDURES, SHEET_STEPS, export_xlsx, read_workbook
from catalogue.loader import DEFAULT_DATA, load
from models.catalogue import Catalogue
from tests.factories import tiny_procedure

runner = CliRunner()

FIXTURES = Path(__file__).parent / "fixtures" / "interchange"
XSD_DIR = Path(SpiffWorkflow.__file__).parent / "bpmn" / "parser" / "schema"


@pytest.fixture(scope="module")
def cat() -> Catalogue:
    loaded = load(DEFAULT_DATA)
    return loaded.catalogue


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(FIXTURES / "cpsv-ap-3.2.0-SHACL.ttl")


# --- CPSV-AP ---

def test_whole_catalogue_conforms_to_cpsv_ap_shapes(cat: Catalogue, shapes: rdflib.Graph) -> None:
    graph = cpsv_graph(cat)
    conforms, _, report = pyshacl.validate(graph, shacl_graph=shapes)
    assert conforms, report
    assert len(set(graph.subjects(RDF.type, rdflib.URIRef("http://purl.org/vocab/cpsv#PublicService")))) == len(cat.procedures)


def test_shapes_do_catch_a_service_without_title(cat: Catalogue, shapes: rdflib.Graph) -> None:
    graph = cpsv_graph(cat, ["1.001193"])
    graph.remove((None, DCTERMS.title, None))
    conforms, _, _ = pyshacl.validate(graph, shacl_graph=shapes)
    assert not conforms


def test_jsonld_and_turtle_hold_the_same_graph(cat: Catalogue) -> None:
    jsonld = rdflib.Graph().parse(data=export_cpsv(cat, ["1.001193"], "json-ld"), format="json-ld")
    turtle = rdflib.Graph().parse(data=export_cpsv(cat, ["1.001193"], "turtle"), format="turtle")
    assert isomorphic(jsonld, turtle)


def test_costs_channels_and_steps_of_khai_sinh(cat: Catalogue) -> None:
    p = cat.procedures["1.001193"]
    graph = cpsv_graph(cat, [p.code])
    costs = list(graph.subjects(RDF.type, CV.Cost))
    assert len(costs) == sum(len(c.fees) for c in p.channels)
    for cost in costs:
        assert str(graph.value(cost, CV.currency)).endswith("/currency/VND")
    times = {str(graph.value(ch, DCTERMS.identifier)): str(graph.value(ch, CV.processingTime)) for ch in graph.subjects(RDF.type, CV.Channel)}
    assert times["1.001193/in_person"] == "P1D"  # 1 working day
    assert len(list(graph.subjects(RDF.type, TTHC.Step))) == len(p.steps)


def test_common_names_are_the_services_keywords(cat: Catalogue) -> None:
    graph = cpsv_graph(cat, ["1.012786"])
    keywords = {str(k) for k in graph.objects(None, rdflib.URIRef("http://www.w3.org/ns/dcat#keyword"))}
    assert keywords == {"mất sổ đỏ", "mất sổ hồng", "làm lại sổ đỏ"}


def test_exported_cpsv_classes_are_those_of_the_official_context(cat: Catalogue) -> None:
    context = json.loads((FIXTURES / "cpsv-ap-context.jsonld").read_text(encoding="utf-8"))["@context"]
    official = {v for v in context.values() if isinstance(v, str)}
    used = {str(o) for o in cpsv_graph(cat).objects(None, RDF.type) if not str(o).startswith(str(TTHC))}
    assert used - official == set()


# --- BPMN ---

@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_DIR / "BPMN20.xsd")))


def run_in_spiff(xml: bytes, process_id: str) -> bool:
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.parser import BpmnParser
    from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
    from SpiffWorkflow.util.task import TaskState

    parser = BpmnParser(validator=BpmnValidator())
    parser.add_bpmn_str(xml, filename=f"{process_id}.bpmn")
    workflow = BpmnWorkflow(parser.get_spec(process_id))
    documents = etree.fromstring(xml).xpath("//*[local-name()='dataObject']/@id")
    for _ in range(500):
        workflow.do_engine_steps()
        ready = workflow.get_tasks(state=TaskState.READY)
        if not ready:
            break
        for task in ready:
            # The people doing the step hand over the documents it produces (SpiffWorkflow copies them out).
            task.data.update({d: "bản giấy" for d in documents})
            task.run()
    return bool(workflow.is_completed())


def test_every_procedure_is_valid_bpmn_and_runs_to_the_end_in_spiffworkflow(cat: Catalogue, schema: etree.XMLSchema) -> None:
    for code, p in cat.procedures.items():
        xml = bpmn_xml(p, cat)
        assert schema.validate(etree.fromstring(xml)), (code, schema.error_log.last_error)
        assert run_in_spiff(xml, f"Process_{code.replace('.', '_')}"), code


def test_fork_and_join_become_parallel_gateways(schema: etree.XMLSchema) -> None:
    base = tiny_procedure()
    steps = [s.model_dump() for s in base.steps]
    # a → (b, b2) → c: the commune reviews while the police verify, then the applicant collects.
    steps.insert(2, {**steps[1], "id": "b2", "name": "Xác minh", "actor": "cong-an-xa", "kind": "verify", "consumes": []})
    steps[3]["after"] = ["b", "b2"]
    p = tiny_procedure(steps=steps)
    xml = bpmn_xml(p)
    root = etree.fromstring(xml)
    assert schema.validate(root), schema.error_log.last_error
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    gateways = root.findall(".//bpmn:parallelGateway", ns)
    assert sorted(g.get("gatewayDirection") for g in gateways) == ["Converging", "Diverging"]
    assert [lane.get("name") for lane in root.findall(".//bpmn:lane", ns)] == ["Người nộp hồ sơ", "ubnd-xa", "cong-an-xa"]
    assert len(root.findall(".//bpmn:dataObjectReference", ns)) == 1
    shapes = root.findall(".//{http://www.omg.org/spec/BPMN/20100524/DI}BPMNShape")
    assert len(shapes) == 1 + 3 + 4 + 2 + 2 + 1  # pool, lanes, tasks, events, gateways, data object
    assert run_in_spiff(xml, "Process_9_000001")


# --- Excel ---

def test_xlsx_round_trip_loses_nothing(cat: Catalogue, tmp_path: Path) -> None:
    path = tmp_path / "catalogue.xlsx"
    export_xlsx(cat, path)
    back = {r.procedure.code: r.procedure for r in read_workbook(path, path.read_bytes())}
    assert back == cat.procedures


def test_xlsx_formula_like_text_stays_text(tmp_path: Path) -> None:
    import openpyxl

    p = tiny_procedure(name="=HYPERLINK(\"http://evil\",\"x\")", conditions=["+1 ngày", "@SUM(A1)", "-bản sao"])
    cat = Catalogue({p.code: p}, {}, {}, load(DEFAULT_DATA).catalogue.parameters)
    path = tmp_path / "c.xlsx"
    export_xlsx(cat, path)
    sheet = openpyxl.load_workbook(path)[SHEET_PROCEDURES]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("name") + 1)
    assert cell.data_type == "s" and cell.quotePrefix and cell.value == p.name
    assert read_workbook(path, path.read_bytes())[0].procedure == p


def test_xlsx_error_names_sheet_row_and_column(cat: Catalogue, tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "c.xlsx"
    export_xlsx(cat, path, ["1.001193"])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[SHEET_STEPS]
    header = [c.value for c in sheet[1]]
    sheet.cell(row=4, column=header.index("duration.low") + 1, value=-1)
    sheet.cell(row=5, column=header.index("kind") + 1, value="xem")
    workbook.save(path)
    with pytest.raises(InterchangeError) as raised:
        read_workbook(path, path.read_bytes())
    # Every cell to mend, in one run.
    assert "2 lỗi, không nhập thủ tục nào" in str(raised.value)
    assert "Bước, dòng 4, cột duration.low: thủ tục 1.001193: phải từ 0 trở lên" in str(raised.value)
    assert "Bước, dòng 5, cột kind: thủ tục 1.001193: phải là một trong:" in str(raised.value)


# --- CLI ---

def test_cli_exports_and_reimports_the_workbook(tmp_path: Path) -> None:
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA, data)
    code = "1.001193"
    target = data / "procedures" / f"{code}.yaml"
    before = target.read_bytes()
    expected = load(data).catalogue.procedures[code]
    for fmt, out in [("cpsv-ttl", "c.ttl"), ("cpsv-jsonld", "c.jsonld"), ("xlsx", "c.xlsx"), ("bpmn", "c.bpmn")]:
        result = runner.invoke(app, ["export", fmt, code, "--out", str(tmp_path / out), "--data", str(data)])
        assert result.exit_code == 0, result.output
    assert rdflib.Graph().parse(tmp_path / "c.ttl").value(predicate=RDF.type, object=rdflib.URIRef("http://purl.org/vocab/cpsv#PublicService"))
    assert (tmp_path / "c.bpmn").read_bytes().startswith(b"<?xml")
    # Read back unchanged: the file keeps the editors' comments and layout, even with --force.
    for force in ([], ["--force"]):
        result = runner.invoke(app, ["import", str(tmp_path / "c.xlsx"), "--data", str(data), *force])
        assert result.exit_code == 0 and "không đổi, giữ nguyên tệp" in result.output, result.output
        assert target.read_bytes() == before
    import openpyxl

    workbook = openpyxl.load_workbook(tmp_path / "c.xlsx")
    sheet = workbook[SHEET_PROCEDURES]
    sheet.cell(row=2, column=[c.value for c in sheet[1]].index("annual_volume.subjects_per_year") + 1, value=1_300_000)
    workbook.save(tmp_path / "c.xlsx")
    result = runner.invoke(app, ["import", str(tmp_path / "c.xlsx"), "--data", str(data)])
    assert result.exit_code == 1 and target.read_bytes() == before  # edited, and exists: not replaced without --force
    result = runner.invoke(app, ["import", str(tmp_path / "c.xlsx"), "--data", str(data), "--force"])
    assert result.exit_code == 0, result.output
    edited = load(data).catalogue.procedures[code]
    assert edited.annual_volume.subjects_per_year == 1_300_000
    assert edited.model_copy(update={"annual_volume": expected.annual_volume}) == expected
    assert runner.invoke(app, ["export", "pdf", "--data", str(data)]).exit_code == 2
    assert runner.invoke(app, ["export", "bpmn", "9.999999", "--out", str(tmp_path), "--data", str(data)]).exit_code == 1


def test_cpsv_and_bpmn_publish_the_procedure_as_the_law_stands(tmp_path: Path) -> None:
    """What other systems publish is the procedure of the day, as `tthc show` and the site give it: after the
    2025 reform the district offices are gone (khai tử liên thông, 2.000986); `--as-of` gives an earlier day."""
    def export(fmt: str, out: str, *extra: str) -> str:
        result = runner.invoke(app, ["export", fmt, "2.000986", "--out", str(tmp_path / out), *extra])
        assert result.exit_code == 0, result.output
        return (tmp_path / out).read_text(encoding="utf-8")

    assert "agency/bhxh-huyen" not in export("cpsv-ttl", "now.ttl", "--as-of", "2026-12-07")
    assert "agency/bhxh-huyen" in export("cpsv-ttl", "then.ttl", "--as-of", "2025-06-01")
    assert 'id="Lane_bhxh-huyen"' not in export("bpmn", "now.bpmn", "--as-of", "2026-12-07")
    # The workbook is the records as written, to edit and import back: a day makes no sense there.
    refused = runner.invoke(app, ["export", "xlsx", "--as-of", "2026-12-07", "--out", str(tmp_path / "c.xlsx")])
    assert refused.exit_code == 2 and "--as-of không dùng cho xlsx" in refused.output


@pytest.mark.parametrize("base", ["https://example.gov.vn", "not an iri/", "https://example.gov.vn/a b/"])
def test_a_base_iri_the_ids_would_run_into_is_refused(base: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "cpsv-ttl", "1.001193", "--base", base, "--out", str(tmp_path / "x.ttl")])
    assert result.exit_code == 2 and "phải là một IRI" in " ".join(result.output.split())
    assert not (tmp_path / "x.ttl").exists()


def test_xlsx_keeps_codes_as_text_and_names_a_code_excel_turned_into_a_number(cat: Catalogue, tmp_path: Path) -> None:
    """The code columns are text cells, so a code typed into the workbook stays a code; a code Excel already
    converted (1.001193 → the number 1.001193, a trailing zero lost for 2.000590) is named as such."""
    import openpyxl

    path = tmp_path / "c.xlsx"
    export_xlsx(cat, path, ["1.001193"])
    workbook = openpyxl.load_workbook(path)
    for name in (SHEET_PROCEDURES, SHEET_STEPS):
        header = [c.value for c in workbook[name][1]]
        column = header.index("code" if name == SHEET_PROCEDURES else "procedure") + 1
        assert workbook[name].cell(row=2, column=column).number_format == "@", name
    sheet = workbook[SHEET_STEPS]
    sheet.cell(row=2, column=[c.value for c in sheet[1]].index("procedure") + 1, value=1.001193)
    workbook.save(path)
    with pytest.raises(InterchangeError, match=r"Bước, dòng 2, cột procedure: Excel đã đổi mã thủ tục thành số"):
        read_workbook(path, path.read_bytes())


def test_dry_run_of_an_edited_workbook_lists_every_field_the_staff_changed(cat: Catalogue, tmp_path: Path) -> None:
    """Before `--force`, staff see what their edits change: every field of the record, not only what a portal page
    states (a workbook is the whole record)."""
    import openpyxl

    path = tmp_path / "c.xlsx"
    export_xlsx(cat, path, ["1.001193"])
    workbook = openpyxl.load_workbook(path)
    procedures, steps = workbook[SHEET_PROCEDURES], workbook[SHEET_STEPS]
    procedures.cell(row=2, column=[c.value for c in procedures[1]].index("annual_volume.subjects_per_year") + 1, value=1)
    steps.cell(row=3, column=[c.value for c in steps[1]].index("duration.high") + 1, value=3)
    workbook.save(path)
    result = runner.invoke(app, ["import", str(path), "--dry-run"], terminal_width=200)
    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    assert "khác hồ sơ trong danh mục ở 2 điểm" in said
    assert re.search(r"annual_volume\.subjects_per_year │ 1400000 │ 1 ", said), said
    assert "steps[1].duration.high" in said
    unchanged = tmp_path / "same.xlsx"
    export_xlsx(cat, unchanged, ["1.001193"])
    said = " ".join(runner.invoke(app, ["import", str(unchanged), "--dry-run"]).output.split())
    assert "1.001193 không khác hồ sơ trong danh mục" in said and "ở những nội dung nguồn ghi" not in said
