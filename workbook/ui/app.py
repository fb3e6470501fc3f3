"""The app shell: the header, section navigation, the current section and its guidance.

The shell composes its parts, each owning one concern: the plan menu (picker and plan
buttons, :mod:`workbook.ui.plan_menu`) with its forms in a :class:`~workbook.ui.dialog.Dialog`,
the saving bar (:mod:`workbook.ui.saving`), the live plan and who else is on it
(:mod:`workbook.ui.live_plan`), and the workshop mode (:mod:`workbook.ui.workshop`), which
sees the shell only through :class:`workbook.ui.shell.Shell`. The shell builds only the
section on screen; the others are built when first shown. Every callback runs through
:func:`guarded`, so a visitor sees a friendly line in the status bar, never a traceback.
"""

from __future__ import annotations

import atexit
import functools
import logging
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as W
from markupsafe import Markup

from workbook.analysis.completion import completion
from workbook.ceiling import guard_memory
from workbook.content import SectionContent, load_content
from workbook.errors import PlanNotFound, WorkbookError
from workbook.render import escape
from workbook.sections import SECTIONS
from workbook.store import DB_ENV, READ_ONLY_ENV, USER_ENV, PlanStore
from workbook.ui.dialog import Dialog
from workbook.ui.forms import close_tree
from workbook.ui.kit import make
from workbook.ui.live_plan import LivePlan
from workbook.ui.plan_menu import PlanMenu
from workbook.ui.plot import PlotlyLoader
from workbook.ui.saving import SaveBar
from workbook.ui.session import Change, PlanSession, SaveStatus, Scheduler, asyncio_scheduler
from workbook.ui.style import COLORS, STYLESHEET, app_html, paragraphs_html, text_html
from workbook.ui.views import SectionView, ViewContext, view_class
from workbook.ui.workshop import WORKSHOP, WorkshopMode, participant_page
from workbook.workshop import participant_of

log = logging.getLogger(__name__)

