"""The workshop mode: the facilitator's panel, the projector, and the participant view.

The facilitator's panel lives inside the app (the "Workshop" button), in the order of use:
the agenda, the live session that participants join with a short code (its address in
large type with a QR code, the one the room can reach), the timer that runs through the
agenda, the questions, the answers and the parking lot. The projector shows the current
agenda item, its question and, once revealed, the team's answers in large type.
Participants scan the code, type it under "Join a workshop" on the start page, or open
``/join/CODE`` (the address on the facilitator's screen), which opens that workshop and nothing
else (see :mod:`workbook.join`); they answer one move at a time and see only their own answers
until the facilitator reveals the team's.

Everything is kept in the store: a page that reloads finds its session, its clock and its
answers again. Both sides poll the store on the kernel's event loop, once a second, with
one indexed query; they re-read the session only when its version number has changed.
"""

from __future__ import annotations

import datetime as dt
import html
import ipaddress
import logging
import os
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import ipywidgets as W
import segno

from workbook.analysis.workshop import (
    EstimateSummary,
    Summary,
    ValuesSummary,
    VoteSummary,
    summarize,
)
from workbook.content import WorkshopContent, load_content, load_workshop_content
from workbook.errors import WorkbookError
from workbook.model import AgendaItem, AmountRange, Estimate, ParkingItem, ProbabilityRange, Range
from workbook.store import SERVE_IP_ENV, PlanStore
from workbook.ui.forms import (
    Column,
    ParseError,
    RangeRow,
    RangeValues,
    RowTable,
    close_tree,
    format_number,
    grid_template,
    parse_number,
    range_grid,
)
from workbook.ui.kit import make
from workbook.ui.plot import FigureView
from workbook.ui.session import PlanSession, Scheduler, Timer
from workbook.ui.style import paragraphs_html
from workbook.workshop import (
    JOIN_BASE_ENV,
    WORKSHOP_PARTICIPANT,
    AnswerError,
    AnswerRecord,
    Clock,
    ClockReading,
    EstimatePrompt,
    JoinError,
    PlanChange,
    PrioritiesPrompt,
    Prompt,
    ValuesPrompt,
    WorkshopSession,
    agenda_minutes,
    answers_by_prompt,
    candidate_prompts,
    check_joinable,
    estimates_change,
    format_seconds,
    next_item,
    normalize_code,
    participant_name,
    pause,
    previous_item,
    priorities_change,
    priorities_prompt,
    priority_candidates,
    prompt_section,
    prompt_subject,
    read_answers,
    read_clock,
    start,
    values_change,
    with_prompt,
)

if TYPE_CHECKING:
    from workbook.ui.shell import Shell

log = logging.getLogger(__name__)

WORKSHOP = "workshop"
"""The key under which the app shows the facilitator's panel (``?section=workshop``)."""

POLL_SECONDS = 1.0
"""How often an open workshop page looks for new answers and a moving clock."""

INK = "var(--jp-ui-font-color1, #1f2933)"
MUTED = "var(--jp-ui-font-color2, #5f6b7a)"
LINE = "var(--jp-border-color2, #d9dee5)"
ACCENT = "var(--jp-brand-color1, #1f5fa8)"
WARN = "var(--jp-warn-color1, #a15c00)"
ERROR = "var(--jp-error-color1, #b42318)"
OK = "var(--jp-success-color1, #1e7b4d)"

PROJECTOR_CSS = """<style>
.nw-projector { padding: 20px 32px 40px 32px; min-height: 92vh; box-sizing: border-box;
  background: var(--jp-layout-color0, #fff); color: var(--jp-ui-font-color1, #1f2933); }
.nw-projector.nw-projector-dark, body:has(.nw-projector-dark) {
  --jp-layout-color0: #101317; --jp-layout-color1: #181c22; --jp-layout-color2: #262c35;
  --jp-layout-color3: #3a4350; --jp-ui-font-color1: #eef1f5; --jp-ui-font-color2: #b8c2cf;
  --jp-border-color1: #4a5462; --jp-border-color2: #3a4350; --jp-brand-color1: #6ea8ff;
  --jp-warn-color1: #f0a742; --jp-success-color1: #5fc48b; }
body:has(.nw-projector) .jp-MarkdownCell { display: none; }
body:has(.nw-projector-dark) { background: #101317; }
</style>"""
"""The projector's own look: it follows the page's theme, or is dark when asked."""

PARTICIPANT_CSS = """<style>
body:has(.nw-participant) .jp-MarkdownCell { display: none; }
</style>"""
"""A participant's page shows their workshop alone, not the app's introduction."""

QUANTITY_LABELS = {
    "gain": "our direct gain",
    "cooperation_probability": "chance the customer cooperates",
    "cooperation_value": "value if they cooperate",
    "retaliation_probability": "chance of retaliation",
    "retaliation_damage": "damage if they retaliate",
}


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def esc(text: object) -> str:
    """User or content text, escaped for HTML."""
    return html.escape(str(text))


def _note(text: str, color: str = MUTED, size: str = "13px") -> str:
    return f"<div style='color:{color};font-size:{size};line-height:1.4'>{esc(text)}</div>"


def _html(value: str = "", css: str | None = None) -> W.HTML:
    widget = make(W.HTML, value=value)
    if css:
        widget.add_class(css)
    return widget


def _button(
    label: str,
    action: Callable[[], Any],
    *,
    icon: str = "",
    style: str = "",
    css: str = "",
    tooltip: str = "",
) -> W.Button:
    button = W.Button(
        description=label,
        icon=icon,
        button_style=style,
        tooltip=tooltip,
        layout=W.Layout(width="auto"),
    )
    if css:
        button.add_class(css)
    button.on_click(lambda _b: action())
    return button


# --- the join address ---------------------------------------------------------------------


@dataclass(frozen=True)
class JoinAddress:
    """Where participants open the workshop, and whether other machines can reach it."""

    url: str
    reachable: bool
    note: str = ""

    @property
    def shown(self) -> str:
        """The address as people read and type it: without ``http://``."""
        return self.url.removeprefix("http://")


LOOPBACK_NOTE = (
    "Only this computer can open this address: the app is served on this machine alone. "
    "To let participants join from their laptops, stop the server, start it again with "
    "“negotiation-workbook serve --ip 0.0.0.0” (or with this machine's address on the "
    "room's network), and open the app by that address."
)
NO_NETWORK_NOTE = (
    "This computer has no network address that the room could reach. Connect it to the "
    "room's network and reload this page."
)


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _local_only(host: str) -> bool:
    ip = _ip(host)
    return host.lower() in ("localhost", "") or (ip is not None and ip.is_loopback)


def machine_address() -> str | None:
    """This machine's address on its network (the one its default route leaves by).

    A UDP socket that is connected but never used sends nothing; the system only picks
    the interface it would use.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # a documentation address: nothing is sent
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    ip = _ip(address)
    return address if ip is not None and not (ip.is_loopback or ip.is_unspecified) else None


def join_address(
    code: str,
    env: Mapping[str, str] | None = None,
    network: Callable[[], str | None] = machine_address,
) -> JoinAddress | None:
    """The address participants open for ``code``; None outside a served app.

    The page's own address when the facilitator opened it by one others can reach; the
    server's address when it listens on one; this machine's network address when it
    listens on all (``--ip 0.0.0.0``); else the loopback address, with a note saying
    that participants cannot reach it and what to do. Behind JupyterHub the path is the
    hub's (:data:`~workbook.workshop.JOIN_BASE_ENV`): each participant joins on their own
    server.
    """
    env = os.environ if env is None else env
    host, port = env.get("SERVER_NAME", ""), env.get("SERVER_PORT", "")
    if not host:
        return None
    bound = env.get(SERVE_IP_ENV, "")
    reachable, note = True, ""
    if _local_only(host) and not env.get(JOIN_BASE_ENV):  # behind a hub: the hub's address
        bound_ip = _ip(bound)
        if bound and not _local_only(bound) and not (bound_ip and bound_ip.is_unspecified):
            host = bound
        elif bound_ip is not None and bound_ip.is_unspecified:
            found = network()
            host, reachable = (found, True) if found else (host, False)
            note = "" if found else NO_NETWORK_NOTE
        else:
            reachable, note = False, LOOPBACK_NOTE
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    base = (env.get(JOIN_BASE_ENV) or env.get("SCRIPT_NAME", "/") or "/").rstrip("/")
    url = f"http://{host}{':' + port if port else ''}{base}/join/{quote(code)}"
    return JoinAddress(url, reachable, note)


def join_qr(url: str) -> segno.QRCode:
    """The QR code that opens ``url`` (medium error correction: a projector's glare)."""
    return segno.make(url, error="m", micro=False)


def join_qr_svg(url: str, width: str) -> str:
    """The QR code as inline SVG, dark on white whatever the theme, ``width`` wide."""
    svg = join_qr(url).svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True, svgclass="nw-join-qr-svg"
    )
    svg = svg.replace("<svg ", "<svg width='100%' height='100%' ", 1)
    return (
        f"<div class='nw-join-qr' title='{esc(url)}' style='width:{width};height:{width};"
        f"line-height:0;flex:none'>{svg}</div>"
    )


