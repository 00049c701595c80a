"""The generated Markdown pages of the published catalogue, in Vietnamese.

Every catalogue string goes through `md()` (Markdown text: headings, paragraphs, lists) or `h()` (raw HTML: the
card and the tables); the step graph's Mermaid text comes escaped for Mermaid from `catalogue.diagrams` and is
HTML-escaped here. Tables are raw HTML blocks, so their links are HTML links to the built `.html` pages (MkDocs
checks only Markdown links: the site's tests check every link of the built site).

Layout of the generated folder (paths relative to the docs folder):

- `thu-tuc/<code>.md`: one page per procedure; `thu-tuc/index.md` lists them all;
- `linh-vuc/`, `co-quan/`, `cap/`: an index page and a page per field, agency and level;
- `tong-quan.md` (dashboard) with its charts in `bieu-do/`; `tim-kiem.md` (search);
- `ra-soat-thay-doi.md`: the latest re-analysis after a legal change, when the build has a report.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import pairwise

from analysis.findings import RULE_TITLES
from analysis.metrics import agency_papers
from analysis.opportunities import Contribution, Opportunities
from catalogue.console import (
    fee_amount,
    num,
    over_limit_warning,
    percent,
    quantity,
    removed_steps,
    saving_parts,
    time_limit,
    vietnamese_order,
    vnd,
)
from catalogue.diagrams import CHANGED_VI, mermaid_step_graph
from catalogue.site import charts
from catalogue.site.collect import PlanEntry, SiteData
from catalogue.site.escape import fenced_text, front_matter_title, h, link, md, slug
from models.analysis import ROUNDING_NOTE_VI, CostBreakdown, CostLine, ProcedureAnalysis
from models.catalogue import Catalogue, in_force, successors
from models.change import LegalChange
from models.common import CHECK_RESULT_VI, LEVEL_LABELS_VI, Source, cited_text, shorten
from models.findings import Finding
from models.procedure import (
    APPLICANT,
    CHANNEL_LABELS_VI,
    ONLINE_LABELS_VI,
    PROCEDURE_STATUS_VI,
    STEP_KIND_LABELS_VI,
    Channel,
    Document,
    Procedure,
    Step,
)
from models.proposal import LEGAL_ACTION_VI, OPERATION_LABELS_VI, PROPOSAL_STATUS_VI, Operation
from models.registry import LEGAL_STATUS_VI, Agency

PROCEDURES = "thu-tuc"
FIELDS = "linh-vuc"
AGENCIES = "co-quan"
LEVELS = "cap"
CHARTS = "bieu-do"
DASHBOARD = "tong-quan.md"
SEARCH = "tim-kiem.md"
REANALYSIS = "ra-soat-thay-doi.md"

SUBJECT_LABELS_VI = {"citizen": "Công dân", "business": "Doanh nghiệp", "organisation": "Tổ chức"}
ORIGIN_VI = {"published": "công bố", "derived": "tính từ số liệu công bố", "estimate": "ước tính"}
MODELLED_FIELDS_VI = {
    "steps": "các bước", "steps.duration": "thời gian các bước", "steps.applicant_time": "thời gian của người nộp",
    "annual_volume": "số hồ sơ mỗi năm", "documents": "thành phần hồ sơ", "documents.pages": "số trang giấy tờ",
    "name": "tên thủ tục", "channels": "cách thức thực hiện", "fees": "phí, lệ phí", "legal_basis": "căn cứ pháp lý",
    "code": "mã thủ tục", "field": "lĩnh vực", "levels": "cấp thực hiện", "type": "loại thủ tục",
    "subjects": "đối tượng thực hiện", "agencies": "cơ quan", "online": "mức độ dịch vụ công trực tuyến",
    "results": "kết quả", "conditions": "điều kiện", "verbatim_steps": "trình tự thực hiện (nguyên văn)",
    "time_limit": "thời hạn giải quyết",
}
"""Vietnamese names of the record's fields, for the provenance lists of a page (`provenance.transcribed`...)."""
FIELD_PARTS_VI = {
    "duration": "thời gian", "applicant_time": "thời gian của người nộp", "issuer": "nơi cấp",
    "certified_copies": "số bản sao chứng thực", "copies": "số bản sao", "pages": "số trang",
    "presented": "chỉ xuất trình", "amount_vnd": "mức thu", "quantity": "số lượng", "time_limit": "thời hạn",
    "working_days": "số ngày làm việc", "description": "mô tả", "electronic": "bản điện tử",
    "no_result": "không trả kết quả",
    "other_costs_vnd": "chi phí khác", "competent": "có thẩm quyền", "coordinating": "phối hợp",
    "implementing": "thực hiện", "fees": "phí, lệ phí", "le_phi": "lệ phí", "phi": "phí",
}
ESTIMATE = '<span class="tthc-estimate">(ước tính)</span>'
ROLE_VI = {"competent": "Có thẩm quyền", "implementing": "Thực hiện", "coordinating": "Phối hợp", "steps": "Tham gia các bước"}


# ---- small formatting helpers -------------------------------------------------------------------------------


def day(d: date) -> str:
    return d.strftime("%d/%m/%Y")


_BREAKS = re.compile(r"\s+")
_AMOUNT = re.compile(r"(?<=\d) (?=đ\b)")


