"""The app shell: plan picker, section navigation, the current section and its guidance.

The shell builds only the section on screen; the others are built when first shown.
Every callback runs through :func:`guarded`, so a visitor sees a friendly line in the
status bar, never a traceback.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import logging
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as W
from markupsafe import Markup
from pydantic import ValidationError

from workbook.analysis.completion import completion
from workbook.ceiling import guard_memory
from workbook.content import SectionContent, load_content
from workbook.errors import NotAllowed, PlanNotFound, WorkbookError, describe
from workbook.model import Plan, new_id
from workbook.render import escape
from workbook.sections import SECTIONS
from workbook.store import (
    DB_ENV,
    READ_ONLY_ENV,
    ROLES,
    USER_ENV,
    PlanStore,
    Presence,
    company_key,
    example_plan,
)
from workbook.ui.browser import MAX_NAME, BrowserBridge
from workbook.ui.changes import ChangesView
from workbook.ui.forms import close_tree, message_widget, parse_number
from workbook.ui.guard import KeptEdits, SaveGuard, class_path
from workbook.ui.session import Change, PlanSession, SaveStatus, Scheduler, asyncio_scheduler
from workbook.ui.style import COLORS, app_html, paragraphs_html, text_html
from workbook.ui.views import SectionView, ViewContext, view_class
from workbook.ui.workshop import WORKSHOP, Ticker, WorkshopMode, participant_page
from workbook.workshop import participant_of

log = logging.getLogger(__name__)

FIRST_SECTION = SECTIONS[0].key

LIVE_INTERVAL = 1.0
"""Seconds between two checks for others' saves of the open plan (one indexed query)."""