def join_html(code: str, address: JoinAddress | None, *, large: bool = False) -> str:
    """The code, the address in large type and its QR code side by side; the note below."""
    size = {"label": "20px", "code": "56px", "url": "34px", "qr": "220px"} if large else {
        "label": "12px", "code": "34px", "url": "20px", "qr": "132px"}  # fmt: skip
    label = f"font-size:{size['label']};color:{MUTED}"
    parts = [
        f"<div style='flex:none'><div style='{label}'>Join code</div>"
        f"<div class='nw-join-code-value' style='font-size:{size['code']};font-weight:700;"
        f"letter-spacing:4px;color:{INK};line-height:1.1'>{esc(code)}</div></div>"
    ]
    if address is not None:
        parts.append(
            f"<div style='flex:1 1 240px;min-width:0'><div style='{label}'>Participants open"
            f"</div><div class='nw-join-address' style='font-size:{size['url']};font-weight:600;"
            f"color:{INK if address.reachable else MUTED};overflow-wrap:anywhere;"
            f"line-height:1.2'>{esc(address.shown)}</div>"
            + (
                f"<div style='{label}'>or scan the code with a phone</div>"
                if address.reachable
                else ""
            )
            + "</div>"
        )
        if address.reachable:
            parts.append(join_qr_svg(address.url, size["qr"]))
    note = (
        f"<div class='nw-join-note' style='color:{WARN};font-size:{'18px' if large else '13px'};"
        f"line-height:1.4;margin-top:4px'>{esc(address.note)}</div>"
        if address is not None and address.note
        else ""
    )
    return (
        "<div class='nw-join' style='display:flex;flex-wrap:wrap;align-items:center;"
        f"gap:8px 28px;line-height:1.3'>{''.join(parts)}</div>{note}"
    )


# --- polling -----------------------------------------------------------------------------


class Ticker:
    """Calls ``fn`` every ``interval`` seconds through ``scheduler`` until stopped.

    Errors are logged, never shown; a scheduler that runs at once (no event loop) gets one
    call and no more, instead of an endless chain.
    """

    def __init__(self, scheduler: Scheduler, interval: float, fn: Callable[[], None]):
        self.scheduler, self.interval, self.fn = scheduler, interval, fn
        self._handle: Timer | None = None
        self._running = False
        self._in_tick = False

    @property
    def running(self) -> bool:
        """Whether ticks are scheduled."""
        return self._running

    def start(self) -> None:
        """Start ticking (no-op when already running)."""
        if not self._running:
            self._running = True
            self._schedule()

    def stop(self) -> None:
        """Stop ticking."""
        self._running = False
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _schedule(self) -> None:
        self._handle = self.scheduler(self.interval, self._tick)

    def _tick(self) -> None:
        if not self._running or self._in_tick:
            return
        self._in_tick = True  # a scheduler that runs at once re-enters here, and stops
        try:
            try:
                self.fn()
            except Exception:
                log.exception("a workshop tick failed")
            if self._running:
                self._schedule()
        finally:
            self._in_tick = False


class Live:
    """A workshop session and its answers as last read from the store."""

    def __init__(self, store: PlanStore, session: WorkshopSession):
        self.store = store
        self.session = session
        self.records: list[AnswerRecord] = []
        self.participants: list[str] = []
        self.version = -1
        self.reload()

    def reload(self) -> None:
        """Read the session, its participants and answers again."""
        self.session = self.store.workshop(self.session.code)
        self.records = self.store.workshop_answers(self.session.code)
        self.participants = self.store.workshop_participants(self.session.code)
        self.version = self.session.version

    def poll(self) -> bool:
        """Re-read when the stored version moved on; whether anything changed."""
        if self.store.workshop_version(self.session.code) == self.version:
            return False
        self.reload()
        return True

    def set(self, session: WorkshopSession) -> None:
        """Take a session just written by this page."""
        self.session = session
        self.version = session.version

    def answers(self, prompt: Prompt) -> dict[str, Any]:
        """The answers to ``prompt`` that fit it, by participant."""
        return read_answers(prompt, answers_by_prompt(self.records).get(prompt.id, {}))

    def summary(self, prompt: Prompt) -> Summary:
        """The aggregate of the answers to ``prompt``."""
        return summarize(prompt, self.answers(prompt))

    def answered(self, prompt: Prompt) -> list[str]:
        """Who answered ``prompt``."""
        return [r.participant for r in self.records if r.prompt == prompt.id]


# --- what the answers add up to, as HTML -------------------------------------------------


def _tiles(pairs: Sequence[tuple[str, str]], large: bool) -> str:
    size, label = ("30px", "15px") if large else ("17px", "11px")
    tiles = "".join(
        f"<div style='padding:4px 22px 4px 0'><div style='font-size:{label};color:{MUTED}'>"
        f"{esc(k)}</div><div style='font-size:{size};font-weight:600;color:{INK}'>{esc(v)}"
        "</div></div>"
        for k, v in pairs
    )
    return f"<div style='display:flex;flex-wrap:wrap;line-height:1.3'>{tiles}</div>"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], large: bool) -> str:
    size = "20px" if large else "13px"
    cell = f"padding:3px 14px 3px 0;border-bottom:1px solid {LINE};text-align:left"
    top = "".join(f"<th style='{cell};color:{MUTED};font-weight:600'>{esc(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td style='{cell}'>{c}</td>" for c in row) + "</tr>" for row in rows
    )
    return (
        f"<table style='border-collapse:collapse;font-size:{size};color:{INK};"
        f"line-height:1.35;margin:4px 0'><tr>{top}</tr>{body}</table>"
    )


def _amount(value: float, quantity: str) -> str:
    return f"{value:.0%}" if quantity.endswith("probability") else f"{value:,.0f}"


def summary_html(summary: Summary, currency: str, *, large: bool = False) -> str:
    """Key figures of a prompt's answers (user text escaped)."""
    count = len(summary.participants)
    if count == 0:
        return _note("No answers yet.", size="20px" if large else "13px")
    if isinstance(summary, EstimateSummary):
        pairs = [("Answers", str(count)), ("Disagreement", f"{summary.disagreement:.0%}")]
        if len(summary.expected):
            net = float(summary.expected["net"].iloc[0])
            pairs.append((f"Team's expected net value ({currency})", f"{net:,.0f}"))
        text = _tiles(pairs, large)
        if len(summary.spread):
            row = summary.spread.iloc[0]
            what = QUANTITY_LABELS.get(row.quantity, row.quantity)
            if row.competitor:
                what += f" ({row.competitor})"
            text += _note(
                f"Furthest apart on {what}: {row.lowest} "
                f"{_amount(row.lowest_mean, row.quantity)} against {row.highest} "
                f"{_amount(row.highest_mean, row.quantity)}.",
                INK,
                "20px" if large else "13px",
            )
        return text
    if isinstance(summary, ValuesSummary):
        rows = [
            [
                esc(r.option),
                str(r.answers),
                esc(format_number(round(r.median, 2))) if r.answers else "—",
                esc(f"{format_number(r.low)} – {format_number(r.high)}") if r.answers else "—",
            ]
            for r in summary.table.itertuples()
        ]
        head = ["Option", "Answers", "Median", "Lowest – highest"]
        return _tiles([("Answers", str(count))], large) + _table(head, rows, large)
    assert isinstance(summary, VoteSummary)
    top = set(summary.top)
    rows = [
        [f"<b>{esc(c)}</b>" if c in top else esc(c), str(v)]
        for c, v in zip(summary.counts["candidate"], summary.counts["votes"], strict=True)
    ]
    return _tiles([("Voted", str(count))], large) + _table(["Priority", "Votes"], rows, large)


