"""Serve the workbook app with standalone Voilà, locked down for a local single-user app.

>>> serve(8866, db=Path("plans.sqlite"))  # doctest: +SKIP

What the configuration in :func:`voila_config` guarantees, and why:

- standalone Voilà on one notebook, never the Jupyter server extension (which would let a
  visitor run code); the kernel accepts only widget (comm) and kernel-info messages;
- loopback by default, with no sign-in, because the app is for the person at this
  machine; on any other address (``ip``, for a workshop on a room's network) every
  visitor signs in first, with the token printed in the log (a ready-to-open address) or
  a password given as a hash: jupyter_server's identity provider checks both, and a
  visitor who has not signed in gets a plain sign-in page and nothing else (no kernel);
  serving a network without sign-in takes an explicit ``sign_in=False`` and is logged
  as a warning; the sign-in cookie is HttpOnly, both cookies SameSite=Lax, and the
  xsrf check stays;
- the ``Host`` header is checked on every route, on loopback and on a network, so that a
  web page cannot reach the app through DNS rebinding (:class:`AllowedHosts`);
- sources stripped, tracebacks replaced by a neutral message in pages and in kernel
  messages, no template or theme chosen from the URL, no configuration files read;
- ``/voila/files/`` serves nothing but images under the notebook folder's ``assets/``,
  and never the plan database, even when it lives inside that folder;
- the app's reaper alone frees the kernels it handed to pages (jupyter_server's idle
  culler keeps to kernels no page was given): a kernel whose page is gone goes after
  :data:`CULL_IDLE_TIMEOUT` seconds, whatever it outputs (a workshop timer keeps no
  closed page's kernel); one whose page never connected goes :data:`UNCONNECTED_TIMEOUT`
  seconds after its page was sent, or after the page's browser last fetched one of the
  page's files or asked for its kernel, yet never later than :data:`LOADING_TIMEOUT`
  seconds after the page was sent (a slow browser still loading keeps its kernel; a bare
  GET, a crawler or a flood does not); one whose open page sends nothing goes after
  :data:`CONNECTED_IDLE_TIMEOUT`; the page's own shutdown beacon on unload is honoured;
- at most ``max_kernels`` pages have a kernel at once (:data:`MAX_KERNELS` by default),
  and with sign-in at most :data:`KERNELS_PER_CLIENT` per client address and
  :data:`KERNELS_PER_USER` per user; further visitors get a short "busy, try again
  shortly" page (HTTP 503, Retry-After) instead of a kernel, so a burst of requests
  cannot exhaust the machine's memory nor lock others out;
- the page asks no other host: the lab template's icon stylesheets on a CDN are dropped;
- the kernel websocket speaks only the v1 kernel protocol: the legacy protocol lets a
  crafted request for binary widget state hang the server;
- kernel messages on their way to the page carry no traceback and no standard error
  output (both go to the server's log instead);
- the app notebook is signed at start-up in a signature store held in memory: the server
  trusts the notebook it was given to serve, says nothing about trust on each page, and
  writes nothing to the user's Jupyter folders;
- Ctrl-C stops the server as SIGTERM does: the event loop ends, kernels are shut down, and
  no half-started task is interrupted mid-way (which printed a traceback).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import nbformat
from jupyter_core.utils import ensure_async
from jupyter_server.base.handlers import FileFindHandler
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.handlers import KernelHandler
from jupyter_server.services.kernels.kernelmanager import (
    AsyncMappingKernelManager,
    ServerKernelManager,
)
from jupyter_server.utils import url_path_join
from nbformat.sign import NotebookNotary
from tornado import web
from tornado.ioloop import PeriodicCallback
from traitlets import Bool, Float, Instance, Integer, Unicode
from traitlets.config import Config
from voila.app import Voila
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import (
    AllowListFileHandler,
    MultiStaticFileHandler,
    TemplateStaticFileHandler,
)
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from workbook.access import (
    MEMBER_PREFIX,
    PARTICIPANT_LOOKUP,
    USER_HEADER,
    AllowedHosts,
    MemberIdentityProvider,
    SignInHandler,
    SignOutHandler,
    is_loopback,
    member_name,
    with_host_check,
)
from workbook.ceiling import MEMORY_ENV, resident_bytes, set_address_space_limit
from workbook.join import (
    JoinHandler,
    JoinLimiter,
    WorkshopGate,
    participant_code,
    participant_from_cookie,
)
from workbook.pages import plain_page
from workbook.store import DB_ENV, READ_ONLY_ENV, SERVE_IP_ENV, PlanStore
from workbook.store_pg import is_postgres_url
from workbook.workshop import JOIN_BASE_ENV, PARTICIPANT_PREFIX

__all__ = [
    "ASSET_PATTERNS",
    "CONNECTED_IDLE_TIMEOUT",
    "CULL_IDLE_TIMEOUT",
    "CULL_INTERVAL",
    "FRONTEND_EXTENSIONS",
    "KERNELS_PER_CLIENT",
    "KERNELS_PER_USER",
    "KERNEL_WS_PROTOCOL",
    "LOADING_TIMEOUT",
    "MAX_KERNELS",
    "READ_ONLY_ENV",
    "REAP_INTERVAL",
    "RETRY_AFTER",
    "UNCONNECTED_TIMEOUT",
    "KernelCap",
    "Timers",
    "app_notebook_path",
    "serve",
    "voila_config",
]

log = logging.getLogger(__name__)

APP_NOTEBOOK = "app.ipynb"
TEMPLATE = "lab"

KERNEL_WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"
"""The only kernel websocket subprotocol the server accepts."""

ASSET_PATTERNS = [r"assets/[A-Za-z0-9_-]+\.(?:png|jpe?g|gif|webp|svg)"]
"""Files under /voila/files/ that may be served, relative to the notebook folder."""

DENY_PATTERNS = [
    r".*\.(?:ipynb|py|pyc|sqlite\d?|db|json|ya?ml|toml|cfg|ini|txt|md|wal|shm|journal)",
    r"(?:.*[/\\])?\..*",  # hidden files and folders, and any "." or ".." segment
]
"""Files under /voila/files/ that are refused even if an allow pattern matched."""

FRONTEND_EXTENSIONS = [
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
    "jupyterlab-plotly",  # renders the charts' plotly MIME output
    "anywidget",  # the browser bridge: the remembered name box and the app's stylesheet
]
"""JupyterLab extensions the page loads; others installed alongside are left out."""

CULL_IDLE_TIMEOUT = 60
"""Seconds without activity or connection after which a kernel is shut down."""

IOPUB_TIMEOUT = 120
"""Seconds to wait for a cell's output after its reply; the wait ends as soon as it comes."""

