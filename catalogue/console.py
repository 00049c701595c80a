"""Text shared by the commands, reports and pages: terminal consoles, numbers and money as Vietnamese write them,
simplification operations in words."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Column
from rich.text import Text

from analysis.proposals import by_post
from models.catalogue import Catalogue, index_of, successor_of
from models.findings import Saving
from models.procedure import FEE_PER_VI, PROCEDURE_STATUS_VI, Fee, Procedure, TimeLimit
from models.proposal import LEGAL_ACTION_VI, OPERATION_LABELS_VI, Comparison, LegalChange, Operation, PlanComparison

console = Console(highlight=False, soft_wrap=True)
errors = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
"""Messages about bad input or failures: they quote the input and catalogue text, never read as markup."""


def num(value: float | int | Decimal) -> str:
    """A number as Vietnamese write it: comma for decimals, dot for thousands (`1.234,5`)."""
    if isinstance(value, Decimal):
        value = float(value)
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    whole, _, decimals = f"{value:,.2f}".rstrip("0").partition(".")
    return whole.replace(",", ".") + ("," + decimals if decimals else "")


def time_cuts(c: Comparison | PlanComparison) -> str:
    """The cut in the legal time limit, which the target judges, with the steps' estimated time beside it."""
    return (f"thời hạn giải quyết {percent(c.time_limit_cut_rate)} "
            f"(thời gian theo các bước, ước tính: {percent(c.time_cut_rate)})")


def over_limit_warning(c: Comparison) -> str:
    """The warning for a plan whose new time limit its own process cannot keep (`Comparison.over_limit_after_days`)."""
    limit = c.row("time_limit_working_days").after
    return (f"Cảnh báo ({c.code}): sau phương án, phần việc của cơ quan theo các bước cần khoảng "
            f"{num(limit + c.over_limit_after_days)} ngày làm việc, dài hơn thời hạn {num(limit)} ngày làm việc: "
            "rút ngắn các bước tương ứng, hoặc đặt thời hạn giữ được.")


def percent(rate: Decimal | float | int) -> str:
    """A rate as a percentage with one decimal, half rounded up like every other figure of tthc: the terminal, the
    Word plan and the site print the same text for the same rate (0,6445 → 64,5%, 0,3 → 30,0%).

    >>> percent(Decimal("0.6445")), percent(Decimal("0.3")), percent(Decimal("-0.0125"))
    ('64,5%', '30,0%', '-1,3%')
    """
    exact = Decimal(str(rate)) * 100
    return f"{exact.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%".replace(".", ",")


def quantity(value: float | int | Decimal, unit: str) -> str:
    """A number with its unit as the parameter registry names it: `30.682 đồng/giờ`, `40 phút`."""
    return f"{num(value)} {unit}".strip()


def number(value: int | float, unit: str) -> str:
    """A figure of a comparison row in its unit: money as `vnd`, anything else as `num`."""
    return vnd(value) if unit == "đồng" else num(value)


def figures(header: str) -> Column:
    """A table column of numbers or money: right-aligned, never wrapped nor cut short with "…" (on a narrow
    terminal the text columns wrap instead: a figure read as 69.506.016.6… đ is no figure)."""
    return Column(header, justify="right", no_wrap=True)


def removed_steps(names: Sequence[str]) -> str:
    """The caption's clause naming the steps a plan removed (`names` already quoted for the medium), or ""."""
    return f"; bỏ {len(names)} bước: " + "; ".join(names) if names else ""


def clip(text: str, width: int = 90) -> str:
    """`text` cut to `width` characters, an ellipsis saying it was cut.

    >>> clip("Đăng ký biến động quyền sử dụng đất", 20)
    'Đăng ký biến động q…'
    """
    return text if len(text) <= width else text[:width - 1] + "…"


def procedure_status(p: Procedure, procedures: Mapping[str, Procedure]) -> str:
    """«Đang áp dụng», «Đã được sửa đổi», or «Đã bãi bỏ; thay bằng <code> · <name>» when a record of `procedures`
    (the whole catalogue) replaced it."""
    successor = successor_of(procedures, p.code) if p.status == "abolished" else None
    text = PROCEDURE_STATUS_VI[p.status]
    return f"{text}; thay bằng {successor} · {index_of(procedures, successor).name}" if successor else text