def clock_html(reading: ClockReading, content: WorkshopContent, *, large: bool = False) -> str:
    """The agenda item, the time left and a quiet progress bar; amber when time is up."""
    if reading.item is None:
        return _note("Add sections to the agenda to run the timer.")
    titles = {k: c.title for k, c in load_content().items()}
    title = titles.get(reading.item.section, reading.item.section)
    over = reading.signal == "time_up"
    color = WARN if reading.signal else ACCENT
    left = (
        f"{format_seconds(-reading.remaining)} over"
        if over
        else f"{format_seconds(reading.remaining)} left"
    )
    state = "" if reading.running else " · paused"
    note = {"nearly": content.nearly, "time_up": content.time_up}.get(reading.signal, "")
    big, small = ("56px", "22px") if large else ("26px", "13px")
    width = round(100 * reading.fraction)
    return (
        f"<div class='nw-clock nw-clock-{reading.signal or 'on-time'}' style='line-height:1.25'>"
        f"<div style='font-size:{small};color:{MUTED}'>Item {(reading.index or 0) + 1} of "
        f"{reading.count} · {esc(title)} · {reading.item.minutes} min{state}</div>"
        f"<div style='font-size:{big};font-weight:700;color:{color}'>{esc(left)}</div>"
        f"<div style='height:8px;background:{LINE};border-radius:4px;margin:6px 0'>"
        f"<div style='width:{width}%;height:8px;background:{color};border-radius:4px'>"
        f"</div></div>" + (_note(note, WARN, small) if note else "") + "</div>"
    )


# --- forms shared by participants and the facilitator -----------------------------------


def _grid(cells: list[W.Widget], widths: list[str]) -> W.GridBox:
    layout = {
        "grid_template_columns": grid_template(widths),
        "grid_gap": "2px 8px",
        "width": "100%",
        "align_items": "center",
    }
    return make(W.GridBox, children=cells, layout=layout)


def _cell(value: float | None) -> W.Text:
    return make(W.Text, value=format_number(value), layout={"width": "auto", "min_width": "0"})


class EstimateForm:
    """Low, likely and high for each quantity of a move (the app's one range editor)."""

    def __init__(self, prompt: EstimatePrompt, initial: Estimate | None, currency: str):
        self.prompt = prompt
        data = initial.model_dump() if initial else None
        given = {r["competitor_id"]: r for r in data["retaliation"]} if data else {}
        self.rows: list[tuple[str, str, list[W.Text], bool]] = []
        self.ranges: list[RangeRow] = []
        specs: list[tuple[str, str, str, type[Range], dict[str, float] | None, bool]] = [
            ("gain", "Our direct gain", currency, Range, data and data["gain"], True),
            (
                "cooperation_probability",
                "Chance the customer cooperates",
                "0 to 1",
                ProbabilityRange,
                data and data["cooperation_probability"],
                True,
            ),
            (
                "cooperation_value",
                "Value to us if they cooperate",
                currency,
                AmountRange,
                data and data["cooperation_value"],
                True,
            ),
        ]
        for c in prompt.competitors:
            old = given.get(c.id)
            specs.append(
                (
                    f"{c.id}:probability",
                    f"{c.name}: chance it retaliates",
                    "0 to 1",
                    ProbabilityRange,
                    old and old["probability"],
                    False,
                )
            )
            specs.append(
                (
                    f"{c.id}:damage",
                    f"{c.name}: damage to us if it does",
                    currency,
                    AmountRange,
                    old and old["damage"],
                    False,
                )
            )
        for key, label, unit, model, values, required in specs:
            row = RangeRow(label, unit, model=model, value=values)
            self.ranges.append(row)
            self.rows.append((key, label, row.boxes, required))
        self.widget = range_grid(self.ranges, label_width="2.2fr")

    def read(self) -> dict[str, Any]:
        """The answer data typed in; ParseError when a row cannot be used.

        Every row that cannot says why under itself (the competitor named first), not only
        the first one: a long form is put right in one go.
        """
        data: dict[str, Any] = {"retaliation": []}
        problems: dict[str, str] = {}
        triples: dict[str, RangeValues | None] = {}
        for (key, _label, _boxes, required), row in zip(self.rows, self.ranges, strict=True):
            try:
                triples[key] = row.read(required=required)
            except ParseError as exc:
                problems[key] = str(exc)
        for c in self.prompt.competitors:
            chance, damage = f"{c.id}:probability", f"{c.id}:damage"
            if chance in problems or damage in problems:
                continue
            if triples[chance] is None and triples[damage] is not None:
                problems[chance] = f"{c.name}: give the chance too, or leave the damage blank."
            elif triples[damage] is None and triples[chance] is not None:
                problems[damage] = f"{c.name}: give the damage too, or leave the chance blank."
        for (key, *_rest), row in zip(self.rows, self.ranges, strict=True):
            if key in problems:
                row.message.say(problems[key])
        if problems:
            count = len(problems)
            raise ParseError(
                f"{count} figure{'s' if count > 1 else ''} above need{'' if count > 1 else 's'}"
                " a look: the message under each says why."
            )
        competitors: dict[str, dict[str, Any]] = {}
        for key, triple in triples.items():
            if triple is None:
                continue
            cid, _, part = key.partition(":")
            if part:
                competitors.setdefault(cid, {"competitor_id": cid})[part] = triple
            else:
                data[key] = triple
        data["retaliation"] = list(competitors.values())
        return data

    def disable(self) -> None:
        """Make the form read-only."""
        for row in self.ranges:
            row.disable()


class ValuesForm:
    """One value per option; a blank option means no view."""

    def __init__(self, prompt: ValuesPrompt, initial: dict[str, float] | None):
        self.prompt = prompt
        self.boxes = {o.id: _cell((initial or {}).get(o.id)) for o in prompt.options}
        cells: list[W.Widget] = []
        for option in prompt.options:
            cells += [_html(esc(option.label)), self.boxes[option.id]]
        self.widget = _grid(cells, ["2fr", "1fr"])

    def read(self) -> dict[str, float]:
        """Option id -> value for the options given; ParseError names a bad one."""
        values: dict[str, float] = {}
        for option in self.prompt.options:
            try:
                value = parse_number(self.boxes[option.id].value, optional=True)
            except ParseError as exc:
                raise ParseError(f"{option.label}: {exc}") from None
            if value is not None:
                values[option.id] = float(value)
        if not values:
            raise ParseError("Give a value to at least one option.")
        return values

    def disable(self) -> None:
        """Make the form read-only."""
        for box in self.boxes.values():
            box.disabled = True


class VoteForm:
    """A tick box per candidate; one or two may be ticked."""

    def __init__(self, prompt: PrioritiesPrompt, initial: Sequence[str]):
        chosen = {c.casefold() for c in initial}
        self.boxes = [
            make(
                W.Checkbox,
                value=c.casefold() in chosen,
                description=c,
                indent=False,
                layout={"width": "100%"},
            )
            for c in prompt.candidates
        ]
        self.widget = W.VBox(self.boxes)

    def read(self) -> dict[str, list[str]]:
        """The answer data; ParseError when none or more than two are ticked."""
        chosen = [b.description for b in self.boxes if b.value]
        if not chosen:
            raise ParseError("Tick one or two priorities.")
        if len(chosen) > 2:
            raise ParseError("Tick two priorities at most: focus is the point.")
        return {"choices": chosen}

    def disable(self) -> None:
        """Make the form read-only."""
        for box in self.boxes:
            box.disabled = True


AnswerForm = EstimateForm | ValuesForm | VoteForm


def answer_form(prompt: Prompt, answer: dict[str, Any] | None, currency: str) -> AnswerForm:
    """The form for answering ``prompt``, filled with an earlier answer when there is one."""
    if isinstance(prompt, EstimatePrompt):
        return EstimateForm(prompt, Estimate.model_validate(answer) if answer else None, currency)
    if isinstance(prompt, ValuesPrompt):
        return ValuesForm(prompt, (answer or {}).get("values"))
    return VoteForm(prompt, (answer or {}).get("choices", []))


def _subject(prompt: Prompt) -> str:
    """What a question is about, where its wording does not say it already."""
    return "" if isinstance(prompt, PrioritiesPrompt) else prompt_subject(prompt)


def show_chart(view: FigureView, figure: Any) -> None:
    """Show ``figure``, or take no room when there is none."""
    view.show(figure, "")
    view.layout.display = "none" if figure is None else ""


def _message() -> W.HTML:
    return W.HTML("", layout=W.Layout(display="none"))


def _say(widget: W.HTML, text: str, color: str = ERROR) -> None:
    widget.value = _note(text, color) if text else ""
    widget.layout.display = "" if text else "none"


READ_ONLY_REASON = "The workbook is open read-only: nothing can be changed here."


def _hint(css: str) -> W.HTML:
    hint = _message()
    hint.add_class(css)
    return hint


def _explain(hint: W.HTML | None, buttons: Sequence[tuple[W.Button, str]]) -> None:
    """Disable each button that has a reason, say the reason in its tooltip, and show the
    reasons (each once) in ``hint`` under the buttons; enabled buttons keep their tooltip."""
    reasons: list[str] = []
    for button, reason in buttons:
        if not hasattr(button, "_nw_tooltip"):
            button._nw_tooltip = button.tooltip  # type: ignore[attr-defined]
        button.disabled = bool(reason)
        button.tooltip = reason or button._nw_tooltip  # type: ignore[attr-defined]
        if reason and reason not in reasons:
            reasons.append(reason)
    text = " ".join(reasons)
    value = _note(text) if text else ""
    if hint is None:
        return
    if hint.value != value:
        hint.value = value
    hint.layout.display = "" if text else "none"