CULL_INTERVAL = 15
"""Seconds between two looks of jupyter_server's idle culler, which frees kernels no page
was given after :data:`CULL_IDLE_TIMEOUT`; page kernels are left to the app's reaper."""

UNCONNECTED_TIMEOUT = 20
"""Seconds a kernel whose page never connected is kept after its page was sent, or after
that page's browser last fetched one of the page's files (scripts, styles, fonts) or
asked for its kernel. A plain GET, a crawler or a flood fetches nothing more: with
:data:`REAP_INTERVAL` its kernel is freed within 30 s. Fetching the page again is no sign
of loading for the kernels of earlier fetches."""

LOADING_TIMEOUT = 120
"""Seconds after its page was sent that a kernel whose page never connected is freed,
however long its browser goes on fetching the page's files: a slow machine's browser
connects well before; a client that only fetches files keeps no kernel longer."""

CONNECTED_IDLE_TIMEOUT = 30 * 60
"""Seconds a connected page may stay without sending anything before its kernel is
freed: an open socket alone does not hold a seat, and kernel output (a workshop timer)
is not the page's activity."""

KERNEL_MEMORY = 1_500_000_000
"""Bytes of resident memory a page's kernel may use; ten times what one that has shown
every section needs. Above it the page is told and its kernel ended; the server goes on."""

REAP_INTERVAL = 5
"""Seconds between two looks of the app's reaper for page kernels to free."""

KERNELS_PER_CLIENT = 6
"""Page kernels one client address may hold at once when sign-in is required."""

KERNELS_PER_USER = 4
"""Page kernels one signed-in user may hold at once when sign-in is required."""

MAX_KERNELS = 48
"""Pages that may hold a kernel at once, by default.

A workshop is a facilitator and up to 30 participants; reloads and pages closed without
their unload beacon keep a kernel for up to ~75 s more, hence half as many again. At
~0.15 GB per kernel that has shown every section, 48 kernels take ~7 GB: room on a 16 GB
machine for the server, the browser and the operating system.
"""

RETRY_AFTER = 20
"""Seconds a visitor turned away while the server is busy is asked to wait."""

ERROR_MESSAGE = "The workbook hit an unexpected problem. Reload the page to start again."
"""Shown instead of any traceback, in the page and in kernel messages."""

BUSY_TITLE = "The workbook is busy"
BUSY_TEXT = (
    "Everyone's seat is taken just now. This page tries again by itself in "
    "{seconds} seconds; your saved work is safe."
)


def app_notebook_path() -> Path:
    """The app notebook: the copy inside the installed package, else the source checkout's."""
    packaged = resources.files("workbook").joinpath("notebooks").joinpath(APP_NOTEBOOK)
    if packaged.is_file():
        return Path(str(packaged)).resolve()
    checkout = Path(__file__).resolve().parent.parent / "notebooks" / APP_NOTEBOOK
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(f"the app notebook {APP_NOTEBOOK} is missing from this installation")


class KernelCap:
    """Counts the kernels handed to pages, and admits a new page only below the limits.

    A page request is counted from the moment it is admitted; once it has its kernel,
    that kernel is counted for as long as the kernel manager holds it (until the page's
    unload beacon, culling or shutdown removes it). Preheated kernels waiting for the
    next visitor are not counted: they are at most the pool size more.

    Besides ``limit`` pages in all, one client address may hold ``per_client`` kernels
    and one signed-in user ``per_user`` (0: no such limit). Each kernel remembers whose
    page it serves and which browser that page was sent to (its ``_xsrf`` cookie), whether
    the page's websocket is connected, when the page last sent a message of its own
    (kernel output, a running timer, is not the page's activity) and, until it connects,
    when its browser last fetched one of the page's files. :meth:`expired` names the
    kernels to free; the kernels it knows are the reaper's alone (``in``).
    """

    def __init__(self, limit: int, *, per_client: int = 0, per_user: int = 0):
        self.limit = limit
        self.per_client = per_client
        self.per_user = per_user
        self._kernels: dict[str, _Seat] = {}
        self._waiting: list[_Seat] = []

    def in_use(self, manager: Any) -> int:
        """Page kernels alive in ``manager``, and admitted pages still waiting for one."""
        self._kernels = {k: s for k, s in self._kernels.items() if k in manager}
        return len(self._kernels) + len(self._waiting)

    def held_by(self, manager: Any, *, client: str = "", user: str = "") -> tuple[int, int]:
        """Kernels (and admitted pages) of ``client`` and of ``user``."""
        self.in_use(manager)
        seats = [*self._kernels.values(), *self._waiting]
        return (
            sum(1 for s in seats if s.client == client),
            sum(1 for s in seats if s.user == user),
        )

    def admit(
        self, manager: Any, *, client: str = "", user: str = "", browser: str = ""
    ) -> _Ticket | None:
        """A ticket for one more page, or None when a limit is reached; ``browser`` names
        the browser the page is sent to (see :meth:`loading`)."""
        if self.refusal(manager, client=client, user=user):
            return None
        seat = _Seat(client, user, browser)
        self._waiting.append(seat)
        return _Ticket(self, seat)

    def refusal(self, manager: Any, *, client: str = "", user: str = "") -> str:
        """Why one more page of ``client`` and ``user`` would be refused; "" if it would not."""
        if self.in_use(manager) >= self.limit:
            return f"{self.limit} pages hold a kernel"
        by_client, by_user = self.held_by(manager, client=client, user=user)
        if self.per_client and by_client >= self.per_client:
            return f"client {client} holds {by_client} kernels"
        if self.per_user and user and by_user >= self.per_user:
            return f"a user holds {by_user} kernels"
        return ""

    def __contains__(self, kernel_id: object) -> bool:
        """Whether ``kernel_id`` was handed to a page (and is the reaper's to free)."""
        return kernel_id in self._kernels

    def loading(self, browser: str, now: float | None = None) -> None:
        """``browser`` fetched one of the page's files, or asked for its kernel: its pages
        that have not connected yet are still loading. Fetching the page itself is no
        such sign (each fetch is a page of its own)."""
        if not browser:
            return
        now = time.monotonic() if now is None else now
        for seat in self._kernels.values():
            if seat.browser == browser and not seat.ever_connected:
                seat.loading_at = now

    def owner(self, kernel_id: str) -> str | None:
        """The user whose page got ``kernel_id``; None for a kernel no page was given."""
        seat = self._kernels.get(kernel_id)
        return None if seat is None else seat.user

    def connected(self, kernel_id: str) -> None:
        """The page's websocket to ``kernel_id`` opened."""
        if seat := self._kernels.get(kernel_id):
            seat.connections += 1
            seat.ever_connected = True
            seat.touch()

    def ever_connected(self, kernel_id: str) -> bool:
        """Whether a page's websocket ever opened to ``kernel_id`` (a pool kernel: never)."""
        seat = self._kernels.get(kernel_id)
        return seat is not None and seat.ever_connected

    def disconnected(self, kernel_id: str) -> None:
        """A websocket to ``kernel_id`` closed."""
        if seat := self._kernels.get(kernel_id):
            seat.connections = max(seat.connections - 1, 0)
            seat.touch()

    def activity(self, kernel_id: str) -> None:
        """The page sent ``kernel_id`` a message of its own."""
        if seat := self._kernels.get(kernel_id):
            seat.touch()

    def over_memory(self, kernel_id: str, over: bool, grace: float) -> bool:
        """Record whether ``kernel_id`` is above its memory ceiling; True once it has been
        for ``grace`` seconds (time for the page to show why it ends)."""
        seat = self._kernels.get(kernel_id)
        if seat is None or not over:
            if seat is not None:
                seat.over_memory_since = None
            return False
        now = time.monotonic()
        if seat.over_memory_since is None:
            seat.over_memory_since = now
        return now - seat.over_memory_since >= grace

    def expired(self, manager: Any, timers: Timers, now: float | None = None) -> list[str]:
        """Page kernels to free now: never connected ``timers.unconnected`` seconds after
        their page was sent or its browser last fetched one of the page's files, and in
        any case ``timers.loading`` seconds after the page was sent; closed and quiet for
        ``timers.idle``; connected but without a message from their page for
        ``timers.connected_idle`` (0: never)."""
        now = time.monotonic() if now is None else now
        self.in_use(manager)
        gone = []
        for kernel_id, seat in self._kernels.items():
            quiet = now - seat.last_activity
            if seat.delivered_at is None:
                continue  # the page is still being sent
            if not seat.ever_connected:
                loaded = max(seat.delivered_at, seat.loading_at or seat.delivered_at)
                if now - loaded >= timers.unconnected or now - seat.delivered_at >= timers.loading:
                    gone.append(kernel_id)
            elif seat.connections == 0:
                if quiet >= timers.idle:
                    gone.append(kernel_id)
            elif timers.connected_idle and quiet >= timers.connected_idle:
                gone.append(kernel_id)
        return gone


