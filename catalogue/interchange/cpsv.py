"""Export the catalogue as CPSV-AP 3.2.0 (EU Core Public Service Vocabulary Application Profile), JSON-LD or Turtle.

Mapping (docs/interchange.md has the table): Procedure → cpsv:PublicService; competent agency →
cv:PublicOrganisation; each document → cv:Requirement supported by a cv:Evidence; each fee → cv:Cost (value in
đồng as the profile's xsd:double, currency VND) accessed through its cv:Channel; each channel's time limit →
cv:processingTime (ISO 8601 duration); results → cv:Output; legal basis → eli:LegalResource. CPSV-AP has no
steps: they go in the `tthc:` extension namespace (Step, hasStep, actor, kind, after, durations).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SKOS, XSD

from models.catalogue import Catalogue
from models.common import LEVEL_LABELS_VI
from models.procedure import APPLICANT, CHANNEL_LABELS_VI, STEP_KIND_LABELS_VI, Procedure

CV = Namespace("http://data.europa.eu/m8g/")
CPSV = Namespace("http://purl.org/vocab/cpsv#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
TTHC = Namespace("urn:tthc:ns:")
"""The extension vocabulary for what CPSV-AP lacks (steps); documented in docs/interchange.md."""
DEFAULT_BASE = "urn:tthc:"
"""Resource IRIs: `urn:tthc:procedure/1.001193`. Publishers pass their own base (`--base https://…/`)."""
VND = URIRef("http://publications.europa.eu/resource/authority/currency/VND")
VIETNAM = URIRef("http://publications.europa.eu/resource/authority/country/VNM")
WORKING_HOURS_PER_DAY = 8

PREFIXES = {"cv": CV, "cpsv": CPSV, "dct": DCTERMS, "eli": ELI, "skos": SKOS, "xsd": XSD, "tthc": TTHC}


def iso_duration(working_days: float) -> str:
    """A time limit in working days as an ISO 8601 duration: whole days, the rest as working hours.

    >>> iso_duration(15), iso_duration(0.5), iso_duration(1.25), iso_duration(0)
    ('P15D', 'PT4H', 'P1DT2H', 'P0D')
    """
    days = int(working_days)
    minutes = round((working_days - days) * WORKING_HOURS_PER_DAY * 60)
    hours, minutes = divmod(minutes, 60)
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if not days and not time:
        return "P0D"
    return "P" + (f"{days}D" if days else "") + (f"T{time}" if time else "")


def _vi(text: str) -> Literal:
    return Literal(text, lang="vi")


class _Builder:
    def __init__(self, catalogue: Catalogue, base: str) -> None:
        self.cat = catalogue
        self.base = base
        self.g = Graph()
        for prefix, ns in PREFIXES.items():
            self.g.bind(prefix, ns)
        self.g.add((VND, RDF.type, SKOS.Concept))
        self.g.add((VND, SKOS.prefLabel, Literal("Việt Nam đồng", lang="vi")))
        self.g.add((VIETNAM, RDF.type, DCTERMS.Location))
        self.seen: set[URIRef] = set()
        """Shared nodes (organisations, legal texts, concepts) already described: each is described once."""

    def iri(self, *parts: str) -> URIRef:
        return URIRef(self.base + "/".join(quote(p, safe="") for p in parts))

    def organisation(self, agency_id: str) -> URIRef:
        node = self.iri("agency", agency_id)
        if node not in self.seen:
            self.seen.add(node)
            agency = self.cat.agencies.get(agency_id)
            self.g.add((node, RDF.type, CV.PublicOrganisation))
            self.g.add((node, DCTERMS.identifier, Literal(agency_id)))
            self.g.add((node, SKOS.prefLabel, _vi(agency.name if agency else agency_id)))
            self.g.add((node, DCTERMS.spatial, VIETNAM))
        return node

    def legal(self, number: str) -> URIRef:
        node = self.iri("legal", number)
        if node not in self.seen:
            self.seen.add(node)
            self.g.add((node, RDF.type, ELI.LegalResource))
            self.g.add((node, DCTERMS.identifier, Literal(number)))
            document = self.cat.legal.get(number)
            if document is not None:
                self.g.add((node, DCTERMS.title, _vi(document.title)))
                self.g.add((node, ELI.date_document, Literal(document.issued)))
        return node

    def concept(self, scheme: str, key: str, label: str) -> URIRef:
        node = TTHC[f"{scheme}/{key}"]
        if node not in self.seen:
            self.seen.add(node)
            self.g.add((node, RDF.type, SKOS.Concept))
            self.g.add((node, SKOS.prefLabel, _vi(label)))
        return node

    def procedure(self, p: Procedure) -> URIRef:
        g = self.g
        svc = self.iri("procedure", p.code)
        g.add((svc, RDF.type, CPSV.PublicService))
        g.add((svc, DCTERMS.identifier, Literal(p.code)))
        g.add((svc, DCTERMS.title, _vi(p.name)))
        for words in p.also_known_as:  # CPSV-AP 3.2 PublicService.keyword
            g.add((svc, DCAT.keyword, _vi(words)))
        levels = ", ".join(LEVEL_LABELS_VI[lv] for lv in p.levels)
        g.add((svc, DCTERMS.description, _vi(f"{p.name}. Lĩnh vực: {p.field}. Cấp thực hiện: {levels}.")))
        g.add((svc, DCTERMS.spatial, VIETNAM))
        if not p.main_channel.time_limit.no_result:  # a declaration gets no result: no processing time to state
            g.add((svc, CV.processingTime, Literal(iso_duration(p.time_limit_working_days), datatype=XSD.duration)))
        for agency in p.agencies.competent:
            g.add((svc, CV.hasCompetentAuthority, self.organisation(agency)))
        for cite in p.legal_basis:
            g.add((svc, CV.hasLegalResource, self.legal(cite.ref)))
        for channel in p.channels:
            ch = self.iri("procedure", p.code, "channel", channel.kind)
            g.add((svc, CV.hasChannel, ch))
            g.add((ch, RDF.type, CV.Channel))
            g.add((ch, DCTERMS.identifier, Literal(f"{p.code}/{channel.kind}")))
            g.add((ch, DCTERMS.type, self.concept("channel", channel.kind, CHANNEL_LABELS_VI[channel.kind])))
            if not channel.time_limit.no_result:
                g.add((ch, CV.processingTime, Literal(iso_duration(channel.time_limit.working_days), datatype=XSD.duration)))
                g.add((ch, TTHC.workingDays, Literal(str(channel.time_limit.working_days), datatype=XSD.decimal)))
            if channel.time_limit.text or channel.description:
                g.add((ch, DCTERMS.description, _vi(" ".join(t for t in (channel.time_limit.text, channel.description) if t))))
            for i, fee in enumerate(channel.fees, 1):
                cost = self.iri("procedure", p.code, "channel", channel.kind, "cost", str(i))
                g.add((svc, CV.hasCost, cost))
                g.add((cost, RDF.type, CV.Cost))
                g.add((cost, DCTERMS.identifier, Literal(f"{p.code}/{channel.kind}/{i}")))
                # The profile types cv:hasValue as xsd:double; đồng amounts stay exact well beyond any fee.
                g.add((cost, CV.hasValue, Literal(float(fee.total_vnd), datatype=XSD.double)))
                g.add((cost, CV.currency, VND))
                g.add((cost, CV.ifAccessedThrough, ch))
                g.add((cost, DCTERMS.description, _vi(fee.name + (f" ({fee.note})" if fee.note else ""))))
                g.add((cost, TTHC.amountVnd, Literal(fee.amount_vnd, datatype=XSD.integer)))
                g.add((cost, TTHC.per, Literal(fee.per)))
        for d in p.documents:
            req = self.iri("procedure", p.code, "requirement", d.id)
            ev = self.iri("procedure", p.code, "evidence", d.id)
            g.add((svc, CV.holdsRequirement, req))
            g.add((svc, CPSV.hasInput, ev))
            g.add((req, RDF.type, CV.Requirement))
            g.add((req, DCTERMS.identifier, Literal(f"{p.code}/{d.id}")))
            g.add((req, DCTERMS.title, _vi(d.name)))
            g.add((req, CV.hasSupportingEvidence, ev))
            g.add((ev, RDF.type, CV.Evidence))
            g.add((ev, DCTERMS.identifier, Literal(f"{p.code}/{d.id}/evidence")))
            g.add((ev, DCTERMS.title, _vi(d.name)))
            counts = f"Bản chính: {d.originals}; Bản sao: {d.copies}; Bản sao chứng thực: {d.certified_copies}"
            g.add((ev, DCTERMS.description, _vi(counts + (f"; Trường hợp: {d.case}" if d.case else ""))))
            g.add((ev, CV.supportsRequirement, req))
            for prop, value in ((TTHC.originals, d.originals), (TTHC.copies, d.copies), (TTHC.certifiedCopies, d.certified_copies)):
                g.add((ev, prop, Literal(value, datatype=XSD.integer)))
        for i, result in enumerate(p.results, 1):
            out = self.iri("procedure", p.code, "output", str(i))
            g.add((svc, CPSV.produces, out))
            g.add((out, RDF.type, CV.Output))
            g.add((out, DCTERMS.identifier, Literal(result.code or f"{p.code}/output/{i}")))
            g.add((out, DCTERMS.title, _vi(result.name)))
        self.steps(p, svc)
        return svc

    def steps(self, p: Procedure, svc: URIRef) -> None:
        g = self.g
        for order, s in enumerate(p.steps, 1):
            node = self.iri("procedure", p.code, "step", s.id)
            g.add((svc, TTHC.hasStep, node))
            g.add((node, RDF.type, TTHC.Step))
            g.add((node, DCTERMS.identifier, Literal(s.id)))
            g.add((node, DCTERMS.title, _vi(s.name)))
            g.add((node, TTHC.order, Literal(order, datatype=XSD.integer)))
            g.add((node, TTHC.actor, TTHC.Applicant if s.actor == APPLICANT else self.organisation(s.actor)))
            g.add((node, TTHC.kind, self.concept("step-kind", s.kind, STEP_KIND_LABELS_VI[s.kind])))
            duration = BNode()
            g.add((node, TTHC.duration, duration))
            for prop, value in ((TTHC.low, s.duration.low), (TTHC.likely, s.duration.likely), (TTHC.high, s.duration.high)):
                g.add((duration, prop, Literal(str(value), datatype=XSD.decimal)))
            g.add((node, TTHC.origin, Literal(s.origin)))
            for before in s.after:
                g.add((node, TTHC.after, self.iri("procedure", p.code, "step", before)))
            for doc in s.consumes:
                g.add((node, TTHC.consumes, self.iri("procedure", p.code, "evidence", doc)))
            for doc in s.produces:
                g.add((node, TTHC.produces, self.iri("procedure", p.code, "evidence", doc)))


def cpsv_graph(catalogue: Catalogue, codes: Iterable[str] | None = None, base: str = DEFAULT_BASE) -> Graph:
    """The RDF graph of the chosen procedures (all by default)."""
    builder = _Builder(catalogue, base)
    chosen = sorted(catalogue.procedures) if codes is None else list(codes)
    for code in chosen:
        builder.procedure(catalogue.procedures[code])
    return builder.g


def export_cpsv(catalogue: Catalogue, codes: Iterable[str] | None = None, fmt: str = "json-ld", base: str = DEFAULT_BASE) -> bytes:
    """CPSV-AP as JSON-LD (a compact context of prefixes, no remote context to fetch) or Turtle."""
    graph = cpsv_graph(catalogue, codes, base)
    if fmt == "json-ld":
        context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
        return graph.serialize(format="json-ld", context=context, indent=2, ensure_ascii=False).encode()
    if fmt == "turtle":
        return graph.serialize(format="turtle").encode()
    raise ValueError(f"không có định dạng CPSV-AP {fmt!r}")