# --- the facilitator's panel -------------------------------------------------------------


class ResultCard:
    """One prompt's answers on the facilitator's panel, and accepting them into the plan."""

    def __init__(self, panel: FacilitatorPanel, prompt: Prompt):
        self.panel, self.prompt = panel, prompt
        self.header = _html()
        self.figures = _html()
        self.figures.add_class(f"nw-result-{prompt.kind}")
        self.chart = FigureView()
        self.chart.add_class(f"nw-chart-workshop-{prompt.kind}")
        self.editor = W.VBox()
        self.message = _message()
        self.accept = _button(
            "Accept into the plan…", self._edit, icon="check", css="nw-workshop-accept"
        )
        self.accept_hint = _hint("nw-workshop-accept-hint")
        _explain(
            self.accept_hint, [(self.accept, READ_ONLY_REASON if panel.session.read_only else "")]
        )
        self.widget = W.VBox(
            [
                self.header,
                self.figures,
                self.chart,
                W.HBox([self.accept]),
                self.accept_hint,
                self.editor,
                self.message,
            ],
            layout=W.Layout(border=f"1px solid {LINE}", padding="6px 12px", margin="6px 0"),
        )
        self.widget.add_class("nw-result")

    def refresh(self, live: Live) -> None:
        """Show the latest answers."""
        self.prompt = live.session.prompt(self.prompt.id) or self.prompt
        summary = live.summary(self.prompt)
        question = self.panel.content.prompts[self.prompt.kind].prompt
        state = "open" if self.prompt.open else "closed"
        names = live.answered(self.prompt)
        self.header.value = (
            f"<div style='line-height:1.35'><b>{esc(prompt_subject(self.prompt))}</b> "
            f"<span style='color:{MUTED};font-size:12px'>· {esc(question)} · {state}</span>"
            f"<div style='font-size:12px;color:{MUTED}'>Answered by {len(names)}: "
            f"{esc(', '.join(names) or 'nobody yet')}</div></div>"
        )
        self.figures.value = summary_html(summary, self.panel.session.plan.currency)
        from workbook.charts.workshop import summary_chart

        show_chart(self.chart, summary_chart(summary))
        self.summary = summary

    # accepting: a form with the proposal, to edit before it goes into the plan
    def _edit(self) -> None:
        self._close_editor()
        summary, plan = self.summary, self.panel.session.plan
        apply: Callable[[], PlanChange]
        if isinstance(self.prompt, PrioritiesPrompt) and isinstance(summary, VoteSummary):
            top = [*summary.top, "", ""][:2]
            boxes = [make(W.Text, value=t, layout={"width": "100%"}) for t in top]
            form: W.Widget = W.VBox(boxes)

            def apply() -> PlanChange:
                return priorities_change(plan, [b.value for b in boxes])

        elif isinstance(self.prompt, ValuesPrompt) and isinstance(summary, ValuesSummary):
            values = ValuesForm(self.prompt, summary.proposal())
            form = values.widget
            prompt = self.prompt

            def apply() -> PlanChange:
                return values_change(plan, prompt, values.read())

        else:
            assert isinstance(self.prompt, EstimatePrompt)
            assert isinstance(summary, EstimateSummary)
            mode = make(
                W.ToggleButtons,
                options=[
                    (f"The team's median as “{WORKSHOP_PARTICIPANT}”", "pooled"),
                    ("Each participant's own estimate", "each"),
                ],
                value="pooled",
            )
            estimate = EstimateForm(self.prompt, summary.pooled, plan.currency)
            pooled = W.VBox([estimate.widget], layout=W.Layout(width="100%"))
            mode.observe(
                lambda c: setattr(pooled.layout, "display", "" if c.new == "pooled" else "none"),
                names="value",
            )
            form = W.VBox([mode, pooled])
            prompt = self.prompt
            live = self.panel.live

            def apply() -> PlanChange:
                if mode.value == "each" and live is not None:
                    return estimates_change(plan, prompt, live.answers(prompt))
                answer = Estimate.model_validate(estimate.read())
                return estimates_change(plan, prompt, {WORKSHOP_PARTICIPANT: answer})

        def confirm() -> None:
            try:
                change = apply()
            except ParseError as exc:
                _say(self.message, str(exc))
                return
            except (WorkbookError, ValueError) as exc:
                _say(self.message, str(exc))
                return
            problem = self.panel.session.set_structure(change.path, change.value)
            if problem:
                _say(self.message, problem)
                return
            self._close_editor()
            _say(self.message, f"Added to the plan: {change.summary}", OK)

        self.editor.children = [
            _html(_note("Check the figures, change any you disagree with, then apply.", INK)),
            form,
            W.HBox(
                [
                    _button("Apply to the plan", confirm, style="primary", css="nw-workshop-apply"),
                    _button("Cancel", self._close_editor),
                ]
            ),
        ]
        _say(self.message, "")

    def _close_editor(self) -> None:
        for child in self.editor.children:
            close_tree(child)
        self.editor.children = []