@dataclass
class Timers:
    """Seconds after which a page kernel is freed; see :meth:`KernelCap.expired`."""

    idle: float = CULL_IDLE_TIMEOUT
    connected_idle: float = CONNECTED_IDLE_TIMEOUT
    unconnected: float = UNCONNECTED_TIMEOUT
    loading: float = LOADING_TIMEOUT
    interval: float = REAP_INTERVAL
    """Seconds between two looks of the reaper."""


@dataclass
class _Seat:
    """One page's kernel: whose it is, and what its page did last."""

    client: str
    user: str
    browser: str = ""
    delivered_at: float | None = None
    loading_at: float | None = None
    connections: int = 0
    ever_connected: bool = False
    last_activity: float = field(default_factory=time.monotonic)
    over_memory_since: float | None = None

    def touch(self) -> None:
        self.last_activity = time.monotonic()


class _Ticket:
    """One admitted page request: its place is given back, or passed on to its kernel."""

    def __init__(self, cap: KernelCap, seat: _Seat):
        self._cap: KernelCap | None = cap
        self._seat = seat
        self._kernel_id: str | None = None

    def bind(self, kernel_id: str) -> None:
        """The page got ``kernel_id``: count the kernel from now on."""
        if self._cap is not None and self._kernel_id is None:
            self._kernel_id = kernel_id
            self._cap._waiting.remove(self._seat)
            self._cap._kernels[kernel_id] = self._seat

    def release(self) -> None:
        """The request is over (with its kernel bound, or without a kernel)."""
        if self._cap is not None:
            if self._kernel_id is None:
                self._cap._waiting.remove(self._seat)
            self._seat.delivered_at = time.monotonic()
            self._seat.touch()
            self._cap = None


class _KernelRecorder:
    """The kernel manager as one page request sees it: tells its ticket which kernel it got.

    Voilà's page handler takes a preheated kernel with ``get_rendered_notebook`` or starts
    one with ``start_kernel``; everything else is passed through unchanged.
    """

    def __init__(self, manager: Any, ticket: _Ticket):
        self._manager, self._ticket = manager, ticket

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)

    async def get_rendered_notebook(self, *args: Any, **kwargs: Any) -> Any:
        rendered = await self._manager.get_rendered_notebook(*args, **kwargs)
        self._ticket.bind(rendered[2])  # (render task, rendered cells, kernel id)
        return rendered

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        kernel_id = str(await ensure_async(self._manager.start_kernel(*args, **kwargs)))
        self._ticket.bind(kernel_id)
        return kernel_id


_FOREIGN_STYLESHEET = re.compile(r'<link rel="stylesheet" href="https?://[^"]*"[^>]*>\s*')
"""A stylesheet link to another host in Voilà's page template (the lab template's icons)."""


def _user_name(user: Any) -> str:
    """The signed-in user's name as the identity provider gives it ("" for none)."""
    return str(getattr(user, "username", "") or "")


def _owner_key(username: str | None) -> str:
    """Whose page a kernel serves, for telling pages apart: a member's or a workshop
    participant's identity; "" for the host (the token or the shared password, under a
    name jupyter_server makes up at each sign-in)."""
    username = username or ""
    return username if username.startswith((MEMBER_PREFIX, PARTICIPANT_PREFIX)) else ""


