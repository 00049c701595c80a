"""`tthc list`, `tthc show`, `tthc schema`: read the catalogue from the terminal."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Column, Table

from analysis.metrics import agency_papers
from catalogue.batch.changes import amended_catalogue, amendment_lines, catalogue_with_changes
from catalogue.commands.options import DATA, LAW_AS_OF, parse_day, procedure_or_exit
from catalogue.console import console, fee_amount, figures, num, procedure_status, time_limit
from catalogue.store import open_catalogue
from models.catalogue import in_force
from models.common import CHECK_RESULT_VI, LEVEL_LABELS_VI, fold
from models.procedure import CHANNEL_LABELS_VI, ONLINE_LABELS_VI, STEP_KIND_LABELS_VI, Procedure

WORD = re.compile(r"\w+")


def matches(p: Procedure, text: str | None, field: str | None, level: str | None, agency: str | None) -> int:
    """0 when `p` fails a filter; else how well it matches `text`: 2 when the query's words start consecutive words
    of the name or of a common name («so do» in «mất sổ đỏ»), 1 when they start words anywhere in the code, name
    and field (short Vietnamese syllables meet by chance: «số», «đối»). A common name counts only as a phrase: its
    words mixed with the name's would make «sổ hồng» answer «kết hôn»."""
    if field and fold(field) not in fold(p.field):
        return 0
    if level and level not in p.levels:
        return 0
    roles = p.agencies
    if agency and agency not in {*roles.competent, *roles.implementing, *roles.coordinating, *(s.actor for s in p.steps)}:
        return 0
    if not text:
        return 1
    query = WORD.findall(fold(text))
    for name in (p.name, *p.also_known_as):
        w = WORD.findall(fold(name))
        if any(all(a.startswith(q) for a, q in zip(w[i:], query, strict=False)) for i in range(len(w) - len(query) + 1)):
            return 2
    # Each word of the query starts a word of the record: "hon" finds «kết hôn», not «không».
    words = WORD.findall(fold(f"{p.code} {p.name} {p.field}"))
    return int(all(any(w.startswith(q) for w in words) for q in query))


def level_named(text: str) -> str:
    """A level given as its id or its Vietnamese name, with or without «cấp» and diacritics ("xa", "Cấp tỉnh")."""
    wanted = fold(text).strip().removeprefix("cap ").strip()
    for level, label in LEVEL_LABELS_VI.items():
        if wanted in (level, fold(label).removeprefix("cap ")):
            return level
    choices = ", ".join(f"{level} ({label})" for level, label in LEVEL_LABELS_VI.items())
    raise typer.BadParameter(f"không có cấp «{text}»; chọn một trong: {choices}", param_hint="--level")