class FacilitatorPanel:
    """Agenda, timer, live session, prompts and answers, and the parking lot."""

    def __init__(self, mode: WorkshopMode, session: PlanSession):
        self.mode, self.session, self.store = mode, session, mode.store
        self.content = mode.content
        self.live: Live | None = None
        latest = self.store.latest_workshop(session.plan.id)
        if latest is not None:
            self.live = Live(self.store, latest)
        self.clock = _html(css="nw-workshop-clock")
        self.clock_buttons = {
            "previous": _button("Previous", self._previous, icon="step-backward"),
            "start": _button("Start", self._start_pause, icon="play", css="nw-workshop-start"),
            "next": _button("Next", self._next, icon="step-forward", css="nw-workshop-next"),
        }
        self.code = _html(css="nw-workshop-code")
        self.session_message = _message()
        self.session_buttons = {
            "open": _button(
                "Open a workshop session", self._open, icon="users", style="primary",
                css="nw-workshop-open",
            ),
            "reveal": _button("Reveal answers", self._reveal, icon="eye", css="nw-workshop-reveal"),
            "end": _button("End session", self._ask_end, icon="stop", css="nw-workshop-end"),
        }  # fmt: skip
        self.confirm = W.HBox()
        self.prompt_boxes: dict[str, W.Checkbox] = {}
        self.prompt_list = W.VBox()
        self._drawn: list[tuple[str, str]] | None = None
        self._quiet = False
        self.candidates = make(
            W.TagsInput,
            value=priority_candidates(session.plan),
            allow_duplicates=False,
            layout={"width": "100%"},
        )
        self.candidates.add_class("nw-workshop-candidates")
        self.candidates.observe(self.mode.guard(self._candidates_changed), names="value")
        self.prompt_message = _message()
        self.results = W.VBox()
        self.cards: dict[str, ResultCard] = {}
        self.total = _html()
        self.clock_hint = _hint("nw-workshop-clock-hint")
        self.session_hint = _hint("nw-workshop-session-hint")
        self.prompt_hint = _hint("nw-workshop-prompt-hint")
        self.subs = session.subscriptions()
        self.subs.on(("workshop", "agenda"), lambda _c: self.tick())
        self.subs.on(("scenarios",), lambda _c: self._render_prompts())
        self.subs.on(("concessions", "variables"), lambda _c: self._render_prompts())
        agenda, parking = self._tables()
        self.widget = W.VBox(
            [  # in the order of use: plan the agenda, open the session, run the clock
                _html(
                    f"<h2 style='margin:4px 0 2px 0;color:{INK}'>{esc(self.content.title)}</h2>"
                    + _note(self.content.lead)
                ),
                *agenda,
                self._section("Live session"),
                self.code,
                W.HBox(list(self.session_buttons.values())),
                self.session_hint,
                self.confirm,
                self.session_message,
                self._section("Timer"),
                self.clock,
                W.HBox(list(self.clock_buttons.values())),
                self.clock_hint,
                self._section("Questions for the team"),
                _html(_note("Tick a question to open it: participants see it at once.")),
                self.prompt_hint,
                self.prompt_list,
                self.prompt_message,
                self._section("Answers"),
                self.results,
                *parking,
            ],
            layout=W.Layout(width="100%", padding="0 8px 24px 8px"),
        )
        self.widget.add_class("nw-workshop-panel")
        self._render_prompts()
        self.refresh()

    @staticmethod
    def _section(title: str) -> W.HTML:
        return _html(f"<h3 style='margin:16px 0 2px 0;color:{INK}'>{esc(title)}</h3>")

    def _tables(self) -> tuple[list[W.Widget], list[W.Widget]]:
        agenda = RowTable(
            self.session,
            ("workshop", "agenda"),
            AgendaItem,
            [Column("section", width="2fr"), Column("minutes", width="110px")],
            content=self.content,
            add_label="Add section",
            empty_text="No agenda yet: add the sections you will work on, in order.",
        )
        parking = RowTable(
            self.session,
            ("workshop", "parking_lot"),
            ParkingItem,
            [
                Column("text", width="3fr"),
                Column("raised_by", width="1fr"),
                Column("section", width="1fr"),
                Column("resolved", width="80px"),
            ],
            content=self.content,
            add_label="Park it",
            empty_text="Nothing parked yet.",
        )
        parking.add_class("nw-workshop-parking")
        agenda.add_class("nw-workshop-agenda")
        questions = self.content.questions
        return [
            self._section(questions["workshop.agenda"].prompt),
            _html(_note(questions["workshop.agenda"].help)),
            agenda,
            self.total,
        ], [
            self._section(questions["workshop.parking_lot"].prompt),
            _html(_note(questions["workshop.parking_lot"].help)),
            parking,
        ]

    # --- showing ---------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the session, the prompts' state and every answer as stored now."""
        live = self.live
        read_only = self.session.read_only
        ended = live is None or live.session.frozen(self.mode.now())
        self.session_buttons["open"].layout.display = "" if ended else "none"
        _explain(
            self.session_hint,
            [(self.session_buttons["open"], READ_ONLY_REASON if read_only else "")],
        )
        for key in ("reveal", "end"):
            self.session_buttons[key].layout.display = "none" if ended else ""
        if live is None:
            self.code.value = _note(
                "Open a session to get a join code for the team."
                if not read_only
                else "The workbook is open read-only: a session cannot be opened."
            )
        else:
            self.code.value = self._code_html(live)
            self.session_buttons["reveal"].description = (
                "Hide answers" if live.session.state == "revealed" else "Reveal answers"
            )
        self._sync_prompts()
        self._render_results()
        self.tick()

    def _code_html(self, live: Live) -> str:
        s = live.session
        now = self.mode.now()
        if s.state == "ended":
            state = "ended: answers are frozen"
        elif s.expired(now):
            state = "expired: answers are frozen"
        else:
            state = "answers revealed" if s.state == "revealed" else "answers hidden"
        joined = ", ".join(live.participants) or "nobody yet"
        frozen = s.frozen(now)
        return (
            "<div style='line-height:1.35'>"
            + join_html(s.code, None if frozen else self.mode.join_address(s.code))
            + f"<div style='font-size:12px;color:{MUTED};margin-top:4px'>{esc(state)} · expires "
            f"{esc(s.expires_at.astimezone().strftime('%H:%M'))}</div>"
            f"<div style='font-size:13px;color:{INK}' class='nw-workshop-joined'>Joined "
            f"({len(live.participants)}): {esc(joined)}</div></div>"
        )

    def tick(self) -> None:
        """Redraw the clock."""
        clock = self.live.session.clock if self.live else Clock()
        reading = read_clock(self.session.plan.workshop.agenda, clock, self.mode.now())
        value = clock_html(reading, self.content)
        if self.clock.value != value:
            self.clock.value = value
        buttons = self.clock_buttons
        buttons["start"].description = "Pause" if reading.running else "Start"
        buttons["start"].icon = "pause" if reading.running else "play"
        if reading.item is None:
            why = "Add a section to the agenda above: the timer runs through it."
        elif self.live is None:
            why = "Open a workshop session above: the clock is kept with the session."
        elif self.live.session.frozen(self.mode.now()):
            why = "The session is over: open a new one above to run the clock again."
        else:
            why = ""
        _explain(
            self.clock_hint,
            [
                (buttons["start"], why),
                (buttons["previous"], why or ("This is the first item." if reading.first else "")),
                (buttons["next"], why or ("This is the last item." if reading.last else "")),
            ],
        )
        total = agenda_minutes(self.session.plan.workshop.agenda)
        self.total.value = _note(f"The agenda takes {total} minutes in all.") if total else ""

    # --- the session -----------------------------------------------------------------

    def _open(self) -> None:
        session = self.store.open_workshop(self.session.plan.id, now=self.mode.now())
        self.live = Live(self.store, session)
        self.cards.clear()
        for child in self.results.children:
            close_tree(child)
        self.results.children = []
        _say(self.session_message, "")
        self.refresh()
        self.mode.changed()

    def _update(self, **changes: Any) -> None:
        assert self.live is not None
        try:
            session = self.store.update_workshop(
                self.live.session.code, now=self.mode.now(), **changes
            )
        except WorkbookError as exc:
            _say(self.session_message, str(exc))
            self.live.reload()
            self.refresh()
            return
        self.live.set(session)
        self.refresh()
        self.mode.changed()

    def _reveal(self) -> None:
        assert self.live is not None
        self._update(state="open" if self.live.session.state == "revealed" else "revealed")

    def _ask_end(self) -> None:
        def end() -> None:
            self.confirm.children = []
            self._update(state="ended")

        self.confirm.children = [
            _html(_note("End the session? Answers are frozen and no one can join.", INK)),
            _button("End it", end, style="danger", css="nw-workshop-end-confirm"),
            _button("Keep it open", lambda: setattr(self.confirm, "children", [])),
        ]

    # --- the clock -------------------------------------------------------------------

    def _clock(self, move: Callable[[Sequence[Any], Clock, dt.datetime], Clock]) -> None:
        assert self.live is not None
        agenda = self.session.plan.workshop.agenda
        self._update(clock=move(agenda, self.live.session.clock, self.mode.now()))

    def _start_pause(self) -> None:
        self._clock(
            lambda _agenda, clock, now: (
                pause(clock, now) if clock.running_since is not None else start(clock, now)
            )
        )

    def _next(self) -> None:
        self._clock(next_item)

    def _previous(self) -> None:
        self._clock(previous_item)

    # --- prompts ---------------------------------------------------------------------

    def _render_prompts(self) -> None:
        drawn = [(p.id, prompt_subject(p)) for p in candidate_prompts(self.session.plan)]
        if drawn == self._drawn:
            return  # an edit that changes no move or variable name
        self._drawn = drawn
        for child in self.prompt_list.children:
            if child is not self.candidates:
                close_tree(child)
        self.prompt_boxes = {}
        columns: dict[str, list[W.Widget]] = {"estimate": [], "values": []}
        kinds = {"estimate": "Estimate", "values": "Values"}
        for prompt in candidate_prompts(self.session.plan):
            box = make(
                W.Checkbox,
                description=f"{kinds[prompt.kind]} · {prompt_subject(prompt)}",
                indent=False,
                layout={"width": "100%"},
            )
            self.prompt_boxes[prompt.id] = box
            box.add_class("nw-workshop-prompt")
            box.observe(self.mode.guard(self._toggled(prompt)), names="value")
            columns[prompt.kind].append(box)
        vote = make(
            W.Checkbox,
            description="Vote · the top two priorities for improvement, from these candidates:",
            indent=False,
            layout={"width": "100%"},
        )
        vote.add_class("nw-workshop-prompt")
        vote.observe(self.mode.guard(self._toggled(None)), names="value")
        self.prompt_boxes["priorities"] = vote
        lists = _grid([W.VBox(c) for c in columns.values()], ["1fr", "1fr"])
        lists.layout.align_items = "flex-start"  # both lists start at the top
        self.prompt_list.children = [
            lists,
            vote,
            self.candidates,
        ]
        self._sync_prompts()

    def _sync_prompts(self) -> None:
        live = self.live
        frozen = live is None or live.session.frozen(self.mode.now())
        for prompt_id, box in self.prompt_boxes.items():
            prompt = live.session.prompt(prompt_id) if live else None
            self._quiet = True
            try:
                box.value = bool(prompt and prompt.open)
            finally:
                self._quiet = False
            box.disabled = frozen or self.session.read_only
        if self.session.read_only:
            why = READ_ONLY_REASON
        elif live is None:
            why = "Open a workshop session above to ask the team these questions."
        elif frozen:
            why = "The session is over: open a new one above to ask again."
        else:
            why = ""
        for box in self.prompt_boxes.values():
            box.tooltip = why or box.description  # a long move name shows in full on hover
        _say(self.prompt_hint, why, MUTED)
        stored = live.session.prompt("priorities") if live else None
        if isinstance(stored, PrioritiesPrompt) and stored.candidates != list(
            self.candidates.value
        ):
            self._quiet = True
            try:
                self.candidates.value = list(stored.candidates)
            finally:
                self._quiet = False

    def _toggled(self, template: Prompt | None) -> Callable[[dict[str, Any]], None]:
        def toggled(change: dict[str, Any]) -> None:
            if self._quiet or self.live is None:
                return
            prompt = template
            if prompt is None:
                try:
                    prompt = priorities_prompt(self.candidates.value)
                except AnswerError as exc:
                    _say(self.prompt_message, f"{str(exc).rstrip('.')}. Then tick the vote again.")
                    self._sync_prompts()
                    return
            else:  # the plan may have changed since the list was drawn
                prompt = next(
                    (p for p in candidate_prompts(self.session.plan) if p.id == prompt.id), prompt
                )
            _say(self.prompt_message, "")
            opened = prompt.model_copy(update={"open": bool(change["new"])})
            self._update(prompts=with_prompt(self.live.session.prompts, opened))

        return toggled

    def _candidates_changed(self, change: dict[str, Any]) -> None:
        if self._quiet or self.live is None:
            return
        stored = self.live.session.prompt("priorities")
        if stored is None or not stored.open:
            return
        try:
            prompt = priorities_prompt(change["new"])
        except AnswerError as exc:
            _say(self.prompt_message, str(exc))
            return
        _say(self.prompt_message, "")
        self._update(prompts=with_prompt(self.live.session.prompts, prompt))

    def _render_results(self) -> None:
        live = self.live
        shown = (
            [] if live is None else [p for p in live.session.prompts if p.open or live.answered(p)]
        )
        ids = [p.id for p in shown]
        for key in [k for k in self.cards if k not in ids]:
            close_tree(self.cards.pop(key).widget)
        for prompt in shown:
            if prompt.id not in self.cards:
                self.cards[prompt.id] = ResultCard(self, prompt)
            assert live is not None
            self.cards[prompt.id].refresh(live)
        self.results.children = [self.cards[k].widget for k in ids] or [
            _html(_note("Answers appear here as they arrive."))
        ]

    def close(self) -> None:
        """Drop subscriptions and widgets."""
        self.subs.close()
        close_tree(self.widget)