FIRST_SECTION = SECTIONS[0].key


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
        self.scheduler, self.save_delay = scheduler, save_delay
        self.content: dict[str, SectionContent] = load_content()
        self.keys = list(self.content)
        self.session: PlanSession | None = None
        self.views: dict[str, SectionView] = {}
        self.current = FIRST_SECTION

        self.status = W.HTML(layout=W.Layout(min_height="20px", padding="2px 8px"))
        self.status_text = ""
        self.status.add_class("nw-status")
        self._guard = guarded(self.say)

        # header: its parts
        self.dialog = Dialog(self.guard)
        self.menu = PlanMenu(self, self.dialog)
        self.saving = SaveBar(self, self.dialog, author)
        self.live = LivePlan(self, self.saving.guard, self._where)
        self.workshop = WorkshopMode(self)
        badge = W.HTML(
            f"<span style='background:{COLORS['warn']};color:{COLORS['page']};padding:2px 8px;"
            "border-radius:10px;font-size:12px'>Read-only</span>"
            if self.read_only
            else ""
        )
        toolbar = W.HBox(
            [
                *self.menu.widgets,
                self.workshop.buttons,
                badge,
                make(W.HBox, layout={"flex": "1"}),
                self.workshop.join_entry,
                self.saving.author_box,
                self.saving.label,
                self.live.presence,
                self.saving.browser,
            ],
            layout=W.Layout(align_items="center", width="100%", flex_flow="row wrap"),
        )
        header = W.VBox(
            [self.saving.guard, toolbar, self.dialog.box],
            layout=W.Layout(padding="8px", border_bottom=f"1px solid {COLORS['line']}"),
        )

        # navigation
        self.nav_buttons: dict[str, W.Button] = {}
        self.nav_meters: dict[str, W.HTML] = {}
        items: list[W.Widget] = []
        for key in self.keys:
            section = self.content[key]
            label = f"{section.number}. {section.title}" if section.number else section.title
            button = make(
                W.Button, description=label, layout={"width": "100%"}, tooltip=section.lead
            )
            button.add_class(f"nw-nav-{key}")
            button.on_click(self.guard(lambda _b, k=key: self.show(k)))
            meter = make(W.HTML, layout={"width": "100%", "padding": "0 4px 6px 4px"})
            self.nav_buttons[key], self.nav_meters[key] = button, meter
            items += [button, meter]
        nav = W.VBox(items, layout=W.Layout(padding="8px", width="100%"))

        # center and guidance
        self.stack = W.Stack(
            [make(W.VBox) for _ in self.keys], selected_index=0, layout=W.Layout(width="100%")
        )
        self.guidance = W.HTML(layout=W.Layout(padding="8px 12px"))
        guidance_box = W.VBox(
            [self.guidance],
            layout=W.Layout(border_left=f"1px solid {COLORS['line']}", width="100%"),
        )

        body = W.AppLayout(
            left_sidebar=nav,
            center=W.VBox(
                [self.stack, self.workshop.panel_box, PlotlyLoader()], layout=W.Layout(width="100%")
            ),
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

    @property
    def author(self) -> str:
        """The name the user's saves carry (the name box, or who signed in)."""
        return self.saving.author

    @author.setter
    def author(self, name: str) -> None:
        self.saving.author = name

    # --- messages --------------------------------------------------------------------

    def say(self, text: str, tone: str = "error") -> None:
        """Show a message in the status line (empty text clears it)."""
        color = COLORS.get(tone, COLORS["ink"])
        self.status_text = text
        self.status.value = f"<span style='color:{color}'>{text_html(text)}</span>" if text else ""

    def guard(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """``fn`` as a widget callback whose errors become a friendly status line."""
        return self._guard(fn)

    # --- plans -----------------------------------------------------------------------

    def start(self, plan: str | None = None, section: str | None = None) -> WorkbookApp:
        """Open ``plan`` (id or name), else the most recent plan, on ``section``."""
        notes = []
        if section in (*self.keys, WORKSHOP):
            self.current = section
        elif section:
            notes.append(f"There is no section {section[:40]!r}; showing the first one.")
        self.menu.refresh()
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

    def open(self, plan_id: str, section: str | None = None) -> None:
        """Open a plan: save the current one first, then rebuild the sections lazily."""
        if self.session is not None:
            self.session.flush()
        stored = self.store.load(plan_id)
        role = self.store.role(plan_id)
        if section is not None:
            self.current = section
        self.session = PlanSession(
            self.store,
            stored,
            author=self.saving.author_box.value.strip()[:80],
            read_only=self.read_only or role == "viewer",
            save_delay=self.save_delay,
            scheduler=self.scheduler,
        )
        self.session.on_status(self.saving.show_status)
        self.session.subscriptions().on((), self._plan_changed)
        self._drop_views()
        self.menu.refresh(selected=plan_id)
        self.saving.show_status(self.session.status)
        self.dialog.hide()
        self.show(self.current)
        self._update_nav()
        self.menu.opened(role)
        self.widget.add_class("nw-ready")
        self.saving.guard.revision = self.session.revision
        self.saving.guard.plan_id = plan_id
        self.live.start()

    def _where(self) -> str:
        """The section on screen, as others on the plan see it named."""
        return "Workshop" if self.current == WORKSHOP else self.content[self.current].title

    def flush(self) -> None:
        """Save what is typed now (the page is going away)."""
        if self.session is not None:
            self.session.flush()

    def leave(self) -> None:
        """The page is gone: save what was typed, and stop showing it to others on the plan."""
        self.flush()
        try:
            self.live.leave()
        except Exception as exc:  # at exit, best effort: the presence expires anyway
            log.info("could not say the page left: %s", exc)

    def _empty(self) -> None:
        self._drop_views()
        self.live.stop()
        self.session = None
        self.menu.closed()
        self.stack.children = [
            W.HTML(
                "<h2>Welcome</h2><p>There is no negotiation yet. Create the first one to start "
                "preparing.</p>"
            ),
            *self.stack.children[1:],
        ]
        self.stack.selected_index = 0
        self.saving.label.value = ""
        if not self.read_only:
            self.menu.ask_new()
        self.widget.add_class("nw-ready")

    def _drop_views(self) -> None:
        self.workshop.drop()
        for view in self.views.values():
            view.close()
        self.views.clear()
        self.stack.children = [make(W.VBox) for _ in self.keys]

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

    # --- what a mode of the app may use (workbook.ui.shell.Shell) --------------------

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
        app.saving.sign_in(user)
    query = parse_qs(os.environ.get("QUERY_STRING", ""), max_num_fields=10, keep_blank_values=True)
    name = _first(query, "name")
    if code := participant_of(user):  # joined by a code: that workshop and nothing else
        return guard_memory(participant_page(app, code, name))
    if "join" in query:
        return guard_memory(participant_page(app, query["join"][0], name))
    plan = plan or _first(query, "plan")
    section = section or _first(query, "section")
    app.start(plan=plan, section=section)
    return guard_memory(app.widget)  # served: the page is told if it outgrows its memory


def _first(query: dict[str, list[str]], key: str) -> str | None:
    """The first value of ``key`` in a parsed query string, if any."""
    return next(iter(query.get(key) or []), None)


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
    sheet = W.HTML(f"<style>{STYLESHEET}</style>")  # the app's page adds it in its bridge
    box = W.VBox([sheet, W.HBox([heading, status]), view.widget, PlotlyLoader()])
    box.add_class("nw-app")
    box.session = session  # for analysts: box.session.plan
    return box


__all__ = ["WorkbookApp", "launch", "section_app"]