def busy_page(seconds: int = RETRY_AFTER) -> str:
    """The page shown instead of the app while every seat is taken; it tries again by
    itself after ``seconds``."""
    seconds = int(seconds)
    return plain_page(BUSY_TITLE, paragraphs=[BUSY_TEXT.format(seconds=seconds)], refresh=seconds)


class _PageHandler(TornadoVoilaHandler):
    """The app page, for signed-in visitors only, with kernel caps and small fixes.

    A visitor who is not signed in (when sign-in is required) is sent to the sign-in
    page before anything else happens: no kernel, nothing of the app. Beyond
    :class:`KernelCap`'s limits it answers 503 with :func:`busy_page`. It sets the
    ``_xsrf`` cookie, which the page sends back with its kernel-shutdown beacon on
    unload (Voilà never sets it, so the beacon is refused and closed pages keep their
    kernels until culled), and with each fetch of the page's files, which tells
    :class:`KernelCap` that the page is still loading. It ignores ``?template=`` and
    ``?theme=`` when picking a preheated kernel, since those overrides are switched off
    anyway. And it drops the lab template's stylesheets on a CDN (icon fonts): the page
    asks no other host.
    """

    admits_participants = True
    _ticket: _Ticket | None = None

    @property
    def kernel_manager(self) -> Any:
        manager = self.settings["kernel_manager"]
        return manager if self._ticket is None else _KernelRecorder(manager, self._ticket)

    @web.authenticated
    async def get(self, path: str | None = None) -> None:
        if path and participant_code(self.current_user):
            raise web.HTTPError(403, "a workshop participant reaches only the workshop")
        if path:  # Voilà redirects these to /voila/files/: no kernel involved
            await super().get(path)
            return
        cap: KernelCap = self.settings[KernelCap.__name__]
        manager = self.settings["kernel_manager"]
        # Who signed in, for the kernel (as HTTP_NEGOTIATION_WORKBOOK_USER): set here on
        # every request, so that a header the visitor sent never reaches the kernel.
        self.request.headers[USER_HEADER] = member_name(self.current_user)
        if participant_code(self.current_user):
            self._only_the_workshop()
        who = {"client": self.request.remote_ip or "", "user": _user_name(self.current_user)}
        # Reading the token sets the _xsrf cookie when the browser has none yet.
        self._ticket = cap.admit(manager, browser=_browser(self, self.xsrf_token), **who)
        if self._ticket is None:
            self.log.warning("busy: %s; a visitor was turned away", cap.refusal(manager, **who))
            self._busy()
            return
        try:
            await super().get(path)
        finally:
            self._ticket.release()

    def _only_the_workshop(self) -> None:
        """A participant's page shows their workshop, whatever the address asked for:
        the kernel is told the participant's identity and only the join code and name."""
        user = self.current_user
        self.request.headers[USER_HEADER] = _user_name(user)
        name = " ".join(self.get_query_argument("name", "").split())[:80]
        query = {"join": participant_code(user), **({"name": name} if name else {})}
        self.request.query = urlencode(query)
        self.request.query_arguments = {k: [v.encode()] for k, v in query.items()}
        self.request.arguments = dict(self.request.query_arguments)
        self.request.uri = f"{self.request.path}?{self.request.query}"

    def write(self, chunk: str | bytes | dict[str, Any]) -> None:
        if isinstance(chunk, str) and "://" in chunk:
            chunk = _FOREIGN_STYLESHEET.sub("", chunk)
        super().write(chunk)

    def _busy(self) -> None:
        self.set_status(503)
        self.set_header("Retry-After", str(RETRY_AFTER))
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
        self.finish(busy_page())

    def should_use_rendered_notebook(
        self,
        notebook_data: dict[str, Any],
        pool_size: int,
        template_name: str | None,
        theme: str | None,
        request_args: dict[str, Any],
    ) -> bool:
        return bool(
            super().should_use_rendered_notebook(notebook_data, pool_size, None, None, request_args)
        )


class _KernelChannelsHandler(VoilaKernelWebsocketHandler):
    """Kernel websocket for the page that got the kernel, speaking the v1 protocol only.

    With the legacy protocol, Voilà's handler misreads binary replies (such as widget
    state with buffers) and loops forever; the browser page always offers v1. When
    sign-in is required, a kernel given to one user's page refuses everybody else; a
    workshop participant's cookie reaches only the kernel of that participant's page.
    """

    admits_participants = True

    async def get(self, *args: Any, **kwargs: Any) -> None:
        offered = self.request.headers.get("Sec-WebSocket-Protocol", "")
        if KERNEL_WS_PROTOCOL not in (p.strip() for p in offered.split(",")):
            raise web.HTTPError(400, "unsupported kernel websocket protocol")
        if self.current_user:
            kernel_id = str(kwargs.get("kernel_id", args[0] if args else ""))
            _only_own_kernel(self, kernel_id, unknown=False)
        await super().get(*args, **kwargs)


def _only_own_kernel(handler: web.RequestHandler, kernel_id: str, *, unknown: bool) -> None:
    """With sign-in, refuse (403) a request about a kernel another visitor's page holds.

    ``unknown`` lets the host ask about a kernel no page holds (a pool kernel, or none).
    """
    if not handler.settings.get(SIGN_IN_REQUIRED):
        return
    owner = handler.settings[KernelCap.__name__].owner(kernel_id)
    mine = _owner_key(_user_name(handler.current_user))
    if owner is None and unknown and mine == "":
        return
    if owner is None or _owner_key(owner) != mine:
        raise web.HTTPError(403, "not this visitor's kernel")


class _ShutdownHandler(VoilaShutdownKernelHandler):
    """The page's shutdown beacon on unload; with sign-in, only for the page's own kernel."""

    admits_participants = True

    @web.authenticated
    async def post(self, kernel_id: str) -> None:
        _only_own_kernel(self, kernel_id, unknown=True)
        await super().post(kernel_id)


class _KernelHandler(KernelHandler):
    """The page asks whether its kernel is there (and may end it); with sign-in, only
    about its own kernel."""

    admits_participants = True

    @web.authenticated
    async def get(self, kernel_id: str) -> None:
        _only_own_kernel(self, kernel_id, unknown=True)
        _note_loading(self)  # the page asks just before it connects
        await super().get(kernel_id)

    @web.authenticated
    async def delete(self, kernel_id: str) -> None:
        _only_own_kernel(self, kernel_id, unknown=True)
        await super().delete(kernel_id)