def register(app: typer.Typer) -> None:
    @app.command("list")
    def list_(
        text: str = typer.Argument(None, help='Từ cần tìm trong mã, tên, tên gọi thông dụng («sổ đỏ») hoặc lĩnh vực; có dấu hay không dấu đều được ("dang ky ket hon").'),
        field: str = typer.Option(None, help="Lĩnh vực, ví dụ 'Hộ tịch'."),
        level: str = typer.Option(None, help="Cấp: central, province, district, commune, hoặc «xã», «Cấp tỉnh»…"),
        agency: str = typer.Option(None, help="Mã cơ quan, ví dụ ubnd-xa."),
        checked_before: str = typer.Option(
            None, metavar="YYYY-MM-DD",
            help="Chỉ các thủ tục chưa được đọc hoặc đối chiếu với nguồn từ ngày này, lâu nhất trước: danh sách cần xem lại."),
        data: Path = DATA,
        as_of: str = LAW_AS_OF,
    ) -> None:
        """Liệt kê thủ tục: lọc theo lĩnh vực, cấp, cơ quan và từ khóa."""
        due = parse_day(checked_before, "--checked-before")
        cat = catalogue_with_changes(open_catalogue(data), data, parse_day(as_of, "--as-of") or date.today())
        level = level and level_named(level)
        if agency and agency not in cat.agencies:
            raise typer.BadParameter(f"không có cơ quan «{agency}» trong danh mục; ví dụ: "
                                     f"{', '.join(sorted(cat.agencies)[:8])}", param_hint="--agency")
        table = Table(Column("Mã", no_wrap=True), Column("Tên thủ tục", ratio=4), Column("Lĩnh vực", ratio=2),
                      Column("Cấp", ratio=2), figures("Thời hạn"), expand=True,
                      caption="Thời hạn giải quyết theo quy định, ngày làm việc", caption_justify="left")
        scored = [(score, p) for p in cat.procedures.values() if (score := matches(p, text, field, level, agency))]
        order = lambda sp: (-sp[0], sp[1].code)  # noqa: E731  the closest matches first
        if due:
            table.add_column("Đối chiếu lần cuối", no_wrap=True)
            current = set(in_force(cat.procedures))
            scored = [(s, p) for s, p in scored if p.provenance.last_checked < due and p.code in current]
            order = lambda sp: (sp[1].provenance.last_checked, sp[1].code)  # noqa: E731
        for _, p in sorted(scored, key=order):
            name = escape(p.name) + (f"\n[dim]Còn gọi: {escape(', '.join(p.also_known_as))}[/dim]" if p.also_known_as else "")
            row = [escape(p.code), name, escape(p.field), ", ".join(LEVEL_LABELS_VI[lv] for lv in p.levels), time_limit(p.main_channel.time_limit, unit=False)]
            table.add_row(*row, *([f"{p.provenance.last_checked:%d/%m/%Y}"] if due else []))
        console.print(table)
        console.print(f"{len(scored)} thủ tục")

    @app.command()
    def show(
        code: str = typer.Argument(..., help="Mã thủ tục, ví dụ 1.001193."), data: Path = DATA,
        as_of: str = LAW_AS_OF,
    ) -> None:
        """Xem một thủ tục: tóm tắt dễ đọc."""
        day = parse_day(as_of, "--as-of") or date.today()
        whole = open_catalogue(data)
        amended = amended_catalogue(whole, data, day, [code])
        cat = amended.catalogue
        p = procedure_or_exit(cat, code, data)
        agencies = cat.agencies
        name = lambda aid: agencies[aid].name if aid in agencies else aid  # noqa: E731
        console.print(f"[bold]{escape(p.code)} · {escape(p.name)}[/bold]")
        if p.also_known_as:
            console.print(f"Tên gọi thông dụng: {', '.join(p.also_known_as)}", markup=False)
        console.print(f"Lĩnh vực: {p.field} · Cấp: {', '.join(LEVEL_LABELS_VI[lv] for lv in p.levels)} · DVC trực tuyến: "
                      f"{ONLINE_LABELS_VI[p.online]} · Tình trạng: {procedure_status(p, whole.procedures)}", markup=False)
        console.print(f"Cơ quan có thẩm quyền: {', '.join(name(a) for a in p.agencies.competent)}", markup=False)
        for line in amendment_lines(amended, code, day):  # the record at its source differs from what is shown
            console.print(line, markup=False)
        channels = Table("Cách thức", "Thời hạn", "Phí, lệ phí", title="Cách thức thực hiện")
        for c in p.channels:
            channels.add_row(CHANNEL_LABELS_VI[c.kind], time_limit(c.time_limit), escape("; ".join(f"{f.name}: {fee_amount(f)}" for f in c.fees)) or "Không")
        console.print(channels)
        docs = Table("Giấy tờ", "Bản chính", "Bản sao", "Sao y chứng thực", "Mẫu", title="Thành phần hồ sơ")
        made = agency_papers(p)
        made_ids = {d.id for d in made}
        for d in p.documents:
            if d.id not in made_ids:
                docs.add_row(escape(d.name + (f" ({d.case})" if d.case else "")), str(d.originals), str(d.copies),
                             str(d.certified_copies), escape(d.form or ""))
        console.print(docs)
        if made:
            console.print("Giấy tờ do cơ quan lập trong quá trình giải quyết (không phải nộp): "
                          + "; ".join(d.name for d in made), markup=False)
        steps = Table("#", "Bước", "Ai làm", "Loại", "Ngày LV (thấp/khả dĩ/cao)", "Sau bước", title="Trình tự thực hiện")
        number = {s.id: i for i, s in enumerate(p.steps, 1)}  # steps are named by their number, as on the site
        for i, s in enumerate(p.steps, 1):
            days = s.duration
            who = "Người nộp hồ sơ" if s.actor == "applicant" else name(s.actor)
            estimate = "*" if s.origin == "estimate" else ""
            steps.add_row(str(i), escape(s.name), escape(who), STEP_KIND_LABELS_VI[s.kind],
                          f"{num(days.low)} / {num(days.likely)} / {num(days.high)}{estimate}",
                          ", ".join(str(number[a]) for a in s.after))
        console.print(steps)
        console.print("* thời gian ước tính của biên tập viên danh mục, không do nguồn công bố")
        console.print("Căn cứ pháp lý: " + "; ".join(c.ref + (f" ({', '.join(c.articles)})" if c.articles else "") for c in p.legal_basis), markup=False)
        console.print("Nguồn: " + "; ".join(f"{s.url} (truy cập {s.retrieved:%d/%m/%Y})" for s in p.provenance.sources), markup=False)
        for check in p.provenance.checked:
            console.print(f"Đối chiếu với nguồn ngày {check.day:%d/%m/%Y}: {CHECK_RESULT_VI[check.result]} ({check.against})", markup=False)

    @app.command()
    def schema(out: Path = typer.Option(None, "--out", help="Ghi vào tệp này thay vì in ra.")) -> None:
        """JSON Schema của tệp thủ tục, cho trình soạn thảo gợi ý khi viết YAML."""
        text = json.dumps(Procedure.model_json_schema(), ensure_ascii=False, indent=2) + "\n"
        if out is None:
            console.print(text, markup=False, soft_wrap=True)
        else:
            from catalogue.files import write_atomic

            write_atomic(out, text.encode())