# --- the projector ----------------------------------------------------------------------


class ProjectorCard:
    """One question on the shared screen: who answered, and once revealed, the answers."""

    def __init__(self, kind: str):
        self.title = _html()
        self.figures = _html()
        self.chart = FigureView()
        self.chart.add_class(f"nw-chart-projector-{kind}")
        self.widget = W.VBox(
            [
                self.title,
                W.GridBox(
                    [self.figures, self.chart],
                    layout=W.Layout(
                        grid_template_columns="minmax(0, 1fr) minmax(0, 1.5fr)",
                        grid_gap="0 32px",
                        width="100%",
                    ),
                ),
            ],
            layout=W.Layout(width="100%", margin="18px 0 0 0"),
        )
        self.widget.add_class("nw-projector-card")

    def show(
        self, live: Live, prompt: Prompt, content: WorkshopContent, currency: str, dark: bool
    ) -> None:
        """Draw the card for the answers as they are now."""
        from workbook.charts.workshop import summary_chart

        names = live.answered(prompt)
        subject = _subject(prompt)
        self.title.value = (
            f"<div style='font-size:30px;font-weight:600;color:{INK};line-height:1.25'>"
            f"{esc(content.prompts[prompt.kind].prompt)}"
            f"<br><span style='color:{MUTED};font-weight:400'>{esc(subject)}</span></div>"
            f"<div style='font-size:20px;color:{MUTED};margin-top:4px'>{len(names)} of "
            f"{len(live.participants)} answered: {esc(', '.join(names) or 'waiting…')}</div>"
        )
        if not live.session.revealed:
            self.figures.value = (
                f"<div style='font-size:20px;color:{MUTED}'>The answers stay hidden until "
                "the facilitator reveals them.</div>"
            )
            show_chart(self.chart, None)
            return
        summary = live.summary(prompt)
        self.figures.value = summary_html(summary, currency, large=True)
        show_chart(self.chart, summary_chart(summary, dark=dark, large=True))


class Projector:
    """The shared screen: current agenda item, its question, timer, and the team's answers."""

    def __init__(self, mode: WorkshopMode, session: PlanSession):
        self.mode, self.session = mode, session
        self.dark = make(
            W.ToggleButton, description="Dark screen", icon="moon", layout={"width": "auto"}
        )
        self.dark.add_class("nw-projector-dark-toggle")
        self.dark.observe(self.mode.guard(lambda _c: self._theme()), names="value")
        leave = _button(
            "Leave projector", mode.toggle_projector, icon="times", css="nw-projector-leave"
        )
        self.heading = _html(css="nw-projector-heading")
        self.clock = _html()
        self.join = _html(css="nw-projector-join")
        self.join.layout = W.Layout(
            display="none", margin="18px 0 0 0", padding="12px 0", border_top=f"1px solid {LINE}"
        )
        self.body = W.VBox()
        self.cards: dict[str, ProjectorCard] = {}
        self.widget = W.VBox(
            [
                _html(PROJECTOR_CSS),
                W.HBox([self.dark, leave], layout=W.Layout(justify_content="flex-end")),
                W.GridBox(
                    [self.heading, self.clock],
                    layout=W.Layout(
                        grid_template_columns="minmax(0, 3fr) minmax(0, 1.2fr)", grid_gap="0 32px"
                    ),
                ),
                self.join,
                self.body,
            ],
            layout=W.Layout(width="100%"),
        )
        self.widget.add_class("nw-projector")

    def _theme(self) -> None:
        if self.dark.value:
            self.widget.add_class("nw-projector-dark")
        else:
            self.widget.remove_class("nw-projector-dark")
        self.refresh()

    def _focus(self, live: Live | None, section: str | None) -> list[Prompt]:
        if live is None:
            return []
        prompts = live.session.prompts
        here = [p for p in prompts if prompt_section(p) == section and (p.open or live.answered(p))]
        return here or [p for p in prompts if p.open]

    def refresh(self) -> None:
        """Redraw the question and the answers."""
        live = self.mode.live()
        agenda = self.session.plan.workshop.agenda
        reading = read_clock(agenda, live.session.clock if live else Clock(), self.mode.now())
        section = reading.item.section if reading.item else None
        content = self.mode.content
        titles = {k: c.title for k, c in load_content().items()}
        question = content.agenda_questions.get(section or "", "")
        joinable = live is not None and not live.session.frozen(self.mode.now())
        join = (
            join_html(live.session.code, self.mode.join_address(live.session.code), large=True)
            if live is not None and joinable
            else ""
        )
        if self.join.value != join:
            self.join.value = join
        self.join.layout.display = "" if join else "none"
        self.heading.value = (
            "<div style='line-height:1.2'>"
            f"<div style='font-size:22px;color:{MUTED}'>{esc(self.session.plan.name)}</div>"
            f"<div style='font-size:46px;font-weight:700;color:{INK};margin:4px 0 10px 0'>"
            f"{esc(titles.get(section or '', 'Workshop'))}</div>"
            f"<div style='font-size:30px;color:{INK};line-height:1.3'>{esc(question)}</div></div>"
        )
        focus = self._focus(live, section)
        ids = [p.id for p in focus]
        for key in [k for k in self.cards if k not in ids]:
            close_tree(self.cards.pop(key).widget)
        children: list[W.Widget] = []
        for prompt in focus:
            if prompt.id not in self.cards:
                self.cards[prompt.id] = ProjectorCard(prompt.kind)
            assert live is not None
            card = self.cards[prompt.id]
            card.show(live, prompt, self.mode.content, self.session.plan.currency, self.dark.value)
            children.append(card.widget)
        parked = [q for q in self.session.plan.workshop.parking_lot if not q.resolved]
        if parked:
            children.append(
                _html(
                    f"<div style='font-size:18px;color:{MUTED};margin-top:18px'>Parked for later: "
                    f"{len(parked)} question{'s' if len(parked) != 1 else ''}</div>"
                )
            )
        self.body.children = children
        self.tick()

    def tick(self) -> None:
        """Redraw the clock."""
        live = self.mode.live()
        agenda = self.session.plan.workshop.agenda
        reading = read_clock(agenda, live.session.clock if live else Clock(), self.mode.now())
        value = clock_html(reading, self.mode.content, large=True)
        if self.clock.value != value:
            self.clock.value = value

    def close(self) -> None:
        """Drop the widgets."""
        close_tree(self.widget)


# --- the mode, as the app shell uses it ---------------------------------------------------