def _browser(handler: web.RequestHandler, token: bytes | str | None) -> str:
    """The browser an ``_xsrf`` token stands for (its cookie, or the masked token its page
    was given): the raw token behind it, in hex; "" for none."""
    if not token:
        return ""
    _, raw, _ = handler._decode_xsrf_token(token if isinstance(token, str) else token.decode())
    return raw.hex() if raw else ""


def _note_loading(handler: web.RequestHandler) -> None:
    """Tell the kernel cap that the requesting browser is loading its pages."""
    cookie = handler.get_cookie(handler.settings.get("xsrf_cookie_name", "_xsrf"))
    handler.settings[KernelCap.__name__].loading(_browser(handler, cookie))


class _PageFiles:
    """Mixed into the handlers of the page's own files (scripts, styles, fonts, images):
    each fetch is a sign that the pages sent to that browser are still loading."""

    def prepare(self, *args: Any, **kwargs: Any) -> Any:
        _note_loading(self)  # type: ignore[arg-type]
        return super().prepare(*args, **kwargs)  # type: ignore[misc]


def _page_files(handler: type) -> type:
    """``handler`` with :class:`_PageFiles` in front of it."""
    return type(handler.__name__, (_PageFiles, handler), {"__doc__": handler.__doc__})


class _ChannelsConnection(ZMQChannelsWebsocketConnection):
    """Kernel messages on their way to the page, with tracebacks and standard error removed.

    Error messages keep their type but carry :data:`ERROR_MESSAGE` instead of the
    traceback. jupyter_server would do this too, but its replacement looks the message up
    on the wrong object and raises; the page's websocket then misses the messages that
    follow. Standard error (logged tracebacks, warnings with source lines) never reaches
    the page. Both go to the server's log.
    """

    @property
    def _cap(self) -> KernelCap:
        return self.websocket_handler.settings[KernelCap.__name__]  # type: ignore[no-any-return]

    def connect(self) -> Any:
        self._cap.connected(self.kernel_id)
        return super().connect()

    def disconnect(self) -> None:
        self._cap.disconnected(self.kernel_id)
        super().disconnect()

    def handle_incoming_message(self, incoming_msg: Any) -> None:
        self._cap.activity(self.kernel_id)  # the page's own message, whatever it is
        super().handle_incoming_message(incoming_msg)

    def handle_outgoing_message(self, stream: Any, outgoing_msg: list[Any]) -> None:
        channel = getattr(
            self.channels.get(stream) if isinstance(stream, str) else stream, "channel", None
        )
        if channel == "iopub":
            _, parts = self.session.feed_identities(outgoing_msg)
            header = self.session.unpack(parts[1])
            if header.get("msg_type") == "stream":
                content = self.session.unpack(parts[4])
                if content.get("name") == "stderr":
                    self.log.warning(
                        "kernel %s, standard error: %s",
                        self.kernel_id,
                        content.get("text", "")[:4000],
                    )
                    return
        super().handle_outgoing_message(stream, outgoing_msg)

    def _on_error(self, channel: Any, msg: dict[str, Any], msg_list: list[Any]) -> None:
        if channel != "iopub" or self.multi_kernel_manager.allow_tracebacks:
            return
        msg["header"] = self.get_part("header", msg["header"], msg_list)
        if msg["header"]["msg_type"] != "error":
            return
        content = self.get_part("content", msg["content"], msg_list)
        trace = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(content.get("traceback") or []))
        self.log.warning("kernel %s, error kept from the page:\n%s", self.kernel_id, trace[:8000])
        content.update(ename="ExecutionError", evalue="Execution error", traceback=[ERROR_MESSAGE])
        msg["content"] = content
        msg_list[3] = self.session.pack(content)


class _TemplateAssetsHandler(_PageFiles, TemplateStaticFileHandler):
    """The configured template's assets only; any other path is a plain 404.

    Voilà's handler takes the template name from the URL and answers 500 (with a
    traceback in the log) for names and paths it cannot resolve.
    """

    def parse_url_path(self, url_path: str) -> str:
        template, sep, rest = url_path.partition("/static/")
        if template != TEMPLATE or not sep or ".." in re.split(r"[/\\]", rest):
            raise web.HTTPError(404)
        return str(super().parse_url_path(url_path))


def sign_in_required(ip: str, sign_in: bool | None, password_hash: str = "") -> bool:
    """Whether visitors must sign in: as asked, else on any address but loopback or when
    a password is set."""
    if sign_in is not None:
        return sign_in
    return bool(password_hash) or not is_loopback(ip)


SIGN_IN_REQUIRED = "workbook_sign_in_required"
"""Tornado setting: True when visitors must sign in (any address but loopback)."""


class _KernelManager(ServerKernelManager):
    """A page's kernel, shut down by request only.

    jupyter_client interrupts a kernel (SIGINT) before asking it to shut down. A kernel
    that is still starting, or a waiting preheated one, then dies of a KeyboardInterrupt
    with a traceback in the server's log. The app runs nothing that needs interrupting:
    the shutdown request alone ends its kernels.
    """

    async def _async_interrupt_kernel(self) -> None:
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()


class _PageKernelsManager(AsyncMappingKernelManager):
    """jupyter_server's kernel manager, whose idle culler leaves page kernels alone.

    The app's reaper frees the kernels handed to pages (:meth:`KernelCap.expired`); the
    culler would also free one whose page is still loading, since it has no connection
    yet and, when it waited in the pool, no activity for a while. The culler still ends
    dead kernels, and frees idle kernels no page was given.
    """

    page_kernels = Instance(KernelCap, allow_none=True, help="The reaper's page kernels.")

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        dead = getattr(self._kernels.get(kernel_id), "execution_state", None) == "dead"
        if self.page_kernels is not None and kernel_id in self.page_kernels and not dead:
            return
        await ensure_async(super().cull_kernel_if_idle(kernel_id))


def _kernel_pid(manager: Any, kernel_id: str) -> int | None:
    """The process id of a local kernel, or None."""
    try:
        provisioner = manager.get_kernel(kernel_id).provisioner
    except Exception:
        return None
    pid = getattr(provisioner, "pid", None)
    return pid if isinstance(pid, int) else None