def guarded(status: Callable[[str], None]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Wrap a widget callback so that any error becomes a friendly status message."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except WorkbookError as exc:
                status(str(exc)[:1].upper() + str(exc)[1:])
            except Exception:
                log.exception("a callback failed")
                status("Something went wrong there. Your saved work is safe; please try again.")
            return None

        return run

    return wrap


def _progress_html(done: int, total: int) -> str:
    """A small completion meter for the navigation."""
    return app_html("meter", done=done, total=total)


def plan_label(name: str, counterpart: str) -> str:
    """A plan as the picker lists it: its name, and the counterpart unless the name says it."""
    if counterpart and counterpart.casefold() not in name.casefold():
        return f"{name} · {counterpart}"
    return name


ROLE_CHOICES = [("Owner", "owner"), ("Editor", "editor"), ("Viewer", "viewer")]
"""A member's roles as the Share panel names them."""


class WorkbookApp:
    """The whole workbook as one widget: ``WorkbookApp(store).start()`` then ``.widget``."""

    def __init__(
        self,
        store: PlanStore,
        *,
        read_only: bool = False,
        author: str = "",
        scheduler: Scheduler = asyncio_scheduler,
        save_delay: float = 0.8,
    ):
        self.store = store
        self.read_only = read_only or store.read_only
        self.author = author
        self.scheduler, self.save_delay = scheduler, save_delay
        self.live = Ticker(scheduler, LIVE_INTERVAL, self._live_tick)
        self.content: dict[str, SectionContent] = load_content()
        self.keys = list(self.content)
        self.session: PlanSession | None = None
        self.views: dict[str, SectionView] = {}
        self.current = FIRST_SECTION

        self.status = W.HTML(layout=W.Layout(min_height="20px", padding="2px 8px"))
        self.status_text = ""
        self.status.add_class("nw-status")
        guard = guarded(self.say)
        self._guard = guard

        # header
        self.picker = W.Dropdown(layout=W.Layout(width="auto", min_width="280px"))
        self.picker.add_class("nw-plan-picker")
        self.picker.observe(guard(self._picked), names="value")
        buttons = {
            "new": ("New", "plus", self.ask_new),
            "rename": ("Rename", "pencil", self.ask_rename),
            "duplicate": ("Duplicate", "copy", self.duplicate),
            "delete": ("Delete", "trash", self.ask_delete),
            "changes": ("What changed", "history", self.ask_changes),
            "share": ("Share", "user-plus", self.ask_share),
        }
        self.buttons: dict[str, W.Button] = {}
        for key, (label, icon, action) in buttons.items():
            button = W.Button(
                description=label,
                icon=icon,
                layout=W.Layout(width="auto"),
                disabled=self.read_only and key != "changes",
                tooltip=f"{label} a negotiation"
                if key != "changes"
                else "What changed since an earlier revision, by whom and when",
            )
            button.add_class(f"nw-{key}")
            button.on_click(guard(lambda _b, act=action: act()))
            self.buttons[key] = button
        self.author_box = W.Text(
            value=author,
            placeholder="Your name",
            layout=W.Layout(width="150px"),
            tooltip="Shown in the plan's history next to your saves",
        )
        self.author_box.add_class("nw-author")
        self.author_box.observe(guard(self._author_changed), names="value")
        self.browser = BrowserBridge(author=author)
        self.browser.observe(guard(self._remembered), names="remembered")
        self.page_id = new_id()
        self.presence = W.HTML()
        self.presence.add_class("nw-presence")
        self.save_label = W.HTML(layout=W.Layout(min_width="160px"))
        self.save_label.add_class("nw-save-status")
        badge = W.HTML(
            f"<span style='background:{COLORS['warn']};color:{COLORS['page']};padding:2px 8px;"
            "border-radius:10px;font-size:12px'>Read-only</span>"
            if self.read_only
            else ""
        )
        self.workshop = WorkshopMode(self)
        toolbar = W.HBox(
            [
                self.picker,
                *self.buttons.values(),
                self.workshop.buttons,
                badge,
                W.HBox(layout=W.Layout(flex="1")),
                self.workshop.join_entry,
                self.author_box,
                self.save_label,
                self.presence,
                self.browser,
            ],
            layout=W.Layout(align_items="center", width="100%", flex_flow="row wrap"),
        )
        self.dialog = W.VBox(
            layout=W.Layout(
                display="none", padding="8px", margin="6px 0", border=f"1px solid {COLORS['line']}"
            )
        )
        self.dialog.add_class("nw-dialog")
        self.guard = SaveGuard(on_flush=guard(self.flush), on_kept=guard(self._kept))
        header = W.VBox(
            [self.guard, toolbar, self.dialog],
            layout=W.Layout(padding="8px", border_bottom=f"1px solid {COLORS['line']}"),
        )

        # navigation
        self.nav_buttons: dict[str, W.Button] = {}
        self.nav_meters: dict[str, W.HTML] = {}
        items: list[W.Widget] = []
        for key in self.keys:
            section = self.content[key]
            label = f"{section.number}. {section.title}" if section.number else section.title
            button = W.Button(
                description=label, layout=W.Layout(width="100%"), tooltip=section.lead
            )
            button.add_class(f"nw-nav-{key}")
            button.on_click(guard(lambda _b, k=key: self.show(k)))
            meter = W.HTML(layout=W.Layout(width="100%", padding="0 4px 6px 4px"))
            self.nav_buttons[key], self.nav_meters[key] = button, meter
            items += [button, meter]
        nav = W.VBox(items, layout=W.Layout(padding="8px", width="100%"))

        # center and guidance
        self.stack = W.Stack(
            [W.VBox() for _ in self.keys], selected_index=0, layout=W.Layout(width="100%")
        )
        self.guidance = W.HTML(layout=W.Layout(padding="8px 12px"))
        guidance_box = W.VBox(
            [self.guidance],
            layout=W.Layout(border_left=f"1px solid {COLORS['line']}", width="100%"),
        )

        body = W.AppLayout(
            left_sidebar=nav,
            center=W.VBox([self.stack, self.workshop.panel_box], layout=W.Layout(width="100%")),
            right_sidebar=guidance_box,
            pane_widths=["230px", 1, "300px"],
            grid_gap="0px",
            layout=W.Layout(width="100%"),
        )
        body.add_class("nw-body")
        self.widget = W.VBox(
            [header, body, self.status, self.workshop.projector_box], layout=W.Layout(width="100%")
        )
        self.widget.add_class("nw-app")

    # --- messages --------------------------------------------------------------------

    def say(self, text: str, tone: str = "error") -> None:
        """Show a message in the status line (empty text clears it)."""
        color = COLORS.get(tone, COLORS["ink"])
        self.status_text = text
        self.status.value = f"<span style='color:{color}'>{text_html(text)}</span>" if text else ""

    # --- plans -----------------------------------------------------------------------

    def start(self, plan: str | None = None, section: str | None = None) -> WorkbookApp:
        """Open ``plan`` (id or name), else the most recent plan, on ``section``."""
        notes = []
        if section in (*self.keys, WORKSHOP):
            self.current = section
        elif section:
            notes.append(f"There is no section {section[:40]!r}; showing the first one.")
        self._refresh_picker()
        plans = self.store.list_plans()
        target = None
        if plan:
            try:
                target = self.store.resolve(plan)
            except PlanNotFound:
                notes.append(
                    f"No negotiation {plan[:60]!r} was found; showing the most recent one."
                )
        self.say(" ".join(notes))
        if target is None and plans:
            target = plans[0].id
        if target is None:
            self._empty()
        else:
            self.open(target)
        return self

    def _refresh_picker(self, selected: str | None = None) -> None:
        plans = self.store.list_plans()
        options = [(plan_label(p.name, p.counterpart), p.id) for p in plans]
        self._picking = True
        try:
            self.picker.options = options
            if selected is not None and selected in [v for _, v in options]:
                self.picker.value = selected
        finally:
            self._picking = False

    def _picked(self, change: dict[str, Any]) -> None:
        if getattr(self, "_picking", False) or change["new"] is None:
            return
        if self.session is not None and change["new"] == self.session.plan.id:
            return
        self.open(change["new"])

    def open(self, plan_id: str) -> None:
        """Open a plan: save the current one first, then rebuild the sections lazily."""
        if self.session is not None:
            self.session.flush()
        stored = self.store.load(plan_id)
        role = self.store.role(plan_id)
        self.session = PlanSession(
            self.store,
            stored,
            author=self.author_box.value.strip()[:80],
            read_only=self.read_only or role == "viewer",
            save_delay=self.save_delay,
            scheduler=self.scheduler,
        )
        self.session.on_status(self._show_status)
        self.session.subscriptions().on((), self._plan_changed)
        self._drop_views()
        self._refresh_picker(selected=plan_id)
        self._show_status(self.session.status)
        self._hide_dialog()
        self.show(self.current)
        self._update_nav()
        self.buttons["duplicate"].disabled = self.read_only
        self.buttons["changes"].disabled = False
        self.buttons["rename"].disabled = self.session.read_only
        self.buttons["delete"].disabled = self.read_only or role != "owner"
        self.buttons["share"].disabled = self.read_only or role not in ("editor", "owner")
        self.widget.add_class("nw-ready")
        self.guard.revision = self.session.revision
        self.guard.plan_id = plan_id
        self.live.start()

    def _live_tick(self) -> None:
        """Show others' saves of the open plan: the fields and charts they touched redraw."""
        self.guard.beat += 1
        if self.session is not None:
            self.session.poll()
            self.guard.revision = self.session.revision
            self._mark_here()

    def _mark_here(self) -> None:
        """Say in the store that this page shows the plan, and show who else is on it."""
        if self.session is None:
            return
        plan_id = self.session.plan.id
        if not self.read_only:
            section = "Workshop" if self.current == WORKSHOP else self.content[self.current].title
            name = self.store.user or self.author or "Someone"
            self.store.mark_here(self.page_id, plan_id, name, section)
        others = self.store.here(plan_id, besides=self.page_id)
        self.presence.value = presence_html(others)

    def _kept(self, plan_id: str, kept: KeptEdits) -> None:
        """The browser kept edits of this plan while the server was away: offer them."""
        if self.session is None or plan_id != self.session.plan.id or self.session.read_only:
            return
        count = len(kept["edits"])

        def restore() -> None:
            self._hide_dialog()
            self.restore_kept(plan_id, kept)

        def discard() -> None:
            self._hide_dialog()
            self.guard.forget(plan_id)

        self._show_dialog(
            W.HTML(
                f"<b>{count} edit{'s' if count > 1 else ''} typed while the server was not "
                f"answering</b> ({text_html(_when(kept['at']))}) were kept in this browser. "
                "Restore them? What others saved since stays; where both changed a field, "
                "it is shown there."
            ),
            self._buttons(("Restore", "primary", restore), ("Discard", "", discard)),
        )

    def restore_kept(self, plan_id: str, kept: KeptEdits) -> None:
        """Apply edits kept in the browser to the revision they were typed on, then merge."""
        assert self.session is not None
        try:
            base = self.store.load(plan_id, kept["base"])
        except PlanNotFound:
            self.guard.forget(plan_id)
            self.say("The revision those edits were typed on is gone; they were dropped.")
            return
        data = base.plan.model_dump()
        applied = 0
        for text_path, text in kept["edits"].items():
            trial = _with_text(data, base.plan, class_path(text_path), text)
            if trial is None:
                continue
            try:
                Plan.model_validate(trial)
            except ValidationError:
                continue
            data, applied = trial, applied + 1
        self.session.restore(base, Plan.model_validate(data))
        self.guard.forget(plan_id)
        self.say(f"Restored {applied} of {len(kept['edits'])} kept edits.", "ok")

    def flush(self) -> None:
        """Save what is typed now (the page is going away)."""
        if self.session is not None:
            self.session.flush()

    def leave(self) -> None:
        """The page is gone: save what was typed, and stop showing it to others on the plan."""
        self.flush()
        if not self.read_only:
            try:
                self.store.leave(self.page_id)
            except Exception as exc:  # at exit, best effort: the presence expires anyway
                log.info("could not say the page left: %s", exc)

    def _empty(self) -> None:
        self._drop_views()
        self.live.stop()
        self.session = None
        for button in ("rename", "duplicate", "delete", "changes"):
            self.buttons[button].disabled = True
        self.stack.children = [
            W.HTML(
                "<h2>Welcome</h2><p>There is no negotiation yet. Create the first one to start "
                "preparing.</p>"
            ),
            *self.stack.children[1:],
        ]
        self.stack.selected_index = 0
        self.save_label.value = ""
        if not self.read_only:
            self.ask_new()
        self.widget.add_class("nw-ready")

    def _drop_views(self) -> None:
        self.workshop.drop()
        for view in self.views.values():
            view.close()
        self.views.clear()
        self.stack.children = [W.VBox() for _ in self.keys]

    def _plan_changed(self, change: Change) -> None:
        self._update_nav()
        if change.kind == "reload":
            current = self.current
            self._drop_views()
            self.show(current)

    def _update_nav(self) -> None:
        if self.session is None:
            return
        done = completion(self.session.plan)
        for key in self.keys:
            state = done.get(key)
            if state is not None:
                self.nav_meters[key].value = _progress_html(state.done, state.total)

    # --- sections --------------------------------------------------------------------

    def show(self, key: str) -> None:
        """Show a section, building it the first time (``WORKSHOP``: the facilitator's panel)."""
        if key == WORKSHOP:
            self.workshop.show_panel()
            return
        self.workshop.hide_panel()
        if key not in self.keys:
            raise WorkbookError(f"there is no section {key!r}")
        if self.current in self.views and self.current != key:
            self.views[self.current].hidden()
        self.current = key
        for name, button in self.nav_buttons.items():
            button.button_style = "primary" if name == key else ""
        section = self.content[key]
        self.guidance.value = app_html(
            "guidance",
            title=f"{section.title}: how to use this page",
            body=Markup(paragraphs_html(section.guidance)),
        )
        if self.session is None:
            return
        index = self.keys.index(key)
        if key not in self.views:
            ctx = ViewContext(self.session, self.store, section)
            view = view_class(key)(ctx)
            self.views[key] = view
            children = list(self.stack.children)
            old = children[index]
            children[index] = view.widget
            self.stack.children = children
            close_tree(old)
        self.stack.selected_index = index
        self.views[key].shown()

    # --- saving ----------------------------------------------------------------------

    # --- what a mode of the app may use (workbook.ui.shell.Shell) --------------------

    def guard(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` as a widget callback whose errors become a friendly status line."""
        return self._guard(fn)

    def enter(self, key: str, guidance: str) -> None:
        """Leave the section on screen for the mode ``key``, with ``guidance`` (HTML) beside."""
        if self.current in self.views:
            self.views[self.current].hidden()
        self.current = key
        for button in self.nav_buttons.values():
            button.button_style = ""
        self.guidance.value = guidance

    def show_sections(self, visible: bool) -> None:
        """Show or hide the sections' area (a mode shows its own panel in its place)."""
        self.stack.layout.display = "" if visible else "none"

    def cover(self, widget: W.Widget, on: bool) -> None:
        """Let ``widget``, one part of the app, fill it alone; or show the other parts again."""
        for child in self.widget.children:
            if child is not widget:
                child.layout.display = "none" if on else ""

    def close(self) -> None:
        """Close every widget of the app (a page that shows something else instead)."""
        close_tree(self.widget)

    def _show_status(self, status: SaveStatus) -> None:
        colors = {
            "saved": COLORS["ok"],
            "conflict": COLORS["error"],
            "error": COLORS["error"],
            "read_only": COLORS["warn"],
        }
        color = colors.get(status.state, COLORS["muted"])
        self.save_label.value = (
            f"<span style='color:{color};font-size:13px'>{text_html(status.message)}</span>"
        )

    def _author_changed(self, change: dict[str, Any]) -> None:
        self.author = str(change["new"]).strip()[:MAX_NAME]
        self.browser.author = self.author
        if self.session is not None:
            self.session.author = self.author

    def _remembered(self, change: dict[str, Any]) -> None:
        """The browser remembered a name: use it, unless a name is already there."""
        name = " ".join(str(change["new"]).split())[:MAX_NAME]
        if name and not self.author_box.value.strip():
            self.author_box.value = name

    # --- dialogs ---------------------------------------------------------------------

    def _show_dialog(self, *children: W.Widget) -> None:
        for child in self.dialog.children:
            close_tree(child)
        self.dialog.children = list(children)
        self.dialog.layout.display = ""

    def _hide_dialog(self) -> None:
        for child in self.dialog.children:
            close_tree(child)
        self.dialog.children = []
        self.dialog.layout.display = "none"

    def _buttons(self, *specs: tuple[str, str, Callable[[], None]]) -> W.HBox:
        row = []
        for label, style, action in specs:
            button = W.Button(description=label, button_style=style, layout=W.Layout(width="auto"))
            button.add_class("nw-dialog-" + label.lower().replace(" ", "-"))
            button.on_click(self._guard(lambda _b, act=action: act()))
            row.append(button)
        return W.HBox(row, layout=W.Layout(margin="6px 0 0 0"))

    def ask_new(self) -> None:
        """Show the form that creates a negotiation."""
        if self.read_only:
            return
        fields = {
            "name": W.Text(placeholder="Northwind: fleet renewal 2027"),
            "counterpart": W.Text(placeholder="The company on the other side"),
            "company": W.Text(
                value=self._our_company(), placeholder="The company you negotiate for"
            ),
            "side": W.ToggleButtons(options=[("We sell", "sell"), ("We buy", "buy")], value="sell"),
            "deal_value": W.Text(placeholder="e.g. 1,200,000"),
            "currency": W.Text(value="EUR", layout=W.Layout(width="80px")),
            "date": W.DatePicker(),
        }
        labels = {
            "name": "Name",
            "counterpart": "Counterpart",
            "company": "Our company",
            "side": "Side",
            "deal_value": "Deal value",
            "currency": "Currency",
            "date": "Date",
        }
        messages = {k: message_widget() for k in fields}
        for key, widget in fields.items():
            widget.add_class(f"nw-new-{key}")

        def create() -> None:
            for m in messages.values():
                m.say("")
            data: dict[str, Any] = {k: w.value for k, w in fields.items()}
            try:
                data["deal_value"] = parse_number(data["deal_value"] or "0")
            except ValueError as exc:
                messages["deal_value"].say(str(exc))
                return
            data["currency"] = str(data["currency"]).strip().upper()
            try:
                plan = Plan.model_validate(data)
            except ValidationError as exc:
                for problem in describe(exc):
                    key = problem.field.split(".")[0]
                    target = messages.get(key, messages["name"])
                    target.say(problem.message[:1].upper() + problem.message[1:])
                return
            stored = self.store.create(plan, author=self.author, note="created")
            self.current = FIRST_SECTION
            self.open(stored.plan.id)
            self.say(f"Created {stored.plan.name}.", "ok")

        cells = {
            k: W.VBox([W.HTML(f"<b>{labels[k]}</b>"), w, messages[k]]) for k, w in fields.items()
        }
        grid = W.GridBox(
            list(cells.values()),
            layout=W.Layout(
                grid_template_columns="repeat(auto-fill, minmax(190px, 1fr))",
                grid_gap="0 10px",
                width="100%",
            ),
        )
        cancel = [] if self.session is None else [("Cancel", "", self._hide_dialog)]
        self._show_dialog(
            W.HTML("<b style='font-size:15px'>New negotiation</b>"),
            grid,
            self._buttons(("Create", "primary", create), *cancel),
        )

    def _our_company(self) -> str:
        """The company a new plan starts with: the open plan's, unless that is the example's."""
        if self.session is None:
            return ""
        company = self.session.plan.company
        return "" if company_key(company) == company_key(example_plan().company) else company

    def ask_rename(self) -> None:
        """Show the form that renames the open negotiation."""
        if self.session is None or self.session.read_only:
            return
        box = W.Text(value=self.session.plan.name, layout=W.Layout(width="420px"))
        box.add_class("nw-rename-name")
        message = message_widget()

        def rename() -> None:
            assert self.session is not None
            problem = self.session.set(("name",), box.value)
            if problem:
                message.say(problem)
                return
            self.session.flush()
            self._refresh_picker(selected=self.session.plan.id)
            self._hide_dialog()

        self._show_dialog(
            W.HTML("<b>Rename this negotiation</b>"),
            box,
            message,
            self._buttons(("Rename", "primary", rename), ("Cancel", "", self._hide_dialog)),
        )

    def duplicate(self) -> None:
        """Copy the open negotiation and open the copy."""
        if self.session is None or self.read_only:
            return
        self.session.flush()
        copy = self.store.duplicate(self.session.plan.id, author=self.author)
        self.open(copy.plan.id)
        self.say(f"Opened a copy: {copy.plan.name}.", "ok")

    def ask_changes(self) -> None:
        """Show what changed in the open negotiation since a revision the user picks."""
        if self.session is None:
            return
        self.flush()
        self.changes_view = ChangesView(self.store, self.session.plan.id)
        self._show_dialog(
            W.HTML("<b>What changed since…</b>"),
            self.changes_view.widget,
            self._buttons(("Close", "", self._hide_dialog)),
        )

    def _may(self, role: str) -> bool:
        """Whether the user's role on the open plan is ``role`` or above (never a widget's
        state, which a page can change)."""
        if self.session is None or self.read_only:
            return False
        mine = self.store.role(self.session.plan.id)
        return mine is not None and ROLES.index(mine) >= ROLES.index(role)

    def ask_share(self, note: str = "") -> None:
        """Show who is on the open negotiation: add a person by name, change a role, remove."""
        if self.session is None or not self._may("editor"):
            return
        plan_id = self.session.plan.id
        message = message_widget()
        if note:
            message.say(note)

        def change(act: Callable[[], None]) -> None:
            try:
                act()
            except NotAllowed as exc:  # shown again as it is in the store, with the reason
                self.ask_share(str(exc))
                return
            self.ask_share()

        rows: list[W.Widget] = []
        for user, role in self.store.members(plan_id):
            name = W.HTML(f"<b>{text_html(user)}</b>", layout=W.Layout(width="180px"))
            pick = W.Dropdown(options=ROLE_CHOICES, value=role, layout=W.Layout(width="auto"))
            pick.add_class("nw-share-role")
            pick.observe(
                self._guard(
                    lambda c, u=user: change(lambda: self.store.share(plan_id, u, c["new"]))
                ),
                names="value",
            )
            remove = W.Button(description="Remove", layout=W.Layout(width="auto"))
            remove.add_class("nw-share-remove")
            remove.on_click(
                self._guard(lambda _b, u=user: change(lambda: self.store.unshare(plan_id, u)))
            )
            rows.append(W.HBox([name, pick, remove], layout=W.Layout(align_items="center")))
        who = W.Text(placeholder="The name they sign in with", layout=W.Layout(width="240px"))
        who.add_class("nw-share-name")
        role = W.Dropdown(options=ROLE_CHOICES[1:], value="viewer", layout=W.Layout(width="auto"))
        role.add_class("nw-share-new-role")

        def add() -> None:
            if not who.value.strip():
                message.say("Type the name the person signs in with.")
                return
            change(lambda: self.store.share(plan_id, who.value, role.value))

        self._show_dialog(
            W.HTML(
                "<b>Who is on this negotiation</b><br>Editors change the plan, share it and run "
                "workshops; viewers read it and export the brief."
            ),
            *rows,
            W.HBox([who, role], layout=W.Layout(align_items="center")),
            message,
            self._buttons(("Add", "primary", add), ("Close", "", self._hide_dialog)),
        )

    def ask_delete(self) -> None:
        """Ask for confirmation, then remove the open negotiation from the list."""
        if self.session is None or not self._may("owner"):
            return
        name = self.session.plan.name

        def delete() -> None:
            assert self.session is not None
            self.session.flush()
            self.store.delete(self.session.plan.id)
            self.session = None
            self._hide_dialog()
            self.start()
            self.say(f"Deleted {name}.", "ok")

        self._show_dialog(
            W.HTML(
                f"<b>Delete {escape(name)}?</b> It disappears from the list for "
                "everyone. Its saved revisions stay in the database."
            ),
            self._buttons(("Delete", "danger", delete), ("Cancel", "", self._hide_dialog)),
        )


def _with_text(data: Any, plan: Plan, path: tuple[Any, ...], text: str) -> Any:
    """``data`` with the text typed into the field at ``path`` read as that field reads it."""
    import copy

    from workbook.ui.forms import field_spec

    try:
        spec = field_spec(path, plan)
        kind = spec.kind()
        if kind in ("number", "digits"):
            value: Any = parse_number(text, integer=spec.base is int, optional=spec.optional)
        elif kind in ("text", "textarea"):
            value = text
        else:
            return None
        out = copy.deepcopy(data)
        target = out
        for part in path[:-1]:
            target = target[part]
        if path[-1] not in target:
            return None
        target[path[-1]] = value
        return out
    except Exception:
        return None


def presence_html(others: list[Presence]) -> str:
    """The header's line of who else has the plan open, names and sections escaped."""
    if not others:
        return ""
    shown = [f"{escape(p.name or 'Someone')} ({escape(p.section)})" for p in others[:6]]
    more = f" and {len(others) - 6} more" if len(others) > 6 else ""
    return (
        f"<span style='color:{COLORS['ink']};font-size:13px'>Also here: "
        f"{', '.join(shown)}{more}</span>"
    )


def _when(iso: str) -> str:
    try:
        return (
            dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
            .astimezone()
            .strftime("%d %b %H:%M")
        )
    except ValueError:
        return "earlier"


def launch(
    plan: str | None = None,
    section: str | None = None,
    *,
    db: str | os.PathLike[str] | None = None,
    read_only: bool | None = None,
) -> W.Widget:
    """Build the app and open a plan; the notebook displays what this returns.

    Under Voilà the plan and section may come from the URL (``?plan=ID&section=scenarios``);
    ``?join=CODE&name=NAME`` shows a workshop participant's questions instead of the app.
    """
    if read_only is None:
        read_only = os.environ.get(READ_ONLY_ENV, "") == "1"
    store = PlanStore(db if db is not None else os.environ.get(DB_ENV) or None, read_only=read_only)
    store.ensure_example()
    app = WorkbookApp(store, read_only=read_only)
    atexit.register(app.leave)  # the kernel shuts down when the page closes: save first
    _wait_for_request()
    user = os.environ.get(USER_ENV, "").strip()
    if user:  # the store acts for this person; their saves carry their name
        store.user = user
        app.author = user
        app.author_box.value = user
        app.author_box.disabled = True
        app.author_box.layout.display = "none"
    query = parse_qs(os.environ.get("QUERY_STRING", ""), max_num_fields=10, keep_blank_values=True)
    name = (query.get("name") or [None])[0]
    if code := participant_of(user):  # joined by a code: that workshop and nothing else
        return guard_memory(participant_page(app, code, name))
    if "join" in query:
        return guard_memory(participant_page(app, query["join"][0], name))
    plan = plan or (query.get("plan") or [None])[0]
    section = section or (query.get("section") or [None])[0]
    app.start(plan=plan, section=section)
    return guard_memory(app.widget)  # served: the page is told if it outgrows its memory


def _wait_for_request() -> None:
    """With Voilà's preheated kernels, wait until a visitor's request arrives."""
    from workbook.preheat import wait_for_request

    wait_for_request()


def section_app(
    key: str,
    plan: str | None = None,
    *,
    db: str | os.PathLike[str] | None = None,
    read_only: bool = False,
) -> W.Widget:
    """One section alone for one plan (id or name; the most recent when None)."""
    store = PlanStore(db if db is not None else os.environ.get(DB_ENV) or None, read_only=read_only)
    store.ensure_example()
    content = load_content()
    if key not in content:
        raise WorkbookError(f"there is no section {key!r}; choose one of {', '.join(content)}")
    plans = store.list_plans()
    if not plans:
        raise PlanNotFound("the store holds no plan yet; create one in the app first")
    plan_id = store.resolve(plan) if plan else plans[0].id
    session = PlanSession(store, store.load(plan_id), read_only=read_only)
    status = W.HTML()

    def show(state: SaveStatus) -> None:
        status.value = text_html(state.message)

    session.on_status(show)
    show(session.status)
    view = view_class(key)(ViewContext(session, store, content[key]))
    view.shown()
    heading = W.HTML(f"<b>{escape(session.plan.name)}</b> · revision {session.revision}")
    box = W.VBox([W.HBox([heading, status]), view.widget])
    box.session = session  # type: ignore[attr-defined]  # for analysts: box.session.plan
    return box


__all__ = ["WorkbookApp", "launch", "section_app"]