def _one_line(cell: str) -> str:
    """A cell on one line (a blank line would end the raw HTML block), each amount held to its «đ» by a no-break
    space: a narrow column must not leave the unit alone on a line."""
    return _AMOUNT.sub("\u00a0", _BREAKS.sub(" ", cell).strip())


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], caption: str = "") -> str:
    """A table as a raw HTML block; cells are HTML already escaped (`h()`, `md()`) or generated markup. `caption`
    (plain text) names the table for a screen reader moving from table to table.

    Raw HTML, not a Markdown table: Python-Markdown leaves the block alone instead of running its inline patterns
    over every cell, which is where most of the build time of a big catalogue went.
    """
    head = "".join(f"<th>{h(title)}</th>" for title in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{_one_line(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    named = f"<caption>{h(caption)}</caption>\n" if caption else ""
    return f"<table>\n{named}<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def front_matter(title: str, wide: bool = False, **flags: bool) -> str:
    """YAML front matter: the escaped title, the theme's switches, and `wide` pages without the left navigation."""
    lines = ["---", f"title: {front_matter_title(title)}"]
    if wide:
        lines.append("hide: [navigation]")
    lines += [f"{key}: {json.dumps(value)}" for key, value in flags.items() if value]
    return "\n".join([*lines, "---", ""])


def rel(from_dir: str, target: str) -> str:
    """A link from a page in `from_dir` (a top-level folder, or `""` for the site root) to `target`."""
    if not from_dir:
        return target
    return target.removeprefix(f"{from_dir}/") if target.startswith(f"{from_dir}/") else f"../{target}"


def money(amount: int | Decimal) -> str:
    return vnd(round(amount))


def large_money(amount: int) -> str:
    """Big totals also in tỷ đồng (10⁹ đ), the unit plans and reports use: `5.625.181.499.499 đ (≈ 5.625,2 tỷ đồng)`."""
    if abs(amount) < 1_000_000_000:
        return vnd(amount)
    return f"{vnd(amount)} (≈ {num(round(Decimal(amount) / 1_000_000_000, 1))} tỷ đồng)"


# ---- the context pages share --------------------------------------------------------------------------------


@dataclass
class Site:
    """The data and the indexes every page generator reads."""

    data: SiteData
    field_slugs: dict[str, str] = field(default_factory=dict)
    by_field: dict[str, list[str]] = field(default_factory=dict)
    by_level: dict[str, list[str]] = field(default_factory=dict)
    by_agency: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """agency id → procedure code → roles."""
    parts: dict[str, list[str]] = field(default_factory=dict)
    """code → the procedures whose cases its volume counts too (`AnnualVolume.counted_in`)."""
    successors: dict[str, str] = field(default_factory=dict)
    """code → the record that replaces it (`Procedure.replaces`)."""

    @classmethod
    def index(cls, data: SiteData) -> Site:
        procedures = data.catalogue.procedures
        site = cls(data, successors=successors(procedures))
        for code in sorted(procedures):
            p = procedures[code]
            site.by_field.setdefault(p.field, []).append(code)
            for level in p.levels:
                site.by_level.setdefault(level, []).append(code)
            roles: dict[str, list[str]] = defaultdict(list)
            for role in ("competent", "implementing", "coordinating"):
                for agency in getattr(p.agencies, role):
                    roles[agency].append(role)
            for step in p.steps:
                if step.actor != APPLICANT and "steps" not in roles[step.actor]:
                    roles[step.actor].append("steps")
            for agency, agency_roles in roles.items():
                site.by_agency.setdefault(agency, {})[code] = agency_roles
            for whole in p.annual_volume.counted_in:
                site.parts.setdefault(whole, []).append(code)
        taken: set[str] = set()
        for name in sorted(site.by_field):
            base = candidate = slug(name)
            n = 2
            while candidate in taken:  # two names that fold to the same slug ("Đất đai", "Dat dai")
                candidate, n = f"{base}-{n}", n + 1
            taken.add(candidate)
            site.field_slugs[name] = candidate
        return site

    @property
    def catalogue(self) -> Catalogue:
        return self.data.catalogue

    def agency_name(self, agency_id: str) -> str:
        agency = self.catalogue.agencies.get(agency_id)
        return agency.name if agency is not None else agency_id

    # Links are HTML to the built `.html` pages: they sit in raw HTML blocks (tables, the card), which MkDocs does
    # not rewrite; the site's tests check that every one of them leads to a page.

    def agency_link(self, agency_id: str, from_dir: str) -> str:
        """The agency's name linked to its page (its id as text when the registry does not know it)."""
        if agency_id in self.catalogue.agencies:
            return f'<a href="{rel(from_dir, f"{AGENCIES}/{agency_id}.html")}">{h(self.agency_name(agency_id))}</a>'
        return h(agency_id)

    def working(self, agency: Agency) -> bool:
        """Whether the agency still works on the site's day."""
        return agency.abolished is None or agency.abolished > self.data.as_of

    def agency_state(self, agency: Agency, from_dir: str) -> str:
        """«Chấm dứt hoạt động từ …; nay: <successor>» for an agency that no longer works, else nothing."""
        if agency.abolished is None:
            return ""
        if self.working(agency):
            return f"Chấm dứt hoạt động từ {day(agency.abolished)} (sắp tới)"
        now = f"; nay: {self.agency_link(agency.successor, from_dir)}" if agency.successor else ""
        return f"Chấm dứt hoạt động từ {day(agency.abolished)}{now}"

    def procedure_link(self, code: str, from_dir: str, text: str | None = None) -> str:
        name = self.catalogue.procedures[code].name if text is None else text
        return f'<a href="{rel(from_dir, f"{PROCEDURES}/{code}.html")}">{h(name)}</a>'

    def record_link(self, code: str) -> str:
        """«<code> · <name>» linked from a procedure page, for a record that replaces or was replaced by another."""
        return self.procedure_link(code, PROCEDURES, f"{code} · {self.catalogue.procedures[code].name}")

    def successor_link(self, p: Procedure) -> str:
        """For an abolished record, `record_link` of the record that replaced it; else ""."""
        successor = self.successors.get(p.code) if p.status == "abolished" else None
        return self.record_link(successor) if successor is not None else ""

    def field_link(self, name: str, from_dir: str) -> str:
        return f'<a href="{rel(from_dir, f"{FIELDS}/{self.field_slugs[name]}.html")}">{h(name)}</a>'

    def level_link(self, level: str, from_dir: str) -> str:
        return f'<a href="{rel(from_dir, f"{LEVELS}/{level}.html")}">{h(LEVEL_LABELS_VI[level])}</a>'

    def legal_status(self, ref: str) -> str:
        doc = self.catalogue.legal.get(ref)
        if doc is None:
            return "Chưa có trong danh mục văn bản"
        text = LEGAL_STATUS_VI[doc.status] + (f" (từ {day(doc.ended)})" if doc.ended else "")
        if doc.in_force_on(self.data.as_of):
            return md(text)
        return f'<span class="tthc-warning">{md(text)}</span>'

    def procedure_table(self, codes: Sequence[str], from_dir: str) -> str:
        """The list of procedures shown on the index pages."""
        rows = []
        for code in codes:
            p = self.catalogue.procedures[code]
            a = self.data.analyses.get(code)
            main = p.main_channel
            # The usual channel's limit, then any other channel's that differs (online is often shorter).
            others = "".join(
                f"<br><small>{h(CHANNEL_LABELS_VI[c.kind].lower())}: {time_limit(c.time_limit, unit=False)}</small>"
                for c in p.channels if c.kind != main.kind and c.time_limit.working_days != main.time_limit.working_days)
            rows.append([
                md(code), self.procedure_link(code, from_dir), md(p.field),
                md(", ".join(LEVEL_LABELS_VI[lv] for lv in p.levels)),
                f"{time_limit(main.time_limit, unit=False)} "
                f"<small>({h(CHANNEL_LABELS_VI[main.kind].lower())})</small>{others}",
                vnd(a.cost.per_case_vnd) if a else "",
            ])
        return table(["Mã", "Thủ tục", "Lĩnh vực", "Cấp", "Thời hạn (ngày làm việc)", "Chi phí một lần"], rows)


# ---- the procedure page -------------------------------------------------------------------------------------


def _fees(channel: Channel) -> str:
    if not channel.fees:
        return "không thu phí, lệ phí"
    parts = []
    for fee in channel.fees:
        note = ""
        if len(fee.note) > _SHORT_NOTE:  # how the editors read the amount from its sources: folded, one click away
            note = f'<details class="tthc-note"><summary>Ghi chú của biên tập về mức thu</summary>{h(fee.note)}</details>'
        elif fee.note:
            note = f" ({h(fee.note)})"
        parts.append(f"{h(fee.name)}: {h(fee_amount(fee))}{note}")
    return "; ".join(parts)


_SHORT_NOTE = 160
"""Characters of a fee's note shown as they are in the card; a longer one is the editors' reading of the sources."""


def _card(p: Procedure, a: ProcedureAnalysis | None, site: Site) -> str:
    """The summary card, as a raw HTML block (links to `.html`: MkDocs leaves raw HTML alone)."""
    rows: list[tuple[str, str, str]] = [
        # Weighted: a search for the code should find this page before the agency pages that list the code.
        ("Mã thủ tục", f'<span data-pagefind-weight="10">{h(p.code)}</span>', ""),
    ]
    if p.also_known_as:  # weighted as the name is: people search «sổ đỏ», the law says «Giấy chứng nhận»
        rows.append(("Tên gọi thông dụng", f'<span data-pagefind-weight="7">{h(", ".join(p.also_known_as))}</span>', ""))
    rows += [
        ("Lĩnh vực", site.field_link(p.field, PROCEDURES), "Lĩnh vực"),
        ("Cấp thực hiện", ", ".join(site.level_link(lv, PROCEDURES) for lv in p.levels), "Cấp"),
        ("Cơ quan có thẩm quyền", ", ".join(site.agency_link(x, PROCEDURES) for x in p.agencies.competent), ""),
    ]
    if p.agencies.implementing:
        rows.append(("Cơ quan thực hiện", ", ".join(site.agency_link(x, PROCEDURES) for x in p.agencies.implementing), ""))
    if p.agencies.coordinating:
        rows.append(("Cơ quan phối hợp", ", ".join(site.agency_link(x, PROCEDURES) for x in p.agencies.coordinating), ""))
    rows.append(("Đối tượng thực hiện", h(", ".join(SUBJECT_LABELS_VI[s] for s in p.subjects)), ""))
    channels = "".join(
        f"<li><strong>{h(CHANNEL_LABELS_VI[c.kind])}</strong>: thời hạn {time_limit(c.time_limit)}"
        + f"; {_fees(c)}" + (f'<br><small>{h(c.time_limit.text)}</small>' if c.time_limit.text else "") + "</li>"
        for c in p.channels
    )
    rows.append(("Cách thức thực hiện", f"<ul>{channels}</ul>", ""))
    rows.append(("Dịch vụ công trực tuyến", h(ONLINE_LABELS_VI[p.online]), "Dịch vụ công trực tuyến"))
    rows.append(("Kết quả", "; ".join(h(r.name) + (f" ({h(r.code)})" if r.code else "") for r in p.results), ""))
    if a is not None:
        e = a.metrics.elapsed_working_days
        rows.append(("Thời gian giải quyết theo các bước",
                     f"khoảng {num(e.likely)} ngày làm việc (từ {num(e.low)} đến {num(e.high)}) {ESTIMATE}", ""))
        volume_note = ESTIMATE if p.annual_volume.origin == "estimate" else ""
        rows.append(("Chi phí tuân thủ", f"{vnd(a.cost.per_case_vnd)} một lần; {vnd(a.cost.annual_cost_vnd)} "
                     f"một năm {volume_note}", ""))
    successor = site.successor_link(p)
    rows.append(("Tình trạng", h(PROCEDURE_STATUS_VI[p.status]) + (f"; thay bằng {successor}" if successor else ""), ""))
    if p.replaces:  # a replaced record the catalogue keeps (abolished) has its page: link to it
        rows.append(("Thay thế thủ tục", ", ".join(
            site.record_link(old) if old in site.catalogue.procedures else h(old) for old in p.replaces), ""))
    items = "".join(
        f"<dt>{label}</dt><dd" + (f' data-pagefind-filter="{h(name)}"' if name else "") + f">{value}</dd>"
        for label, value, name in rows
    )
    # One line: a blank line inside catalogue text would end the raw HTML block early.
    return " ".join(f'<div class="tthc-card"><dl>{items}</dl></div>'.split())


def _step_who(step: Step, site: Site) -> str:
    who = "Người nộp hồ sơ" if step.actor == APPLICANT else site.agency_link(step.actor, PROCEDURES)
    told = ", ".join(site.agency_link(a, PROCEDURES) for a in step.notifies)
    return who + (f" ({md(step.unit)})" if step.unit else "") + (f", thông báo cho {told}" if told else "")


def _applicant_minutes(step: Step) -> str:
    t = step.applicant_time
    if t is None:
        return ""
    parts = [(t.preparation, "chuẩn bị"), (t.travel or 0, "đi lại"), (t.queue, "chờ"),
             (t.counter, "tại quầy" if step.in_person else "làm việc với cơ quan")]
    shown = [f"{m} phút {label}" for m, label in parts if m]
    return ", ".join(shown)


def _document_names(ids: Sequence[str], p: Procedure) -> str:
    names = []
    for doc_id in ids:
        try:
            names.append(md(shorten(p.document(doc_id).name, 60)))
        except KeyError:
            names.append(md(doc_id))
    return "; ".join(names)


def _documents_in_order(p: Procedure) -> tuple[list[Document], list[Document]]:
    """The dossier (what the applicant provides or shows) and, apart, the papers the agencies make on the way; one
    numbering runs through both, the dossier first."""
    made = {d.id for d in agency_papers(p)}
    return [d for d in p.documents if d.id not in made], [d for d in p.documents if d.id in made]


def _document_numbers(ids: Sequence[str], number: dict[str, int]) -> str:
    return ", ".join(f'<a href="#giay-to-{number[i]}">{number[i]}</a>' if i in number else h(i) for i in ids)


def _steps_section(p: Procedure, a: ProcedureAnalysis | None, site: Site) -> str:
    number = {s.id: i for i, s in enumerate(p.steps, 1)}
    dossier, made = _documents_in_order(p)
    document_number = {d.id: i for i, d in enumerate([*dossier, *made], 1)}
    critical = set(a.metrics.critical_path) if a else set()
    rows = []
    for i, s in enumerate(p.steps, 1):
        d = s.duration
        name = md(s.name)
        if s.id in critical:
            name = f'<span class="tthc-critical">{name}</span> ★'
        # Documents by their number in the documents table: names there, once (a step may use twenty).
        documents = []
        if s.consumes:
            documents.append("Cần: " + _document_numbers(s.consumes, document_number))
        if s.produces:
            documents.append("Tạo ra: " + _document_numbers(s.produces, document_number))
        label = md(STEP_KIND_LABELS_VI[s.kind])
        if s.automated:
            label += "; hệ thống thông tin tự động thực hiện"
        if s.presence_required:
            cited = "; ".join(", ".join([c.ref, *c.articles]) for c in s.legal_basis)
            label += "; bắt buộc có mặt trực tiếp" + (f" ({md(cited)})" if cited else "")
        rows.append([
            str(i), f"{name}<br><small>{label}</small>", _step_who(s, site),
            f"{num(d.low)} / {num(d.likely)} / {num(d.high)}" + (f" {ESTIMATE}" if s.origin == "estimate" else ""),
            _applicant_minutes(s), "<br>".join(documents), ", ".join(str(number[b]) for b in s.after if b in number),
        ])
    out = [
        "## Trình tự thực hiện {#trinh-tu}", "",
        table(["#", "Bước", "Ai thực hiện", "Thời gian (ngày làm việc: thấp / khả dĩ / cao)",
               "Thời gian của người nộp", "Giấy tờ (số ở bảng giấy tờ)", "Sau bước"], rows,
              f"Các bước thực hiện thủ tục {p.code}"),
        "",
    ]
    if critical:
        out += ["★ Bước nằm trên đường găng: chuỗi bước dài nhất quyết định tổng thời gian giải quyết.", ""]
    return "\n".join(out)


def _mermaid_block(text: str, label: str) -> str:
    """A Mermaid diagram the page's script draws, described for screen readers by `label` (catalogue text: escaped)."""
    return (f'<div class="tthc-diagram" data-pagefind-ignore role="img" aria-label="{h(label)}">'
            f'<pre class="tthc-mermaid">{fenced_text(text)}</pre></div>')


def _diagram_section(p: Procedure, a: ProcedureAnalysis | None, site: Site) -> str:
    critical = a.metrics.critical_path if a else []
    # Top to bottom: a page is read downwards, on phones too; drawn left to right, the graph of a liên thông
    # procedure (2.000986) ran four screens wide in a scrolling box.
    text = mermaid_step_graph(p, site.catalogue, critical, "TB")
    return "\n".join([
        "## Sơ đồ các bước {#so-do}", "",
        _mermaid_block(text, f"Sơ đồ các bước của thủ tục {shorten(p.name)}, theo cơ quan thực hiện; các bước được "
                             "liệt kê ở mục dưới"), "",
        "Mỗi khung là một cơ quan (hoặc người nộp hồ sơ); các bước tô đậm nằm trên đường găng.", "",
    ])


def _after_diagram(entry: PlanEntry, site: Site) -> list[str]:
    """The steps after the plan, drawn as the page's own graph is, with the steps it adds or changes outlined: the
    process an implemented plan put in place, which the page's steps (the record's) may not show yet."""
    e = entry.evaluation
    text = mermaid_step_graph(e.procedure_after, site.catalogue, e.after.metrics.critical_path, "TB", e.changed_steps)
    return [
        f"#### Sơ đồ các bước sau phương án {{#sau-{entry.proposal.id}}}", "",
        _mermaid_block(text, f"Sơ đồ các bước của thủ tục {shorten(e.procedure_after.name)} sau phương án "
                             f"«{shorten(entry.proposal.title)}»"), "",
        f"Viền xanh nét đứt: {CHANGED_VI}{removed_steps([f'«{md(shorten(s.name, 80))}»' for s in e.removed_steps])}.",
        "",
    ]


def _issuer(doc: Document, site: Site) -> str:
    issuer = doc.issuer
    if issuer.kind == "national_database":
        return f"<strong>Nhà nước đã có</strong>: {h(issuer.database)}"
    if issuer.kind == "agency" and issuer.agency:
        return f"<strong>Nhà nước đã có</strong>: do {site.agency_link(issuer.agency, PROCEDURES)} {doc.issued_verb}"
    if issuer.kind == "third_party":
        return "Tổ chức, cá nhân khác cấp"
    return "Người nộp chuẩn bị"


def _documents_section(p: Procedure, site: Site) -> str:
    dossier, made = _documents_in_order(p)
    if not dossier and not made:
        return "## Thành phần hồ sơ {#ho-so}\n\nKhông yêu cầu giấy tờ.\n"
    rows = []
    for i, doc in enumerate(dossier, 1):
        notes = []
        if doc.identity:
            notes.append("xuất trình để xác định người nộp")
        elif doc.presented:
            notes.append("chỉ xuất trình")
        if doc.plain_copy_allowed:
            notes.append("được nộp bản sao kèm bản chính để đối chiếu")
        if doc.fallback:
            notes.append("chỉ khi cơ quan không khai thác được thông tin trong cơ sở dữ liệu")
        rows.append([
            f'<span id="giay-to-{i}">{i}</span>', h(doc.name) + (f"<br><small>{h(', '.join(notes))}</small>" if notes else ""),
            h(doc.case),
            str(doc.originals), str(doc.copies), str(doc.certified_copies), h(doc.form), _issuer(doc, site),
        ])
    out = ["## Thành phần hồ sơ {#ho-so}", ""]
    out += [table(["#", "Giấy tờ", "Trường hợp", "Bản chính", "Bản sao", "Bản sao chứng thực", "Mẫu đơn, tờ khai",
                   "Nguồn giấy tờ"], rows, f"Thành phần hồ sơ thủ tục {p.code}"), ""] if rows else ["Không yêu cầu giấy tờ.", ""]
    if made:
        # Results and the papers agencies send each other: numbered on, so the steps can name them, but not asked.
        makers = {d: s.actor for s in reversed(p.steps) if s.actor != APPLICANT for d in s.produces}  # first step wins
        rows = [[f'<span id="giay-to-{i}">{i}</span>', h(doc.name),
                 site.agency_link(doc.issuer.agency or makers[doc.id], PROCEDURES)]
                for i, doc in enumerate(made, len(dossier) + 1)]
        out += ["### Giấy tờ do cơ quan lập trong quá trình giải quyết {#co-quan-lap}", "",
                "Kết quả và văn bản các cơ quan lập, gửi cho nhau; người nộp hồ sơ không phải nộp.", "",
                table(["#", "Giấy tờ", "Cơ quan lập"], rows, f"Giấy tờ do cơ quan lập, thủ tục {p.code}"), ""]
    return "\n".join(out)


def _legal_section(p: Procedure, site: Site) -> str:
    rows = []
    for citation in p.legal_basis:
        doc = site.catalogue.legal.get(citation.ref)
        rows.append([
            md(citation.ref), md(doc.title) if doc else "", md(", ".join(citation.articles)),
            day(doc.issued) if doc else "", md(doc.issuer) if doc else "", site.legal_status(citation.ref),
        ])
    return "\n".join([
        "## Căn cứ pháp lý {#can-cu}", "",
        table(["Số ký hiệu", "Trích yếu", "Điều, khoản", "Ngày ban hành", "Cơ quan ban hành", "Tình trạng hiệu lực"],
              rows, f"Căn cứ pháp lý của thủ tục {p.code}"),
        "", f"Tình trạng hiệu lực tính đến ngày {day(site.data.as_of)}.", "",
    ])


def _field_vi(entry: str, p: Procedure) -> str:
    """A field path of the record's provenance in words: «steps.cap-gcn.duration» → «bước «Cấp giấy chứng nhận»:
    thời gian»; an editor's comment after it in brackets is kept, free text is left as it is."""
    head, bracket, comment = entry.partition(" (")
    tail = bracket + comment
    if head in MODELLED_FIELDS_VI:
        return MODELLED_FIELDS_VI[head] + tail
    top, *parts = head.split(".")
    if top not in MODELLED_FIELDS_VI:
        return entry
    subject, attributes = MODELLED_FIELDS_VI[top], []
    for part in parts:
        if part in FIELD_PARTS_VI:
            attributes.append(FIELD_PARTS_VI[part])
            continue
        try:
            subject = (f"bước «{shorten(p.step(part).name, 50)}»" if top == "steps"
                       else f"giấy tờ «{shorten(p.document(part).name, 50)}»")
        except KeyError:
            attributes.append(part)
    return subject + (": " + ", ".join(attributes) if attributes else "") + tail


def _line_source(line: CostLine, p: Procedure) -> str:
    try:
        if line.source_kind == "step":
            return md(shorten(p.step(line.source_id).name, 60))
        if line.source_kind == "document":
            return md(shorten(p.document(line.source_id).name, 60))
    except KeyError:
        pass
    return md(line.source_id)


def _counted_once(p: Procedure, site: Site) -> list[str]:
    """Where the cases of this procedure are counted in another's volume too, or another's in this one's: the
    catalogue's total counts each case once (analysis/opportunities.py)."""
    def links(codes: Iterable[str]) -> str:
        return ", ".join(site.procedure_link(c, PROCEDURES, c) if c in site.catalogue.procedures else h(c) for c in codes)

    out = []
    if p.annual_volume.counted_in:
        out.append(f"- Các trường hợp này đã nằm trong số hồ sơ mỗi năm của {links(p.annual_volume.counted_in)}: tổng "
                   "chi phí của danh mục tính mỗi trường hợp một lần, theo chi phí của thủ tục này")
    if p.code in site.parts:
        out.append(f"- Số này gồm cả các trường hợp làm theo {links(site.parts[p.code])}: tổng chi phí của danh mục "
                   "tính các trường hợp đó một lần, theo chi phí của các thủ tục ấy")
    return out


def _cost_section(p: Procedure, a: ProcedureAnalysis | None, site: Site) -> str:
    if a is None:
        return ""
    c = a.cost
    volume = p.annual_volume
    volume_note = f" {ESTIMATE}" if volume.origin == "estimate" else ""
    out = [
        "## Chi phí tuân thủ {#chi-phi}", "",
        f"Tính theo Thông tư 02/2017/TT-VPCP, Điều 27, với các tham số có hiệu lực ngày {day(c.as_of)}.", "",
        f"- Chi phí một lần thực hiện (C1): **{vnd(c.per_case_vnd)}** = thời gian {num(c.time_minutes)} phút × "
        f"{money(c.hourly_income_vnd)}/giờ ({vnd(c.time_cost_vnd)}) + phí, lệ phí {vnd(c.fees_vnd)} + chi phí khác "
        f"{vnd(c.other_costs_vnd)}",
        f"- Số lần thực hiện mỗi năm: {num(c.subjects_per_year)} đối tượng × {num(c.frequency_per_subject)} lần"
        f"{volume_note}" + (f" ({md(volume.note)})" if volume.note else ""),
        *_counted_once(p, site),
        f"- Chi phí một năm: **{vnd(c.annual_cost_vnd)}**", "",
        *_cost_chart(c),
    ]
    if c.lines:
        rows = [
            [md(line.activity), _line_source(line, p), num(line.minutes) if line.minutes else "",
             num(line.quantity) if line.quantity else "", money(line.rate_vnd) + ("/giờ" if line.kind == "time" else ""),
             vnd(line.amount_vnd), md(line.explanation)]
            for line in c.lines
        ]
        if c.rounding_vnd:
            rows.append(["Làm tròn", "", "", "", "", vnd(c.rounding_vnd), ROUNDING_NOTE_VI])
        out += [table(["Khoản", "Phát sinh từ", "Thời gian (phút)", "Số lượng", "Đơn giá", "Thành tiền", "Cách tính"],
                      rows, f"Chi phí một lần thực hiện thủ tục {p.code}, từng khoản"), ""]
    if c.parameters:
        rows = []
        for name, value in sorted(c.parameters.items()):
            parameter = site.catalogue.parameters.parameters.get(name)
            label = parameter.description if parameter else name
            unit = parameter.unit if parameter else ""
            origin = ORIGIN_VI.get(value.origin, value.origin)
            if value.origin == "estimate":
                origin = f'<span class="tthc-estimate">{origin}</span>'
            rows.append([md(label), md(quantity(value.value, unit)), day(value.start), origin,
                         source_item(value.source)])
        out += ["", table(["Tham số", "Giá trị", "Áp dụng từ", "Loại số liệu", "Nguồn"], rows,
                          "Tham số sử dụng"), ""]
    return "\n".join(out)


def _cost_chart(c: CostBreakdown) -> list[str]:
    """C1 by kind of cost (the lines' activities, largest first) as a bar chart, when there is more than one kind:
    where the applicant's cost goes, at a glance, above the table that explains each line."""
    by_activity = c.by_activity()
    if len(by_activity) < 2:
        return []
    title = f"Chi phí một lần thực hiện theo khoản ({vnd(c.per_case_vnd)})"
    svg = charts.bar_chart(title, list(by_activity), list(by_activity.values()), vnd).strip()
    return [f'<figure class="tthc-chart" data-pagefind-ignore>{svg}<figcaption>Mỗi thanh cộng các dòng cùng khoản ở '
            "bảng dưới; thời gian được quy ra tiền theo thu nhập bình quân một giờ.</figcaption></figure>", ""]


def _operation(op: Operation, p: Procedure) -> str:
    text = f"**{md(OPERATION_LABELS_VI[op.op])}**"
    target = getattr(op, "step", None) or getattr(op, "document", None)
    if isinstance(target, str):
        try:
            name = p.step(target).name if hasattr(op, "step") else p.document(target).name
        except KeyError:
            name = target
        text += f" ({md(shorten(name, 80))})"
    text += f": {md(op.rationale)}"
    for change in op.legal_change or ():
        text += f"<br>Kiến nghị: {md(LEGAL_ACTION_VI[change.action].lower())} {md(cited_text(change.ref, change.articles))}"
        if change.text:
            text += f": {md(change.text)}"
    return text


def _finding(f: Finding, p: Procedure) -> str:
    out = [f"### {md(f.title)}", ""]
    if f.explanation:
        out += [md(f.explanation), ""]
    if f.steps:
        out.append("- Bước liên quan: " + "; ".join(md(_step_name(p, s)) for s in f.steps))
    if f.documents:
        out.append("- Giấy tờ liên quan: " + _document_names(f.documents, p))
    for op in f.suggestion:
        out.append("- Đề xuất: " + _operation(op, p))
    if f.saving is not None:
        s = f.saving
        parts = saving_parts(s)
        out.append(f"- Tiết kiệm ước tính: {vnd(s.per_case_vnd)} mỗi lần" + (f" ({md(parts)})" if parts else "")
                   + f", {vnd(s.annual_vnd)} mỗi năm, {num(s.working_days_likely)} ngày làm việc {ESTIMATE}")
    return "\n".join([*out, ""])


def _step_name(p: Procedure, step_id: str) -> str:
    try:
        return p.step(step_id).name
    except KeyError:
        return step_id


def _findings_section(p: Procedure, a: ProcedureAnalysis | None) -> str:
    if a is None:
        return ""
    if not a.findings:
        return "## Phát hiện khi rà soát {#phat-hien}\n\nKhông có phát hiện nào theo các quy tắc rà soát hiện có.\n"
    out = ["## Phát hiện khi rà soát {#phat-hien}", ""]
    if a.saving is not None:
        s = a.saving
        out += [f"Áp dụng cùng lúc các đề xuất dưới đây (không cộng trùng phần hai đề xuất cùng bỏ): tiết kiệm "
                f"**{vnd(s.annual_vnd)} mỗi năm** ({vnd(s.per_case_vnd)} mỗi lần), rút ngắn "
                f"{num(s.working_days_likely)} ngày làm việc {ESTIMATE}.", ""]
    return "\n".join([*out, *(_finding(f, p) for f in a.findings)])


def _plan_section(p: Procedure, entries: Sequence[PlanEntry], site: Site) -> str:
    if not entries:
        return ""
    out = ["## Phương án đơn giản hóa {#phuong-an}", ""]
    for entry in entries:
        proposal, c = entry.proposal, entry.comparison
        out += [
            f"### {md(proposal.title)}", "",
            f"{md(PROPOSAL_STATUS_VI[proposal.status])}, ngày {day(proposal.date)}, {md(proposal.author)}. "
            f"[Xem cả phương án]({rel(PROCEDURES, DASHBOARD)}#phuong-an-don-gian-hoa).", "",
        ]
        if proposal.summary:
            out += [md(proposal.summary), ""]
        out += [f"- {_operation(op, p)}" for op in entry.changes.operations]
        rows = [[md(r.label), f"{num(r.before)} {md(r.unit)}", f"{num(r.after)} {md(r.unit)}",
                 f"{'+' if r.difference > 0 else ''}{num(r.difference)}"] for r in c.rows]
        out += ["", table(["Chỉ tiêu", "Trước", "Sau", "Chênh lệch"], rows,
                          f"Thủ tục {p.code} trước và sau phương án «{proposal.title}»"), ""]
        met = "đạt" if c.meets_cost_target else "chưa đạt"
        out += [
            f"Tiết kiệm: **{large_money(c.saving_vnd_per_year)} mỗi năm** (cắt giảm {percent(c.cost_cut_rate)} chi phí, "
            f"{percent(c.time_limit_cut_rate)} thời hạn giải quyết, {percent(c.time_cut_rate)} thời gian theo các bước; "
            f"{met} mục tiêu cắt giảm {percent(c.target_cost)} chi phí) {ESTIMATE}",
            "",
        ]
        if c.over_limit_after_days > 0:
            out += [md(over_limit_warning(c)), ""]
        out += _after_diagram(entry, site)
        out += [f"- Căn cứ: {source_item(s)}" for s in proposal.sources]
        out.append("")
    return "\n".join(out)


def implemented_notice(entries: Sequence[PlanEntry]) -> str:
    """The note on a procedure's page when a plan for it has been carried out: the record (and so the page's steps,
    documents and cost) may still describe the process before it, which the plan's section compares with after."""
    done = [e.proposal for e in entries if e.proposal.status == "implemented"]
    if not done:
        return ""
    plans = "; ".join(f"«{md(p.title)}» (ngày {day(p.date)})" for p in done)
    return "\n".join([
        '!!! warning "Phương án đơn giản hóa đã thực hiện"', "",
        f"    Đã thực hiện phương án {plans}. Trình tự, giấy tờ và chi phí trên trang này theo bản ghi trong danh mục, "
        "có thể còn là quy trình trước phương án; quy trình sau phương án và phần tiết kiệm xem mục "
        "[Phương án đơn giản hóa](#phuong-an).",
    ])


def status_notice(p: Procedure, site: Site) -> str:
    """The note on the page of a procedure amended or abolished since its record was published: a citizen should
    not file on steps, documents or fees that may have changed, and is led to the record that replaces it."""
    if p.status == "in_force":
        return ""
    if p.status == "abolished":
        successor = site.successor_link(p)
        now = f" Thủ tục nay là {successor}." if successor else ""
        return ('!!! danger "Thủ tục đã bị bãi bỏ"\n\n    Trang này giữ bản ghi để tra cứu; thủ tục không còn được '
                f"thực hiện.{now}")
    return "\n".join([
        '!!! warning "Thủ tục đã được sửa đổi"', "",
        "    Thủ tục đã được sửa đổi, bổ sung sau bản ghi mà trang này dựa vào: trình tự, giấy tờ, thời hạn và phí có "
        "thể đã khác. Trước khi nộp hồ sơ, hãy đối chiếu với Cổng Dịch vụ công quốc gia (dichvucong.gov.vn).",
    ])


def source_item(s: Source) -> str:
    """A source as a list item's text: the title linked to the address (web addresses only), publisher, date."""
    label = s.title or s.url
    text = link(s.url, label)
    if s.publisher:
        text += f", {md(s.publisher)}"
    return text + f" (truy cập {day(s.retrieved)})"


def _sources_section(p: Procedure) -> str:
    prov = p.provenance
    out = ["## Nguồn và ngày truy cập {#nguon}", ""]
    out += [f"- {source_item(s)}" for s in prov.sources]
    out += [f"- Đối chiếu với nguồn ngày {day(c.day)}: {CHECK_RESULT_VI[c.result]} ({link(c.against, 'bản đã đối chiếu')})"
            + (f". {md(c.note)}" if c.note else "") for c in prov.checked]
    if prov.publishing_decision:
        dated = f" ngày {day(prov.published)}" if prov.published else ""
        out.append(f"- Quyết định công bố: {md(prov.publishing_decision)}{dated}")
    if prov.transcribed:
        out.append("- Nội dung chép từ nguồn: " + md("; ".join(_field_vi(f, p) for f in prov.transcribed)))
    if prov.modelled:
        out.append('- <span class="tthc-estimate">Nội dung do biên tập viên ước tính</span>: '
                   + md("; ".join(_field_vi(f, p) for f in prov.modelled)))
    if prov.note:
        out.append(f"- Ghi chú: {md(prov.note)}")
    out += ["", "Các con số đánh dấu *(ước tính)* là ước tính của biên tập viên danh mục, không do nguồn công bố.", ""]
    return "\n".join(out)


def procedure_page(code: str, site: Site, notice: str = "") -> str:
    """The page of one procedure: card, step graph, steps, documents, legal basis, cost, findings, plans, sources.

    `notice` (Markdown) goes right under the card: legal changes applied to the record, the latest re-analysis
    found the procedure affected.
    """
    p = site.catalogue.procedures[code]
    a = site.data.analyses.get(code)
    diagram = _diagram_section(p, a, site)
    parts = [
        front_matter(f"{p.code} · {p.name}", wide=True, tthc_search_index=True, tthc_diagram=bool(diagram)),
        f"# {md(p.name)}",
        _card(p, a, site),
        notice,
        diagram,
        _steps_section(p, a, site),
        _documents_section(p, site),
        _legal_section(p, site),
        _cost_section(p, a, site),
        _findings_section(p, a),
        _plan_section(p, site.data.plan_entries.get(code, ()), site),
        _sources_section(p),
    ]
    # Sections are separated by a blank line: raw HTML blocks (card, diagram) must stand alone.
    return "\n\n".join(part.strip("\n") for part in parts if part) + "\n"


def replaced_page(old: str, p: Procedure) -> str:
    """The page kept at a code the national database no longer has: bookmarks and searches for the old code lead
    to the record that replaced it."""
    decision = p.provenance.publishing_decision
    dated = f" ngày {day(p.provenance.published)}" if p.provenance.published else ""
    by = f", công bố theo Quyết định {md(decision)}{dated}" if decision else ""
    return "\n".join([
        front_matter(f"{old} · đã được thay thế", tthc_search_index=True),
        f"# Thủ tục {old} đã được thay thế", "",
        f"Mã thủ tục {old} không còn áp dụng. Thủ tục nay là [{p.code} · {md(p.name)}]({p.code}.md){by}.", "",
    ])


# ---- agencies -----------------------------------------------------------------------------------------------


def agency_page(agency_id: str, site: Site) -> str:
    """An agency: where it sits, its procedures and role in each, and the dossiers it passes to other agencies."""
    agency = site.catalogue.agencies[agency_id]
    here = AGENCIES
    out = [front_matter(agency.name, tthc_search_index=True), f"# {md(agency.name)}", ""]
    facts = [f"- Cấp: {site.level_link(agency.level, here)}"]
    if agency.parent:
        facts.append(f"- Trực thuộc: {site.agency_link(agency.parent, here)}")
    if agency.abolished:
        facts.append(f"- Chấm dứt hoạt động từ {day(agency.abolished)}")
    if agency.successor:
        facts.append(f"- Nhiệm vụ chuyển cho: {site.agency_link(agency.successor, here)}")
    out += [*facts, ""]
    procedures = site.by_agency.get(agency_id, {})
    out += [f"## Thủ tục ({num(len(procedures))}) {{#thu-tuc}}", ""]
    if procedures:
        rows = [[md(code), site.procedure_link(code, here), md(", ".join(ROLE_VI[r] for r in roles)),
                 md(site.catalogue.procedures[code].field)] for code, roles in sorted(procedures.items())]
        out += [table(["Mã", "Thủ tục", "Vai trò", "Lĩnh vực"], rows), ""]
    else:
        out += ["Chưa có thủ tục nào trong danh mục.", ""]
    sent: Counter[str] = Counter()
    received: Counter[str] = Counter()
    shared: dict[str, set[str]] = defaultdict(set)
    for code in procedures:
        a = site.data.analyses.get(code)
        for hop in a.metrics.hops if a else ():
            if hop.from_agency == agency_id:
                sent[hop.to_agency] += 1
                shared[hop.to_agency].add(code)
            elif hop.to_agency == agency_id:
                received[hop.from_agency] += 1
                shared[hop.from_agency].add(code)
    out += ["## Chuyển hồ sơ với cơ quan khác {#chuyen-ho-so}", ""]
    if shared:
        rows = []
        for other in sorted(shared, key=lambda o: (-(sent[o] + received[o]), o)):
            codes = sorted(shared[other])
            listed = ", ".join(site.procedure_link(c, here, c) for c in codes[:5])
            rows.append([site.agency_link(other, here), num(sent[other]), num(received[other]),
                         listed + (f" và {num(len(codes) - 5)} thủ tục khác" if len(codes) > 5 else "")])
        out += [table(["Cơ quan", "Chuyển đến (lần)", "Nhận từ (lần)", "Thủ tục"], rows), ""]
    else:
        out += ["Không có bước chuyển hồ sơ trực tiếp giữa cơ quan này và cơ quan khác.", ""]
    return "\n".join(out)


def agencies_index(site: Site) -> str:
    here = AGENCIES
    rows = []
    for agency_id, agency in sorted(site.catalogue.agencies.items(), key=lambda kv: vietnamese_order(kv[1].name)):
        rows.append([site.agency_link(agency_id, here), md(LEVEL_LABELS_VI[agency.level]),
                     num(len(site.by_agency.get(agency_id, {}))), site.agency_state(agency, here)])
    return "\n".join([front_matter("Theo cơ quan"), "# Thủ tục theo cơ quan", "",
                      table(["Cơ quan", "Cấp", "Số thủ tục", "Tình trạng"], rows), ""])


# ---- fields, levels, the full list --------------------------------------------------------------------------


def fields_index(site: Site) -> str:
    rows = [[site.field_link(name, FIELDS), num(len(codes))]
            for name, codes in sorted(site.by_field.items(), key=lambda kv: vietnamese_order(kv[0]))]
    return "\n".join([front_matter("Theo lĩnh vực"), "# Thủ tục theo lĩnh vực", "",
                      table(["Lĩnh vực", "Số thủ tục"], rows), ""])


def field_page(name: str, site: Site) -> str:
    codes = site.by_field[name]
    return "\n".join([front_matter(f"Lĩnh vực {name}"), f"# Lĩnh vực {md(name)}", "",
                      f"{num(len(codes))} thủ tục.", "", site.procedure_table(codes, FIELDS), ""])


def _level_ended(level: str, site: Site) -> date | None:
    """The day a level of government ceased, when every agency of it in the registry had by the site's day (the
    district level on 1/7/2025)."""
    ends = [a.abolished for a in site.catalogue.agencies.values() if a.level == level]
    if not ends or any(end is None or end > site.data.as_of for end in ends):
        return None
    return max(end for end in ends if end is not None)


def levels_index(site: Site) -> str:
    rows = []
    for level in LEVEL_LABELS_VI:
        ended = _level_ended(level, site)
        rows.append([site.level_link(level, LEVELS), num(len(site.by_level.get(level, []))),
                     f"Không còn từ {day(ended)}" if ended else ""])
    return "\n".join([front_matter("Theo cấp thực hiện"), "# Thủ tục theo cấp thực hiện", "",
                      table(["Cấp thực hiện", "Số thủ tục", "Tình trạng"], rows), ""])


def level_page(level: str, site: Site) -> str:
    codes = site.by_level.get(level, [])
    label = LEVEL_LABELS_VI[level]
    ended = _level_ended(level, site)
    listing = site.procedure_table(codes, LEVELS) if codes else "Chưa có thủ tục nào ở cấp này trong danh mục."
    if ended:
        listing = f"Cấp này không còn từ {day(ended)}; thủ tục của cấp này chuyển về cấp khác.\n\n{listing}"
    return "\n".join([front_matter(f"Thủ tục {label}"), f"# Thủ tục thực hiện ở {md(label)}", "",
                      f"{num(len(codes))} thủ tục.", "", listing, ""])


def procedures_index(site: Site) -> str:
    codes = sorted(site.catalogue.procedures)
    return "\n".join([front_matter("Tất cả thủ tục"), "# Tất cả thủ tục", "",
                      f"{num(len(codes))} thủ tục trong danh mục.", "", site.procedure_table(codes, PROCEDURES), ""])


def search_page() -> str:
    return "\n".join([
        front_matter("Tìm kiếm", tthc_search_page=True), "# Tìm kiếm", "",
        "Gõ tên thủ tục, cơ quan hoặc giấy tờ; có dấu hay không dấu đều được (ví dụ: *dang ky khai sinh*).", "",
        '<div id="tthc-search"></div>', "",
        '<noscript>Trang tìm kiếm cần JavaScript; có thể xem danh sách <a href="linh-vuc/index.html">theo lĩnh vực</a>.'
        "</noscript>",
        "",
    ])


# ---- the dashboard ------------------------------------------------------------------------------------------

COST_BUCKETS_VND = (50_000, 200_000, 1_000_000, 5_000_000, 20_000_000)
DAY_BUCKETS = (1, 5, 10, 20, 40)


def _bucket_labels(limits: Sequence[int], fmt: str) -> list[str]:
    labels = [f"dưới {fmt.format(num(limits[0]))}"]
    labels += [f"{num(lo)}–{fmt.format(num(hi))}" for lo, hi in pairwise(limits)]
    labels.append(f"từ {fmt.format(num(limits[-1]))}")
    return labels


def _histogram(values: Iterable[float], limits: Sequence[int]) -> list[int]:
    counts = [0] * (len(limits) + 1)
    for v in values:
        counts[next((i for i, limit in enumerate(limits) if v < limit), len(limits))] += 1
    return counts


RECHECK_AFTER_DAYS = 183
"""A record not read from or checked against its source for this long is due a new look (about six months)."""


def _currency_line(site: Site, codes: set[str]) -> str:
    """How many records in force were read or checked against their source lately, and the one longest unchecked."""
    last = {code: site.catalogue.procedures[code].provenance.last_checked for code in codes}
    recent = sum((site.data.as_of - d).days <= RECHECK_AFTER_DAYS for d in last.values())
    oldest = min(sorted(last), key=last.__getitem__)
    return (f"- Đọc hoặc đối chiếu với nguồn trong {RECHECK_AFTER_DAYS} ngày qua: {num(recent)}/{num(len(last))} thủ "
            f"tục; lâu nhất: {site.procedure_link(oldest, '', oldest)} ({day(last[oldest])})")


def dashboard(site: Site) -> tuple[str, dict[str, str]]:
    """The dashboard page and its SVG charts (file name → SVG text)."""
    procedures = site.catalogue.procedures
    # An abolished record keeps its page, not a place in the figures: nobody does that procedure any more.
    current = set(in_force(procedures))
    analyses = [a for code, a in site.data.analyses.items() if code in current]
    abolished = len(procedures) - len(analyses)
    svgs: dict[str, str] = {}
    out = [front_matter("Tổng quan"), "# Tổng quan danh mục", "",
           f"Số liệu tính theo tham số có hiệu lực ngày {day(site.data.as_of)}; thời gian và chi phí dựa trên "
           "các bước và số hồ sơ mỗi năm, trong đó có phần ước tính.", ""]
    found = Opportunities()
    for a in analyses:
        found.add(Contribution.of(procedures[a.code], a))
    twice = found.annual_cost_vnd - found.total_annual_cost_vnd
    out += [
        f"- Số thủ tục: **{num(len(analyses))}**"
        + (f" (và {num(abolished)} thủ tục đã bãi bỏ, giữ trang để tra cứu)" if abolished else "")
        + f"; lĩnh vực: {num(len(site.by_field))}; "
        f"cơ quan đang hoạt động: {num(sum(map(site.working, site.catalogue.agencies.values())))}",
        f"- Tổng chi phí tuân thủ ước tính mỗi năm: **{large_money(found.total_annual_cost_vnd)}**"
        + (f" (mỗi trường hợp tính một lần: đã trừ {large_money(twice)} tính trùng, xem bảng dưới)" if twice else ""),
        f"- Số phát hiện khi rà soát: {num(sum(len(a.findings) for a in analyses))}",
        _currency_line(site, current), "",
    ]
    if twice:
        rows = [[site.procedure_link(whole, ""), ", ".join(site.procedure_link(c, "", c) for c, _ in parts),
                 vnd(sum(amount for _, amount in parts))] for whole, parts in found.counted_twice.items()]
        out += ["Số hồ sơ công bố của một số thủ tục đã gồm các trường hợp làm theo thủ tục khác (liên thông, lưu động): "
                "tổng trên tính các trường hợp đó một lần, theo chi phí của thủ tục đã thực sự làm.", "",
                table(["Thủ tục có số hồ sơ gồm cả", "Các trường hợp của", "Đã trừ khỏi tổng"], rows,
                      "Phần tính trùng đã trừ khỏi tổng chi phí của danh mục"), ""]

    def chart(name: str, title: str, svg: str, caption: str) -> None:
        svgs[name] = svg
        out.extend([f"## {title}", "", f'<figure class="tthc-chart"><img src="{CHARTS}/{name}" alt="{h(caption)}">'
                    f"<figcaption>{h(caption)}</figcaption></figure>", ""])

    labels = _bucket_labels(COST_BUCKETS_VND, "{} đ")
    counts = _histogram((a.cost.per_case_vnd for a in analyses), COST_BUCKETS_VND)
    chart("chi-phi-mot-lan.svg", "Phân bố chi phí một lần thực hiện",
          charts.bar_chart("Số thủ tục theo chi phí một lần thực hiện", labels, counts, num),
          "Số thủ tục theo khoảng chi phí tuân thủ một lần thực hiện")
    labels = _bucket_labels(DAY_BUCKETS, "{} ngày")
    counts = _histogram((a.metrics.elapsed_working_days.likely for a in analyses), DAY_BUCKETS)
    chart("thoi-gian.svg", "Phân bố thời gian giải quyết",
          charts.bar_chart("Số thủ tục theo thời gian giải quyết (ngày làm việc, khả dĩ nhất)", labels, counts, num),
          "Số thủ tục theo khoảng thời gian giải quyết tính theo các bước")

    by_rule: Counter[str] = Counter()
    rule_saving: Counter[str] = Counter()
    rule_days: defaultdict[str, float] = defaultdict(float)  # some fixes save time, not money (a step removed)
    for a in analyses:
        for f in a.findings:
            by_rule[f.rule] += 1
            rule_saving[f.rule] += f.annual_saving_vnd
            rule_days[f.rule] += f.saving_working_days
    if by_rule:
        top = by_rule.most_common(10)
        chart("phat-hien.svg", "Những trùng lặp, thừa thường gặp",
              charts.bar_chart("Số phát hiện theo quy tắc rà soát", [RULE_TITLES[r] for r, _ in top],
                               [n for _, n in top], num),
              "Số phát hiện theo quy tắc rà soát, nhiều nhất trước")
        rows = [[md(RULE_TITLES[r]), num(n), vnd(rule_saving[r]), num(rule_days[r])] for r, n in top]
        out += [table(["Quy tắc", "Số phát hiện", "Tiết kiệm ước tính mỗi năm",
                       "Ngày làm việc rút ngắn (cộng các thủ tục)"], rows), ""]

    top_cost = sorted(analyses, key=lambda a: -a.cost.annual_cost_vnd)[:10]
    if top_cost:
        out += ["## Thủ tục tốn kém nhất mỗi năm", ""]
        rows = [[site.procedure_link(a.code, ""), vnd(a.cost.per_case_vnd), vnd(a.cost.annual_cost_vnd)]
                for a in top_cost]
        out += [table(["Thủ tục", "Chi phí một lần", "Chi phí một năm"], rows), ""]

    out += _changes_ahead(site)
    out += ["## Phương án đơn giản hóa {#phuong-an-don-gian-hoa}", ""]
    plans = site.data.plans
    if plans:
        status = {e.proposal.id: e.proposal.status for entries in site.data.plan_entries.values() for e in entries}
        done = [plan for plan in plans if status.get(plan.proposal_id) == "implemented"]
        total_saving = sum(plan.saving_vnd_per_year for plan in plans)
        out += [f"Tổng tiết kiệm ước tính của {num(len(plans))} phương án: **{large_money(total_saving)} mỗi năm**"
                + (f", trong đó {num(len(done))} phương án đã thực hiện: "
                   f"{large_money(sum(plan.saving_vnd_per_year for plan in done))} mỗi năm. Chi phí của các thủ tục "
                   "có phương án đã thực hiện (ở trên và trên trang từng thủ tục) tính theo bản ghi trong danh mục, "
                   "có thể còn là quy trình trước phương án." if done else "."), ""]
        chart("tiet-kiem.svg", "Tiết kiệm theo phương án",
              charts.bar_chart("Tiết kiệm mỗi năm theo phương án (đồng)", [plan.title for plan in plans],
                               [plan.saving_vnd_per_year for plan in plans], vnd),
              "Chi phí tuân thủ tiết kiệm mỗi năm của từng phương án")
        rows = []
        for plan in plans:
            codes = ", ".join(site.procedure_link(c.code, "", c.code) for c in plan.procedures)
            state = status.get(plan.proposal_id)
            rows.append([md(plan.title), md(PROPOSAL_STATUS_VI[state]) if state else "", codes,
                         vnd(plan.annual_before_vnd), vnd(plan.annual_after_vnd), vnd(plan.saving_vnd_per_year),
                         percent(plan.cost_cut_rate)])
        out += [table(["Phương án", "Tình trạng", "Thủ tục", "Chi phí trước (năm)", "Chi phí sau (năm)", "Tiết kiệm",
                       "Tỷ lệ cắt giảm"], rows), ""]
    else:
        out += ["Chưa có phương án đơn giản hóa nào trong danh mục.", ""]
    return "\n".join(out), svgs


def _changes_ahead(site: Site) -> list[str]:
    """The legal changes announced for after the site's day, each with the procedures it will touch: what staff
    prepare for (records to update, applicants to tell)."""
    touched: dict[str, list[str]] = {}
    changes: dict[str, LegalChange] = {}
    for code, amendments in sorted(site.data.ahead.items()):
        for amendment in amendments:
            changes[amendment.change.id] = amendment.change
            touched.setdefault(amendment.change.id, []).append(code)
    if not changes:
        return []
    rows = [[md(c.title), day(c.effective), ", ".join(site.procedure_link(code, "", code) for code in touched[c.id])]
            for c in sorted(changes.values(), key=lambda c: (c.effective, c.id))]
    return ["## Thay đổi pháp luật sắp có hiệu lực", "",
            "Các thay đổi đã công bố (`data/changes/`) có hiệu lực sau ngày trên; trang của từng thủ tục nêu thay đổi gì.",
            "", table(["Thay đổi", "Hiệu lực", "Thủ tục bị ảnh hưởng"], rows), ""]


# ---- the whole set ------------------------------------------------------------------------------------------


def generate(data: SiteData) -> dict[str, str]:
    """Every generated file of the site: path relative to the docs folder → text."""
    # Imported here: the re-analysis page builds on this module's helpers.
    from catalogue.site.reanalysis import REPORTS, ahead_notice, amendment_notice, procedure_notices, reanalysis_page

    site = Site.index(data)
    report = data.reanalysis
    notices = procedure_notices(report)
    pages: dict[str, str] = {}
    for code in sorted(site.catalogue.procedures):
        # A carried-out plan's notice already says the page may show the process before it: one warning is enough.
        notice = "\n\n".join(n for n in (implemented_notice(data.plan_entries.get(code, ()))
                                          or status_notice(site.catalogue.procedures[code], site),
                                          amendment_notice(data.amendments.get(code, ()), data.as_of),
                                          ahead_notice(data.ahead.get(code, ()), data.as_of),
                                          notices.get(code, "")) if n)
        pages[f"{PROCEDURES}/{code}.md"] = procedure_page(code, site, notice)
        for replaced in site.catalogue.procedures[code].replaces:
            if replaced not in site.catalogue.procedures:  # an abolished record kept in the catalogue has its own page
                pages[f"{PROCEDURES}/{replaced}.md"] = replaced_page(replaced, site.catalogue.procedures[code])
    pages[f"{PROCEDURES}/index.md"] = procedures_index(site)
    for name in site.by_field:
        pages[f"{FIELDS}/{site.field_slugs[name]}.md"] = field_page(name, site)
    pages[f"{FIELDS}/index.md"] = fields_index(site)
    for level in LEVEL_LABELS_VI:
        pages[f"{LEVELS}/{level}.md"] = level_page(level, site)
    pages[f"{LEVELS}/index.md"] = levels_index(site)
    for agency_id in site.catalogue.agencies:
        pages[f"{AGENCIES}/{agency_id}.md"] = agency_page(agency_id, site)
    pages[f"{AGENCIES}/index.md"] = agencies_index(site)
    page, svgs = dashboard(site)
    pages[DASHBOARD] = page
    pages.update({f"{CHARTS}/{name}": svg for name, svg in svgs.items()})
    pages[SEARCH] = search_page()
    if report is not None:
        pages[REANALYSIS] = reanalysis_page(report, site.catalogue, data.other_reports)
        for name, other in data.other_reports:
            pages[f"{REPORTS}/{name}.md"] = reanalysis_page(other, site.catalogue, here=REPORTS)
    return pages