class WorkbookVoila(Voila):
    """Voilà with the handlers above in place of its own, caps on page kernels, the
    ``Host`` check on every route, a plain sign-in page, and the kernel reaper."""

    max_kernels = Integer(
        MAX_KERNELS,
        min=1,
        config=True,
        help="Pages that may hold a kernel at once; further visitors get a busy page.",
    )
    kernels_per_client = Integer(
        KERNELS_PER_CLIENT,
        min=0,
        config=True,
        help="Page kernels one client address may hold when sign-in is required (0: any).",
    )
    kernels_per_user = Integer(
        KERNELS_PER_USER,
        min=0,
        config=True,
        help="Page kernels one signed-in user may hold when sign-in is required (0: any).",
    )
    sign_in_required = Integer(
        0, config=True, help="1 when every visitor must sign in (token or password)."
    )
    allowed_hosts = Instance(
        AllowedHosts,
        args=("127.0.0.1", frozenset({"localhost"})),
        config=True,
        help="Host header values answered; any other gets 403.",
    )
    idle_timeout = Float(
        CULL_IDLE_TIMEOUT,
        config=True,
        help="Seconds after which a kernel whose page closed is freed, whatever it outputs.",
    )
    connected_idle_timeout = Float(
        CONNECTED_IDLE_TIMEOUT,
        config=True,
        help="Seconds without a message from its open page after which a kernel is freed.",
    )
    unconnected_timeout = Float(
        UNCONNECTED_TIMEOUT,
        config=True,
        help="Seconds after its page was sent, or its browser last fetched one of the "
        "page's files, that a kernel never connected to is freed.",
    )
    loading_timeout = Float(
        LOADING_TIMEOUT,
        config=True,
        help="Seconds after its page was sent that a kernel never connected to is freed, "
        "however long its browser goes on fetching the page's files.",
    )
    reap_interval = Float(REAP_INTERVAL, config=True, help="Seconds between two reaps.")
    kernel_memory = Integer(
        KERNEL_MEMORY,
        min=0,
        config=True,
        help="Bytes of resident memory a page's kernel may use (0: no ceiling).",
    )

    store_location = Unicode(
        "", config=True, help="The plan store, where join codes are looked up."
    )
    store_read_only = Bool(False, config=True, help="Whether the plan store is read-only.")
    hub = Bool(False, config=True, help="Whether JupyterHub signs visitors in (serve --hub).")

    def initialize(self, argv: Any = None) -> None:
        super().initialize(argv)
        signal.signal(signal.SIGINT, self._stop_on_interrupt)

    def _stop_on_interrupt(self, sig: int, frame: Any) -> None:
        """The first Ctrl-C stops the server cleanly; a second one interrupts the shutdown."""
        signal.signal(signal.SIGINT, signal.default_int_handler)
        self._handle_signal_stop(sig, frame)

    def stop(self) -> None:
        """Shut every kernel down, once those still starting have started.

        A kernel no page ever connected to (a pool kernel, or one whose page never came)
        holds nothing of anyone's and is ended at once, without a shutdown message: a
        kernel that has just started may not yet be ready for one, and ipykernel then logs
        a traceback. Kernels that served a page are asked to shut down, so that they save
        what their page typed last.
        """
        loop = getattr(getattr(self, "ioloop", None), "asyncio_loop", None)
        if loop is not None and not loop.is_running():  # their futures live on that loop
            loop.run_until_complete(self._kernels_started())
            loop.run_until_complete(self._end_unused_kernels())
        try:
            super().stop()
        except web.HTTPError as exc:  # one started after the wait: it ends with its server
            self.log.info("a kernel still starting ends with the server (%s)", exc.log_message)

    async def _end_unused_kernels(self) -> None:
        app = getattr(self, "app", None)
        if app is None:
            return
        cap: KernelCap = app.settings[KernelCap.__name__]
        for kernel_id in list(self.kernel_manager.list_kernel_ids()):
            if cap.ever_connected(kernel_id):
                continue
            try:
                await ensure_async(self.kernel_manager.shutdown_kernel(kernel_id, now=True))
            except Exception:  # already gone: the shutdown below does the rest
                self.log.info("kernel %s was already gone", kernel_id)

    async def _kernels_started(self) -> None:
        pending = getattr(self.kernel_manager, "_pending_kernels", {})
        await asyncio.gather(*pending.values(), return_exceptions=True)

    def init_settings(self) -> dict[str, Any]:
        settings = dict(super().init_settings())
        required = bool(self.sign_in_required)
        cap = KernelCap(
            self.max_kernels,
            per_client=self.kernels_per_client if required else 0,
            per_user=self.kernels_per_user if required else 0,
        )
        settings[KernelCap.__name__] = cap
        if isinstance(self.kernel_manager, _PageKernelsManager):
            self.kernel_manager.page_kernels = cap
        settings[AllowedHosts.__name__] = self.allowed_hosts
        settings[SIGN_IN_REQUIRED] = required
        settings[WorkshopGate.__name__] = WorkshopGate(
            self.store_location, read_only=self.store_read_only
        )
        settings[JoinLimiter.__name__] = JoinLimiter()
        settings[PARTICIPANT_LOOKUP] = participant_from_cookie
        # Cookies: the sign-in cookie is HttpOnly (jupyter_server's default); both it and
        # the _xsrf cookie are sent only with requests from this site's own pages.
        settings["xsrf_cookie_kwargs"] = {"samesite": "Lax"}
        provider = self.identity_provider
        if self.hub:  # the hub checks that its user servers speak its version
            from workbook.hub import hub_headers

            settings["headers"] = {**settings.get("headers", {}), **hub_headers()}
        if not self.hub:  # the hub's provider keeps its own sign-out and cookies
            provider.login_handler_class = SignInHandler
            provider.logout_handler_class = SignOutHandler
            provider.cookie_options = {**provider.cookie_options, "samesite": "Lax"}
        self._trust_notebook()
        return settings

    def _trust_notebook(self) -> None:
        """Sign the app notebook in a store held in memory, with a key made for this run.

        Without a signature, every page load logs "Notebook ... is not trusted". The
        notebook is the one this server was told to serve, and it carries no outputs.
        """
        notary = NotebookNotary(
            parent=self.contents_manager, db_file=":memory:", secret=secrets.token_bytes(32)
        )
        notary.sign(nbformat.read(self.notebook_path, as_version=4))
        self.contents_manager.notary = notary

    def init_handlers(self) -> list[Any]:
        swap = {
            TornadoVoilaHandler: _PageHandler,
            VoilaKernelWebsocketHandler: _KernelChannelsHandler,
            VoilaShutdownKernelHandler: _ShutdownHandler,
            KernelHandler: _KernelHandler,
            TemplateStaticFileHandler: _TemplateAssetsHandler,
            MultiStaticFileHandler: _page_files(MultiStaticFileHandler),
            FileFindHandler: _page_files(FileFindHandler),  # the frontend extensions
            AllowListFileHandler: _page_files(AllowListFileHandler),
        }
        join = url_path_join(self.server_url, "/join")
        rules = [(join, JoinHandler), (join + "/([^/]*)", JoinHandler), *super().init_handlers()]
        return [(rule[0], with_host_check(swap.get(rule[1], rule[1])), *rule[2:]) for rule in rules]

    @property
    def display_url(self) -> str:
        """The address to open, with the token when one was made (the Jupyter way)."""
        if self.hub:  # reached through the hub's proxy; the hub's token stays unsaid
            return self._url(self.ip or "0.0.0.0")
        url = str(super().display_url)
        if self.ip in ("0.0.0.0", "::") and "token=" in url:
            url += "\n    or " + self._url("127.0.0.1") + url[url.index("?") :]
        return url

    def start(self) -> None:
        self._reaper = PeriodicCallback(self._reap, self.reap_interval * 1000)
        self._reaper.start()
        super().start()

    async def _reap(self) -> None:
        """Free the page kernels :meth:`KernelCap.expired` names."""
        app = getattr(self, "app", None)
        if app is None:
            return
        cap: KernelCap = app.settings[KernelCap.__name__]
        timers = Timers(
            idle=self.idle_timeout,
            connected_idle=self.connected_idle_timeout,
            unconnected=self.unconnected_timeout,
            loading=self.loading_timeout,
        )
        for kernel_id in cap.expired(self.kernel_manager, timers):
            self.log.info("freeing kernel %s: its page is gone or idle", kernel_id)
            await self._end(kernel_id)
        if self.kernel_memory:
            for kernel_id in self._over_memory(cap):
                self.log.warning(
                    "ending kernel %s: its page used more than %d MB",
                    kernel_id,
                    self.kernel_memory // 1_000_000,
                )
                await self._end(kernel_id)

    def _over_memory(self, cap: KernelCap) -> list[str]:
        """Page kernels over the memory ceiling long enough for their page to say so; every
        kernel also gets its address-space limit the first time it is seen."""
        limited: set[int] = self.__dict__.setdefault("_limited_pids", set())
        over = []
        for kernel_id in list(self.kernel_manager.list_kernel_ids()):
            pid = _kernel_pid(self.kernel_manager, kernel_id)
            if pid is None:
                continue
            if pid not in limited:
                limited.add(pid)
                set_address_space_limit(pid, self.kernel_memory)
            above = resident_bytes(pid) > self.kernel_memory
            if cap.over_memory(kernel_id, above, grace=self.reap_interval):
                over.append(kernel_id)
        return over

    async def _end(self, kernel_id: str) -> None:
        try:
            await ensure_async(self.kernel_manager.shutdown_kernel(kernel_id))
        except Exception:  # already gone, or refusing: the next reap tries again
            self.log.warning("could not end kernel %s", kernel_id, exc_info=True)