class WorkshopMode:
    """The app's workshop hooks: the header buttons, the panel and the projector.

    ``app.show(WORKSHOP)`` shows the panel; ``toggle_projector()`` swaps the whole app
    for the projector and back.
    """

    def __init__(self, app: Shell):
        self.app = app
        self.store = app.store
        self.content = load_workshop_content()
        self.now: Callable[[], dt.datetime] = _utcnow
        self.env: Mapping[str, str] | None = None  # the server's variables (tests set them)
        self.guard = app.guard
        self.panel: FacilitatorPanel | None = None
        self.projector: Projector | None = None
        self.ticker = Ticker(app.scheduler, POLL_SECONDS, self._tick)
        self.button = _button(
            "Workshop",
            self.guard(lambda: app.show(WORKSHOP)),
            icon="users",
            css="nw-workshop",
            tooltip="Run a workshop with the team: agenda, timer, live answers",
        )
        self.projector_button = _button(
            "Projector",
            self.guard(self.toggle_projector),
            icon="television",
            css="nw-projector-toggle",
            tooltip="Show the current question and the team's answers in large type",
        )
        self.buttons = W.HBox([self.button, self.projector_button])
        self.join_entry = _html(start_join_html(), css="nw-start-join")
        self.panel_box = W.VBox(layout=W.Layout(display="none", width="100%"))
        self.projector_box = W.VBox(layout=W.Layout(display="none", width="100%"))

    def live(self) -> Live | None:
        """The session on the panel, if any."""
        return self.panel.live if self.panel else None

    def join_address(self, code: str) -> JoinAddress | None:
        """The address participants open for ``code``, when the page is served."""
        return join_address(code, self.env)

    def _ensure_panel(self) -> FacilitatorPanel | None:
        session = self.app.session
        if session is None:
            return None
        if self.panel is None or self.panel.session is not session:
            self.drop()
            self.panel = FacilitatorPanel(self, session)
            self.panel_box.children = [self.panel.widget]
        return self.panel

    def show_panel(self) -> None:
        """Show the facilitator's panel in place of the sections."""
        self.app.enter(
            WORKSHOP,
            f"<div style='font-size:13px;line-height:1.45;color:{INK}'>"
            f"<div style='font-weight:600;margin-bottom:4px'>Running the workshop</div>"
            f"{paragraphs_html(self.content.guidance)}</div>",
        )
        self.button.button_style = "primary"
        panel = self._ensure_panel()
        if panel is None:
            return
        self.app.show_sections(False)
        self.panel_box.layout.display = ""
        if panel.live is not None:
            panel.live.poll()
        panel.refresh()
        self.ticker.start()

    def hide_panel(self) -> None:
        """Show the sections again (the panel keeps its state)."""
        self.button.button_style = ""
        self.app.show_sections(True)
        self.panel_box.layout.display = "none"
        if self.projector is None:
            self.ticker.stop()

    def toggle_projector(self) -> None:
        """Swap the app for the projector view, or back."""
        app = self.app
        if self.projector is not None:
            self.projector.close()
            self.projector = None
            self.projector_box.children = []
            self.projector_box.layout.display = "none"
            app.cover(self.projector_box, False)
            if app.current != WORKSHOP:
                self.ticker.stop()
            return
        if self._ensure_panel() is None:
            app.say("Open or create a negotiation first.")
            return
        assert app.session is not None
        self.projector = Projector(self, app.session)
        self.projector_box.children = [self.projector.widget]
        app.cover(self.projector_box, True)
        self.projector_box.layout.display = ""
        self.projector.refresh()
        self.ticker.start()

    def changed(self) -> None:
        """The panel changed the session: redraw the projector too."""
        if self.projector is not None:
            self.projector.refresh()

    def _tick(self) -> None:
        live = self.live()
        changed = live.poll() if live else False
        if self.panel is not None:
            if changed:
                self.panel.refresh()
            elif self.app.current == WORKSHOP:
                self.panel.tick()
        if self.projector is not None:
            if changed:
                self.projector.refresh()
            else:
                self.projector.tick()

    def drop(self) -> None:
        """Forget the panel and projector of the plan that was open."""
        self.ticker.stop()
        if self.projector is not None:
            self.toggle_projector()
        if self.panel is not None:
            self.panel.close()
            self.panel = None
        self.panel_box.children = []


# --- the participant's view ---------------------------------------------------------------


def participant_page(app: Shell, code: str, name: str | None) -> W.Widget:
    """The participant's view in place of the app, for ``?join=CODE&name=NAME``.

    The page's cell returns an empty view at once; joining and drawing the questions
    happen a moment later on the kernel's event loop. Voilà waits only a few seconds for
    a cell's output once the kernel has answered, and on a busy server a cell that sends
    many widget messages can miss that window and show an empty page.
    """
    view = ParticipantView(app.store, scheduler=app.scheduler)

    def build() -> None:
        app.close()
        view.join(code, name)

    app.scheduler(0, build)
    return view.widget


def join_form_html(code: str = "", name: str = "", problems: dict[str, str] | None = None) -> str:
    """The join form: a plain GET form, so the address then carries the code and the name."""
    problems = problems or {}
    field = (
        "width:100%;max-width:320px;font-size:18px;padding:6px 8px;box-sizing:border-box;"
        f"border:1px solid {LINE};border-radius:4px;color:{INK};"
        "background:var(--jp-layout-color0, #fff)"
    )

    def problem(key: str) -> str:
        text = problems.get(key, "")
        return (
            f"<div class='nw-join-{key}-problem' style='color:{ERROR};font-size:14px;"
            f"margin:2px 0 8px 0'>{esc(text)}</div>"
            if text
            else "<div style='height:10px'></div>"
        )

    return (
        f"<form method='get' class='nw-join-form' style='color:{INK};line-height:1.4'>"
        f"<label style='font-weight:600'>Join code<br>"
        f"<input name='join' value='{esc(code)}' maxlength='16' autocomplete='off' "
        f"autocapitalize='characters' spellcheck='false' class='nw-join-code' "
        f"style='{field};letter-spacing:3px;text-transform:uppercase'></label>"
        f"{problem('code')}"
        f"<label style='font-weight:600'>Your name<br>"
        f"<input name='name' value='{esc(name)}' maxlength='60' class='nw-join-name' "
        f"style='{field}'></label>{problem('name')}"
        f"<button type='submit' class='nw-join-submit' style='font-size:16px;padding:6px 18px;"
        f"border:0;border-radius:4px;background:{ACCENT};color:#fff;cursor:pointer'>Join</button>"
        "</form>"
    )


def start_join_html() -> str:
    """The start page's way in for participants: a code, then the join page asks the name."""
    field = (
        f"width:104px;font-size:14px;padding:3px 6px;border:1px solid {LINE};border-radius:3px;"
        f"color:{INK};background:var(--jp-layout-color0, #fff);letter-spacing:2px;"
        "text-transform:uppercase;box-sizing:border-box"
    )
    return (
        "<form method='get' class='nw-start-join-form' style='display:flex;align-items:center;"
        f"gap:6px;margin:0 8px;color:{INK}'>"
        "<label style='font-size:13px;font-weight:600;white-space:nowrap'>Join a workshop "
        f"<input name='join' placeholder='Code' maxlength='16' required autocomplete='off' "
        f"autocapitalize='characters' spellcheck='false' class='nw-start-join-code' "
        f"title='The code on the facilitator’s screen' style='{field}'></label>"
        "<button type='submit' class='nw-start-join-submit' style='font-size:13px;"
        f"padding:3px 12px;border:1px solid {ACCENT};border-radius:3px;background:transparent;"
        f"color:{ACCENT};cursor:pointer'>Join</button></form>"
    )