def vnd(amount: int | float) -> str:
    """Money as Vietnamese write it: 1.234.567 đ."""
    return f"{round(amount):,} đ".replace(",", ".")


# Vietnamese dictionary order: the letters, with ă â đ ê ô ơ ư as letters of their own, then the tones (none, huyền,
# hỏi, ngã, sắc, nặng) only where the letters are the same. Code-point order puts «Đ» and «Ủ» after «Z».
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vietnamese_order(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    """A sort key that orders Vietnamese text as a dictionary does.

    >>> sorted(["Đất đai", "Chứng thực", "Cấp giấy", "Đăng ký", "Ủy ban", "Văn phòng"], key=vietnamese_order)
    ['Cấp giấy', 'Chứng thực', 'Đăng ký', 'Đất đai', 'Ủy ban', 'Văn phòng']
    """
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFD", text.casefold()):
        if char in _TONES:
            tones[-1:] = [_TONES[char]]
        elif unicodedata.combining(char) and letters:  # breve, circumflex, horn: a different letter
            base = _ALPHABET[letters[-1][1]] if letters[-1][0] else ""
            rank = _ALPHABET.find(unicodedata.normalize("NFC", base + char)) if base else -1
            if rank >= 0:
                letters[-1] = (1, rank)
        else:
            rank = _ALPHABET.find(char)
            letters.append((1, rank) if rank >= 0 else (0, ord(char)))
            tones.append(0)
    return letters, tones


def time_limit(limit: TimeLimit, unit: bool = True) -> str:
    """A legal time limit as people read it: «5 ngày làm việc» (or «5» in a column that names its unit), «trong
    ngày» for a limit under a working day (records write 0 for «ngay khi tiếp nhận» or «1 giờ»; the limit's own text
    says which), and «không có» for a declaration that gets no result.

    >>> time_limit(TimeLimit(working_days=5)), time_limit(TimeLimit(working_days=0, no_result=True))
    ('5 ngày làm việc', 'không có (không trả kết quả)')
    """
    if limit.no_result:
        return "không có (không trả kết quả)" if unit else "không có"
    if not limit.working_days:
        return "trong ngày"
    return f"{num(limit.working_days)} ngày làm việc" if unit else num(limit.working_days)


def fee_amount(fee: Fee) -> str:
    """What a fee costs, as a page or table states it: the rate and its unit for a fee charged per copy or page
    (8.000 đ/bản), with what the usual case pays. A fee of 0 đ reads «0 đ», never «miễn»: records also write 0 for a
    charge the province sets (lệ phí do HĐND cấp tỉnh quy định), and the fee's note, shown beside it, says which."""
    if fee.per == "case":
        if fee.quantity == 1 or fee.amount_vnd == 0:
            return vnd(fee.amount_vnd)
        return f"{vnd(fee.amount_vnd)}/hồ sơ × {fee.quantity} = {vnd(fee.total_vnd)}"
    rate = f"{vnd(fee.amount_vnd)}/{FEE_PER_VI[fee.per]}"
    if not fee.quantity:
        return f"{rate} (trường hợp thông thường không phát sinh)"
    return f"{rate} × {fee.quantity} {FEE_PER_VI[fee.per]} = {vnd(fee.total_vnd)} (trường hợp thông thường)"


class RateColumn(ProgressColumn):
    """Analyses per second."""

    def render(self, task: Task) -> Text:
        # rich needs two samples for a speed: a batch that lands in one chunk has one, so fall back to the average.
        speed = task.finished_speed or task.speed or (task.completed / task.elapsed if task.elapsed else None)
        return Text(f"{speed:,.0f} thủ tục/s" if speed else "— thủ tục/s", style="progress.data.speed")


@contextmanager
def progress_bar(total: int, label: str, out: Console = errors) -> Iterator[Callable[[int], None]]:
    """A bar for long batch work, on stderr (stdout stays for results), with procedures a second and time left.

    Yields `advance(n)`. The bar is redrawn when it advances, not by rich's refresh thread: the batch forks its
    worker processes while the bar is shown, and a fork beside a running thread can leave the child waiting on a
    lock that thread held (Python 3.12+ warns of it). With nothing to do, no bar is shown."""
    if total == 0:
        yield lambda n: None
        return
    with Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
        RateColumn(), TimeElapsedColumn(), TimeRemainingColumn(), console=out, transient=False, auto_refresh=False,
    ) as progress:
        task = progress.add_task(label, total=total)

        def advance(n: int) -> None:
            progress.advance(task, n)
            progress.refresh()

        yield advance