def voila_config(
    notebook: Path,
    *,
    port: int,
    db: Path | str,
    read_only: bool = False,
    ip: str = "127.0.0.1",
    open_browser: bool = False,
    preheat: bool = True,
    pool_size: int = 1,
    max_kernels: int = MAX_KERNELS,
    sign_in: bool | None = None,
    password_hash: str = "",
    members: dict[str, str] | None = None,
    members_file: Path | None = None,
    allow_hosts: Sequence[str] = (),
    timers: Timers | None = None,
    kernel_memory: int = KERNEL_MEMORY,
    hub: bool = False,
    base_url: str = "/",
) -> Config:
    """The traitlets configuration under which :func:`serve` runs Voilà.

    ``sign_in`` None means: required on any address but loopback, or when a
    ``password_hash`` is given. Signing in takes the token Voilà prints in its log (a new
    random one each start, unless ``JUPYTER_TOKEN`` names one) or the password.

    With ``hub``, JupyterHub signs every visitor in instead (:mod:`workbook.hub`), and
    the app is served under ``base_url``, the hub's per-user prefix.
    """
    root = notebook.parent
    deny = list(DENY_PATTERNS)
    if isinstance(db, Path) and db.is_relative_to(root):  # never serve the store's file
        deny.append(re.escape(str(db.relative_to(root))) + r"(?:-wal|-shm|-journal)?")

    c = Config()
    c.Voila.notebook_path = str(notebook)
    c.Voila.root_dir = str(root)
    c.Voila.ip = ip
    c.Voila.port = port
    c.Voila.port_retries = 0  # a busy port is an error, not a reason to move elsewhere
    c.Voila.open_browser = open_browser
    c.Voila.config_file_paths = []  # no voila.json from the working folder can loosen this
    c.Voila.base_url = base_url
    required = sign_in_required(ip, sign_in, password_hash) or bool(members) or hub
    c.Voila.identity_provider_class = MemberIdentityProvider
    c.MemberIdentityProvider.members = dict(members or {}) if required else {}
    c.MemberIdentityProvider.members_file = str(members_file or "") if required else ""
    if hub:  # JupyterHub's OAuth; the provider takes its token from the hub's environment
        c.Voila.identity_provider_class = "workbook.hub.HubIdentityProvider"
        c.Voila.token = None
        c.Voila.auto_token = True
    elif required:  # jupyter_server's identity provider: a token, or the password's hash
        c.Voila.token = None
        c.Voila.auto_token = True
        c.PasswordIdentityProvider.hashed_password = password_hash
    else:
        c.Voila.token = ""
        c.PasswordIdentityProvider.hashed_password = ""
    c.PasswordIdentityProvider.allow_password_change = False  # it would write a file
    # The Host header is checked by every handler against AllowedHosts instead.
    c.Voila.tornado_settings = {"allow_remote_access": True}
    c.Voila.kernel_websocket_connection_class = _ChannelsConnection
    w = c.WorkbookVoila
    w.max_kernels = max_kernels
    w.sign_in_required = int(required)
    w.allowed_hosts = AllowedHosts.for_address(ip, allow_hosts)
    if hub:
        w.allowed_hosts = AllowedHosts(ip, w.allowed_hosts.names, any_name=True)
    w.hub = hub
    timers = timers or Timers()
    w.idle_timeout = timers.idle
    w.connected_idle_timeout = timers.connected_idle
    w.unconnected_timeout = timers.unconnected
    w.loading_timeout = timers.loading
    w.reap_interval = timers.interval
    w.kernel_memory = kernel_memory
    w.store_location = str(db)
    w.store_read_only = read_only

    v = c.VoilaConfiguration
    v.template = TEMPLATE
    v.theme = "light"
    v.strip_sources = True
    v.show_tracebacks = False
    v.allow_template_override = "NO"
    v.allow_theme_override = "NO"
    v.file_allowlist = list(ASSET_PATTERNS)
    v.file_denylist = deny
    v.http_header_envs = [USER_HEADER]  # set by the page handler, never the visitor's
    v.extension_allowlist = list(FRONTEND_EXTENSIONS)
    v.multi_kernel_manager_class = f"{__name__}.{_PageKernelsManager.__name__}"
    v.preheat_kernel = preheat and pool_size > 0
    v.default_pool_size = max(pool_size, 0)

    c.VoilaExecutor.cell_error_instruction = ERROR_MESSAGE
    # After a cell's reply, wait this long for its output (nbclient's default, 4 s, drops
    # the app's view when ten pages open at once on a small machine: a blank page).
    c.VoilaExecutor.iopub_timeout = IOPUB_TIMEOUT
    c.VoilaExecutor.cell_timeout_instruction = ERROR_MESSAGE

    k = c.MappingKernelManager
    k.kernel_manager_class = f"{__name__}.{_KernelManager.__name__}"
    # jupyter_server's culler, for kernels no page was given (page kernels are the reaper's)
    k.cull_idle_timeout = int(max(timers.idle, 1))
    k.cull_interval = CULL_INTERVAL
    k.cull_connected = False
    k.cull_busy = False
    k.allow_tracebacks = False
    k.traceback_replacement_message = ERROR_MESSAGE
    # CurveZMQ between server and kernels: other local users cannot read their ports
    k.transport_encryption = "auto"
    return c