class AnswerCard:
    """One open prompt on a participant's screen: the form, sending, and the team's answers."""

    def __init__(self, view: ParticipantView, prompt: Prompt, answer: dict[str, Any] | None):
        self.view, self.prompt = view, prompt
        question = view.content.prompts[prompt.kind]
        self.form = answer_form(prompt, answer, view.currency)
        self.message = _message()
        self.message.add_class("nw-answer-message")
        self.saved = _html(css="nw-answer-saved")
        self.send = _button(
            "Update my answer" if answer else "Send my answer",
            self._send,
            icon="paper-plane",
            style="primary",
            css="nw-answer-send",
        )
        self.team = _html(css="nw-answer-team")
        self.frozen = _hint("nw-answer-frozen")
        self.chart = FigureView()
        self.chart.add_class(f"nw-chart-team-{prompt.kind}")
        detail = (
            f"<div style='font-size:13px;color:{MUTED}'>{esc(prompt.description)}</div>"
            if isinstance(prompt, EstimatePrompt) and prompt.description
            else ""
        )
        self.widget = W.VBox(
            [
                _html(
                    f"<div style='line-height:1.35;color:{INK}'><div style='font-size:17px;"
                    f"font-weight:600'>{esc(question.prompt)}</div><div style='font-size:16px'>"
                    f"{esc(_subject(prompt))}</div>{detail}</div>" + _note(question.help)
                ),
                self.form.widget,
                self.message,
                W.HBox([self.send, self.saved], layout=W.Layout(align_items="center")),
                self.frozen,
                self.team,
                self.chart,
            ],
            layout=W.Layout(border=f"1px solid {LINE}", padding="8px 12px", margin="8px 0"),
        )
        self.widget.add_class(f"nw-answer-{prompt.kind}")
        self.widget.add_class("nw-answer")

    def _send(self) -> None:
        try:
            data = self.form.read()
        except ParseError as exc:
            _say(self.message, str(exc))
            return
        if isinstance(self.prompt, ValuesPrompt):
            data = {"values": data}
        try:
            record = self.view.store.submit_answer(
                self.view.code, self.view.name, self.prompt.id, data, now=self.view.now()
            )
        except WorkbookError as exc:
            _say(self.message, str(exc))
            return
        _say(self.message, "")
        self.send.description = "Update my answer"
        self.show_saved(record)
        self.view.sent(self)

    def show_saved(self, record: AnswerRecord | None) -> None:
        """Say when this participant's answer was kept."""
        if record is None:
            self.saved.value = ""
            return
        stamp = record.updated_at.astimezone().strftime("%H:%M:%S")
        self.saved.value = _note(f"Your answer is saved ({stamp}).", OK)

    def show_team(self, summary: Summary | None) -> None:
        """The team's answers once revealed; nothing before."""
        if summary is None:
            self.team.value = _note(self.view.content.hidden)
            show_chart(self.chart, None)
            return
        from workbook.charts.workshop import summary_chart

        self.team.value = (
            f"<div style='font-weight:600;margin-top:6px;color:{INK}'>The team's answers</div>"
            + summary_html(summary, self.view.currency)
        )
        show_chart(self.chart, summary_chart(summary))

    def freeze(self, reason: str) -> None:
        """The session ended, or the question was closed: no more sending, and why."""
        self.form.disable()
        _explain(self.frozen, [(self.send, reason)])


class ParticipantView:
    """What a participant sees: the join form, or their open questions (after :meth:`join`)."""

    def __init__(
        self,
        store: PlanStore,
        *,
        scheduler: Scheduler,
        now: Callable[[], dt.datetime] = _utcnow,
    ):
        self.store, self.now = store, now
        self.content = load_workshop_content()
        self.code, self.name, self.plan_name = "", "", ""
        self.currency = "EUR"
        self.cards: dict[str, AnswerCard] = {}
        self.live: Live | None = None
        self.ticker = Ticker(scheduler, POLL_SECONDS, self._tick)
        self.heading = _html()
        self.intro = _html()
        self.waiting = _html(_note(self.content.waiting, size="15px"))
        self.body = W.VBox()
        self.move: str | None = None  # the estimate question on screen, one move at a time
        self.move_label = _html(css="nw-move-label")
        self.move_buttons = {
            "previous": _button("Previous move", lambda: self._step(-1), icon="chevron-left",
                                css="nw-move-previous"),
            "next": _button("Next move", lambda: self._step(1), icon="chevron-right",
                            css="nw-move-next"),
        }  # fmt: skip
        self.stepper = W.HBox(
            [self.move_buttons["previous"], self.move_label, self.move_buttons["next"]],
            layout=W.Layout(align_items="center", margin="8px 0 0 0", flex_flow="row wrap"),
        )
        self.stepper.add_class("nw-move-stepper")
        self.widget = W.VBox(
            [_html(PARTICIPANT_CSS), self.heading, self.intro, self.body],
            layout=W.Layout(width="100%", max_width="760px", padding="12px 16px"),
        )
        self.widget.add_class("nw-participant")

    def join(self, code: str, name: str | None) -> None:
        """Join with ``code`` and ``name``; the form again with the problem when refused.

        ``name`` is None when none was sent (a link with the code alone): the form then
        asks for what is missing without calling it a mistake.
        """
        submitted = name is not None
        name = name or ""
        problems: dict[str, str] = {}
        try:
            code = normalize_code(code)
        except JoinError as exc:
            problems["code"] = str(exc)
        try:
            name = participant_name(name)
        except JoinError as exc:
            problems["name"] = str(exc)
        if "code" not in problems:
            try:
                if problems:  # no usable name yet: still say whether the code works
                    check_joinable(self.store.workshop(code), self.now(), newcomer=False)
                else:
                    session, name = self.store.join_workshop(code, name, now=self.now())
            except WorkbookError as exc:
                problems["code"] = str(exc)
        self.widget.add_class("nw-ready")
        if problems:
            shown = {k: v for k, v in problems.items() if submitted or (code, name)[k == "name"]}
            self._show_form(str(code)[:16], str(name)[:60], shown)
            return
        self.plan_name, self.currency = self.store.workshop_heading(session.code)
        self.code, self.name = session.code, name
        self.live = Live(self.store, session)
        self._render()
        self.ticker.start()

    def _show_form(self, code: str, name: str, problems: dict[str, str]) -> None:
        self.heading.value = f"<h2 style='margin:4px 0;color:{INK}'>Join the workshop</h2>" + _note(
            "Enter the code on the facilitator's screen and your name.", size="15px"
        )
        self.intro.value = join_form_html(code, name, problems)
        self.body.children = []

    def _render(self) -> None:
        live = self.live
        assert live is not None
        session = live.session
        ended = session.frozen(self.now())
        self.heading.value = (
            f"<div style='line-height:1.3'><div style='font-size:13px;color:{MUTED}'>"
            f"Workshop {esc(session.code)} · {esc(self.plan_name)}</div>"
            f"<h2 style='margin:2px 0;color:{INK}'>Hello, {esc(self.name)}</h2></div>"
        )
        self.intro.value = _note(
            self.content.ended if ended else self.content.participant, INK, "14px"
        )
        mine = {r.prompt: r for r in self.store.workshop_answers(session.code, self.name)}
        prompts = [p for p in session.prompts if p.open or p.id in mine]
        for key, card in list(self.cards.items()):
            if card.prompt not in prompts:  # closed, or changed since it was drawn
                close_tree(self.cards.pop(key).widget)
        for prompt in prompts:
            record = mine.get(prompt.id)
            if prompt.id not in self.cards:
                self.cards[prompt.id] = AnswerCard(self, prompt, record and record.answer)
            card = self.cards[prompt.id]
            card.show_saved(record)
            card.show_team(live.summary(prompt) if session.revealed else None)
            if ended or not prompt.open:
                card.freeze(
                    "The session has ended: your answers are kept as sent."
                    if ended
                    else "The facilitator has closed this question: your answer is kept as sent."
                )
        children: list[W.Widget] = [self.cards[p.id].widget for p in prompts]
        moves = self._moves()
        if len(moves) > 1:  # one move at a time, with a way to the others
            children.insert(children.index(self.cards[moves[0]].widget), self.stepper)
        self._show_move()
        self.body.children = children or [self.waiting]
        if ended:
            self.ticker.stop()

    # --- estimate questions, one move at a time -----------------------------------------

    def _moves(self) -> list[str]:
        return [k for k, c in self.cards.items() if isinstance(c.prompt, EstimatePrompt)]

    def _show_move(self) -> None:
        moves = self._moves()
        if self.move not in moves:
            self.move = moves[0] if moves else None
        for key in moves:
            shown = len(moves) == 1 or key == self.move
            self.cards[key].widget.layout.display = "" if shown else "none"
        if len(moves) < 2 or self.move is None:
            return
        index = moves.index(self.move)
        card = self.cards[self.move]
        self.move_label.value = (
            f"<div style='padding:0 12px;color:{INK};line-height:1.3'><b>Move {index + 1} of "
            f"{len(moves)}</b> · {esc(prompt_subject(card.prompt))}</div>"
        )
        _explain(
            None,
            [
                (self.move_buttons["previous"], "This is the first move." if index == 0 else ""),
                (self.move_buttons["next"],
                 "This is the last move." if index == len(moves) - 1 else ""),
            ],
        )  # fmt: skip

    def _step(self, by: int) -> None:
        moves = self._moves()
        if self.move in moves:
            index = min(max(moves.index(self.move) + by, 0), len(moves) - 1)
            self.move = moves[index]
            self._show_move()

    def sent(self, card: AnswerCard) -> None:
        """An answer was kept: after a move, go on to the next move not answered yet."""
        moves = self._moves()
        if card.prompt.id not in moves or len(moves) < 2:
            return
        mine = {r.prompt for r in self.store.workshop_answers(self.code, self.name)}
        start = moves.index(card.prompt.id)
        later = moves[start + 1 :] + moves[:start]
        self.move = next((m for m in later if m not in mine), card.prompt.id)
        self._show_move()

    def _tick(self) -> None:
        if self.live is not None and self.live.poll():
            self._render()