def saving_parts(saving: Saving) -> str:
    """What a saving per case is made of, the parts that are not zero: «thời gian 64.252 đ, chi phí khác −8.000 đ»
    (a suggestion that sends the result by post saves the trips and adds the postage).

    >>> saving_parts(Saving(working_days_likely=0, per_case_vnd=56252, annual_vnd=0, time_vnd=84252, other_vnd=-28000))
    'thời gian 84.252 đ, chi phí khác −28.000 đ'
    """
    parts = [("thời gian", saving.time_vnd), ("phí, lệ phí", saving.fees_vnd), ("chi phí khác", saving.other_vnd)]
    return ", ".join(f"{name} {vnd(amount).replace('-', '−')}" for name, amount in parts if amount)


def legal_text(change: LegalChange) -> str:
    """`123/2015/NĐ-CP, Điều 9 (sửa đổi): Cho nộp hồ sơ trực tuyến.`"""
    where = "".join(f", {a}" for a in change.articles)
    head = f"{change.ref}{where} ({LEGAL_ACTION_VI[change.action].lower()})"
    return f"{head}: {change.text}" if change.text else head


def describe_operation(op: Operation, before: Procedure, catalogue: Catalogue) -> str:
    """One simplification operation in words, naming the steps and documents of `before` and the agencies by their
    names."""

    def step(step_id: str) -> str:
        try:
            return before.step(step_id).name
        except KeyError:
            return step_id

    def doc(document_id: str) -> str:
        try:
            return before.document(document_id).name
        except KeyError:
            return document_id

    label = OPERATION_LABELS_VI[op.op]
    match op.op:
        case "remove_step":
            return f"{label}: «{step(op.step)}»"
        case "merge_steps":
            return f"{label}: " + ", ".join(f"«{step(s)}»" for s in op.steps)
        case "parallelize":
            return f"{label}: «{step(op.step)}» không phải chờ «{step(op.after)}»"
        case "stop_waiting":
            return f"{label}: «{step(op.step)}»"
        case "drop_document" | "accept_plain_copy":
            return f"{label}: «{doc(op.document)}»"
        case "obtain_from_state":
            agency = catalogue.agencies.get(op.agency) if op.agency else None
            where = op.database or (agency.name if agency else op.agency) or "cơ quan nhà nước"
            return f"{label}: «{doc(op.document)}» (khai thác từ {where})"
        case "go_online":
            named = [s for s in before.steps if s.id in op.steps]
            posted = by_post(named, before.results, before.steps, before.documents)
            return label + (": " + ", ".join(
                f"«{step(s)}»" + (" (qua bưu chính)" if s in posted else "") for s in op.steps) if op.steps else "")
        case "one_desk":
            return f"{label}: tiếp nhận và trả kết quả tại {op.desk}"
        case "shorten_time_limit":
            return f"{label}: còn {num(op.working_days)} ngày làm việc"
        case "change_fee":
            return f"{label}: {op.fee} còn {vnd(op.amount_vnd)}" if op.amount_vnd else f"{label}: miễn {op.fee}"
        case "lower_frequency":
            return f"{label}: còn {op.frequency_per_subject} lần/năm"
        case "change_subjects":
            return f"{label}: còn {op.subjects_per_year:,} đối tượng/năm".replace(",", ".")
    return label