def serve(
    port: int = 8866,
    *,
    db: Path | str,
    read_only: bool = False,
    open_browser: bool = True,
    ip: str = "127.0.0.1",
    notebook: Path | None = None,
    preheat: bool = True,
    pool_size: int = 1,
    max_kernels: int = MAX_KERNELS,
    sign_in: bool | None = None,
    password_hash: str = "",
    members: dict[str, str] | None = None,
    members_file: Path | None = None,
    allow_hosts: Sequence[str] = (),
    timers: Timers | None = None,
    kernel_memory: int = KERNEL_MEMORY,
    hub: bool = False,
    base_url: str = "/",
) -> None:
    """Run the app in Voilà until interrupted (Ctrl-C or SIGTERM stop it and its kernels).

    ``db`` is resolved and handed to the kernels through the environment; unless
    ``read_only``, the worked example is loaded into an empty store first. ``notebook``
    replaces the app notebook (benchmarks serve other notebooks the same way).
    ``preheat`` keeps ``pool_size`` kernels running the notebook ahead of the next
    visitor: the notebook runs up to ``voila.utils.wait_for_request()`` before anyone
    asks for the page, so it must read ``QUERY_STRING`` only after that call. At most
    ``max_kernels`` pages hold a kernel at once, besides the ``pool_size`` waiting ones.

    On any address but loopback visitors sign in (see :func:`voila_config`) unless
    ``sign_in`` is False; ``members`` (name to password hash, read from ``members_file``
    again whenever that file changes) sign in under their own
    names and see only the plans they are on; ``allow_hosts`` are further names this
    server answers to.
    ``timers`` shortens or lengthens when page kernels are freed. A page kernel whose
    resident memory passes ``kernel_memory`` bytes is ended (its page says why first).
    ``hub`` serves the app as a JupyterHub user's server under ``base_url`` (see
    :mod:`workbook.hub`): the hub signs people in, each under their hub name.
    """
    if not is_postgres_url(db):  # a postgresql:// address reaches the kernels unchanged
        db = Path(db).expanduser().resolve()
    notebook = (notebook or app_notebook_path()).resolve()
    # A path that is no plan store is refused here, in one line, before anything starts.
    with PlanStore(db, read_only=read_only) as store:
        store.check()
        if not read_only:
            store.ensure_example()
    # Kernels inherit the server's environment, preheated ones included.
    os.environ[DB_ENV] = str(db)
    os.environ[SERVE_IP_ENV] = ip
    if kernel_memory:
        os.environ[MEMORY_ENV] = str(kernel_memory)
    else:
        os.environ.pop(MEMORY_ENV, None)
    if read_only:
        os.environ[READ_ONLY_ENV] = "1"
    else:
        os.environ.pop(READ_ONLY_ENV, None)
    if hub:  # participants join through the hub, each on their own server
        hub_root = os.environ.get("JUPYTERHUB_BASE_URL") or "/"
        os.environ[JOIN_BASE_ENV] = url_path_join(hub_root, "hub/user-redirect")
    else:
        os.environ.pop(JOIN_BASE_ENV, None)
    if hub:
        log.info("serving under %s: JupyterHub signs people in", base_url)
    elif not sign_in_required(ip, sign_in, password_hash) and not members:
        if not is_loopback(ip):
            log.warning(
                "serving on %s WITHOUT SIGN-IN: anyone who can reach this address can open, "
                "change and export every plan",
                ip,
            )
    elif password_hash:
        log.info("serving on %s: visitors sign in with the password", ip)
    else:
        log.info("serving on %s: visitors sign in with the token in the address below", ip)

    config = voila_config(
        notebook,
        port=port,
        db=db,
        read_only=read_only,
        ip=ip,
        open_browser=open_browser,
        preheat=preheat,
        pool_size=pool_size,
        max_kernels=max_kernels,
        sign_in=sign_in,
        password_hash=password_hash,
        members=members,
        members_file=members_file,
        allow_hosts=allow_hosts,
        timers=timers,
        kernel_memory=kernel_memory,
        hub=hub,
        base_url=base_url,
    )
    app = WorkbookVoila(config=config)
    app.initialize(argv=[])
    app.start()
