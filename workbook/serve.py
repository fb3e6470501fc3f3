"""Serve the workbook app with standalone Voilà, locked down for a local single-user app.

>>> serve(8866, db=Path("plans.sqlite"))  # doctest: +SKIP

What the configuration in :func:`voila_config` guarantees, and why:

- standalone Voilà on one notebook, never the Jupyter server extension (which would let a
  visitor run code); the kernel accepts only widget (comm) and kernel-info messages;
- loopback by default, with the ``Host`` header checked so a web page cannot reach the
  app through DNS rebinding; no token, because the app is for the person at this machine
  (``ip`` opens it to a room's network for a workshop, with a warning in the log);
- sources stripped, tracebacks replaced by a neutral message in pages and in kernel
  messages, no template or theme chosen from the URL, no configuration files read;
- ``/voila/files/`` serves nothing but images under the notebook folder's ``assets/``,
  and never the plan database, even when it lives inside that folder;
- kernels whose page is gone are culled after :data:`CULL_IDLE_TIMEOUT` seconds, and the
  page's own shutdown beacon on unload is honoured;
- at most ``max_kernels`` pages have a kernel at once (:data:`MAX_KERNELS` by default);
  further visitors get a short "busy, try again shortly" page (HTTP 503, Retry-After)
  instead of a kernel, so a burst of requests cannot exhaust the machine's memory;
- the kernel websocket speaks only the v1 kernel protocol: the legacy protocol lets a
  crafted request for binary widget state hang the server;
- kernel messages on their way to the page carry no traceback and no standard error
  output (both go to the server's log instead).
"""

from __future__ import annotations

import html
import ipaddress
import logging
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from tornado import web
from traitlets import Integer
from traitlets.config import Config
from voila.app import Voila
from voila.static_file_handler import TemplateStaticFileHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from workbook.store import DB_ENV, READ_ONLY_ENV, PlanStore

__all__ = [
    "ASSET_PATTERNS",
    "CULL_IDLE_TIMEOUT",
    "CULL_INTERVAL",
    "FRONTEND_EXTENSIONS",
    "KERNEL_WS_PROTOCOL",
    "MAX_KERNELS",
    "READ_ONLY_ENV",
    "RETRY_AFTER",
    "KernelCap",
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
]
"""JupyterLab extensions the page loads; others installed alongside are left out."""

CULL_IDLE_TIMEOUT = 60
"""Seconds without activity or connection after which a kernel is shut down."""

IOPUB_TIMEOUT = 120
"""Seconds to wait for a cell's output after its reply; the wait ends as soon as it comes."""

CULL_INTERVAL = 15
"""Seconds between two looks for idle kernels: a lost kernel lives at most ~75 s."""

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
BUSY_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{seconds}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;color:#1f2933;background:#f7f8fa;margin:0}}
main{{max-width:32em;margin:15vh auto;padding:1.5em 2em;background:#fff;
border:1px solid #d9dee5;border-radius:8px}}h1{{font-size:1.3em;margin:0 0 .5em}}</style>
</head><body><main><h1>{title}</h1><p>{text}</p></main></body></html>
"""
"""The page shown instead of the app while :data:`MAX_KERNELS` pages are open."""


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
    """Counts the kernels handed to pages, and admits a new page only below ``limit``.

    A page request is counted from the moment it is admitted; once it has its kernel,
    that kernel is counted for as long as the kernel manager holds it (until the page's
    unload beacon, culling or shutdown removes it). Preheated kernels waiting for the
    next visitor are not counted: they are at most the pool size more.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self._kernels: set[str] = set()
        self._waiting = 0

    def in_use(self, manager: Any) -> int:
        """Page kernels alive in ``manager``, and admitted pages still waiting for one."""
        self._kernels = {k for k in self._kernels if k in manager}
        return len(self._kernels) + self._waiting

    def admit(self, manager: Any) -> _Ticket | None:
        """A ticket for one more page, or None when ``limit`` pages hold a kernel."""
        if self.in_use(manager) >= self.limit:
            return None
        self._waiting += 1
        return _Ticket(self)


class _Ticket:
    """One admitted page request: its place is given back, or passed on to its kernel."""

    def __init__(self, cap: KernelCap):
        self._cap: KernelCap | None = cap

    def bind(self, kernel_id: str) -> None:
        """The page got ``kernel_id``: count the kernel from now on."""
        if self._cap is not None:
            self._cap._kernels.add(kernel_id)
            self.release()

    def release(self) -> None:
        """The request is over (with its kernel bound, or without a kernel)."""
        if self._cap is not None:
            self._cap._waiting -= 1
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


def busy_page(seconds: int = RETRY_AFTER) -> str:
    """The "busy, try again shortly" page (static text, escaped all the same)."""
    return BUSY_PAGE.format(
        seconds=int(seconds),
        title=html.escape(BUSY_TITLE),
        text=html.escape(BUSY_TEXT.format(seconds=int(seconds))),
    )


class _PageHandler(TornadoVoilaHandler):
    """The app page, with a kernel cap and two small fixes to Voilà's handler.

    Beyond :class:`KernelCap`'s limit it answers 503 with :func:`busy_page`. It sets the
    ``_xsrf`` cookie, which the page sends back with its kernel-shutdown beacon on
    unload; Voilà never sets it, so the beacon is refused and closed pages keep their
    kernels until culled. And it ignores ``?template=``/``?theme=`` when picking a
    preheated kernel, since those overrides are switched off anyway.
    """

    _ticket: _Ticket | None = None

    @property
    def kernel_manager(self) -> Any:
        manager = self.settings["kernel_manager"]
        return manager if self._ticket is None else _KernelRecorder(manager, self._ticket)

    async def get(self, path: str | None = None) -> None:
        if path:  # Voilà redirects these to /voila/files/: no kernel involved
            await super().get(path)
            return
        cap: KernelCap = self.settings[KernelCap.__name__]
        self._ticket = cap.admit(self.settings["kernel_manager"])
        if self._ticket is None:
            self.log.warning("busy: %d pages hold a kernel; a visitor was turned away", cap.limit)
            self._busy()
            return
        try:
            self.xsrf_token  # noqa: B018 -- reading the token sets the cookie
            await super().get(path)
        finally:
            self._ticket.release()

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
    """Kernel websocket that refuses clients not offering the v1 kernel subprotocol.

    With the legacy protocol, Voilà's handler misreads binary replies (such as widget
    state with buffers) and loops forever; the browser page always offers v1.
    """

    async def get(self, *args: Any, **kwargs: Any) -> None:
        offered = self.request.headers.get("Sec-WebSocket-Protocol", "")
        if KERNEL_WS_PROTOCOL not in (p.strip() for p in offered.split(",")):
            raise web.HTTPError(400, "unsupported kernel websocket protocol")
        await super().get(*args, **kwargs)


class _ChannelsConnection(ZMQChannelsWebsocketConnection):
    """Kernel messages on their way to the page, with tracebacks and standard error removed.

    Error messages keep their type but carry :data:`ERROR_MESSAGE` instead of the
    traceback. jupyter_server would do this too, but its replacement looks the message up
    on the wrong object and raises; the page's websocket then misses the messages that
    follow. Standard error (logged tracebacks, warnings with source lines) never reaches
    the page. Both go to the server's log.
    """

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


class _TemplateAssetsHandler(TemplateStaticFileHandler):
    """The configured template's assets only; any other path is a plain 404.

    Voilà's handler takes the template name from the URL and answers 500 (with a
    traceback in the log) for names and paths it cannot resolve.
    """

    def parse_url_path(self, url_path: str) -> str:
        template, sep, rest = url_path.partition("/static/")
        if template != TEMPLATE or not sep or ".." in re.split(r"[/\\]", rest):
            raise web.HTTPError(404)
        return str(super().parse_url_path(url_path))


class WorkbookVoila(Voila):
    """Voilà with the handlers above in place of its own, and a cap on page kernels."""

    max_kernels = Integer(
        MAX_KERNELS,
        min=1,
        config=True,
        help="Pages that may hold a kernel at once; further visitors get a busy page.",
    )

    def init_settings(self) -> dict[str, Any]:
        settings = dict(super().init_settings())
        settings[KernelCap.__name__] = KernelCap(self.max_kernels)
        return settings

    def init_handlers(self) -> list[Any]:
        swap = {
            TornadoVoilaHandler: _PageHandler,
            VoilaKernelWebsocketHandler: _KernelChannelsHandler,
            TemplateStaticFileHandler: _TemplateAssetsHandler,
        }
        return [
            (rule[0], swap.get(rule[1], rule[1]), *rule[2:]) for rule in super().init_handlers()
        ]


def _is_loopback(ip: str) -> bool:
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def voila_config(
    notebook: Path,
    *,
    port: int,
    db: Path,
    ip: str = "127.0.0.1",
    open_browser: bool = False,
    preheat: bool = True,
    pool_size: int = 1,
    max_kernels: int = MAX_KERNELS,
) -> Config:
    """The traitlets configuration under which :func:`serve` runs Voilà."""
    root = notebook.parent
    deny = list(DENY_PATTERNS)
    if db.is_relative_to(root):  # never serve the database, whatever it is called
        deny.append(re.escape(str(db.relative_to(root))) + r"(?:-wal|-shm|-journal)?")

    c = Config()
    c.Voila.notebook_path = str(notebook)
    c.Voila.root_dir = str(root)
    c.Voila.ip = ip
    c.Voila.port = port
    c.Voila.port_retries = 0  # a busy port is an error, not a reason to move elsewhere
    c.Voila.open_browser = open_browser
    c.Voila.config_file_paths = []  # no voila.json from the working folder can loosen this
    c.Voila.token = ""
    c.Voila.tornado_settings = {"allow_remote_access": not _is_loopback(ip)}
    c.Voila.kernel_websocket_connection_class = _ChannelsConnection
    c.WorkbookVoila.max_kernels = max_kernels

    v = c.VoilaConfiguration
    v.template = TEMPLATE
    v.theme = "light"
    v.strip_sources = True
    v.show_tracebacks = False
    v.allow_template_override = "NO"
    v.allow_theme_override = "NO"
    v.file_allowlist = list(ASSET_PATTERNS)
    v.file_denylist = deny
    v.http_header_envs = []
    v.extension_allowlist = list(FRONTEND_EXTENSIONS)
    v.preheat_kernel = preheat and pool_size > 0
    v.default_pool_size = max(pool_size, 0)

    c.VoilaExecutor.cell_error_instruction = ERROR_MESSAGE
    # After a cell's reply, wait this long for its output (nbclient's default, 4 s, drops
    # the app's view when ten pages open at once on a small machine: a blank page).
    c.VoilaExecutor.iopub_timeout = IOPUB_TIMEOUT
    c.VoilaExecutor.cell_timeout_instruction = ERROR_MESSAGE

    k = c.MappingKernelManager
    k.cull_idle_timeout = CULL_IDLE_TIMEOUT
    k.cull_interval = CULL_INTERVAL
    k.cull_connected = False  # an open page keeps its kernel for as long as it is open
    k.cull_busy = False
    k.allow_tracebacks = False
    k.traceback_replacement_message = ERROR_MESSAGE
    # CurveZMQ between server and kernels: other local users cannot read their ports
    k.transport_encryption = "auto"
    return c


def serve(
    port: int = 8866,
    *,
    db: Path,
    read_only: bool = False,
    open_browser: bool = True,
    ip: str = "127.0.0.1",
    notebook: Path | None = None,
    preheat: bool = True,
    pool_size: int = 1,
    max_kernels: int = MAX_KERNELS,
) -> None:
    """Run the app in Voilà until interrupted (Ctrl-C or SIGTERM stop it and its kernels).

    ``db`` is resolved and handed to the kernels through the environment; unless
    ``read_only``, the worked example is loaded into an empty store first. ``notebook``
    replaces the app notebook (benchmarks serve other notebooks the same way).
    ``preheat`` keeps ``pool_size`` kernels running the notebook ahead of the next
    visitor: the notebook runs up to ``voila.utils.wait_for_request()`` before anyone
    asks for the page, so it must read ``QUERY_STRING`` only after that call. At most
    ``max_kernels`` pages hold a kernel at once, besides the ``pool_size`` waiting ones.
    """
    db = Path(db).expanduser().resolve()
    notebook = (notebook or app_notebook_path()).resolve()
    if not read_only:
        with PlanStore(db) as store:
            store.ensure_example()
    # Kernels inherit the server's environment, preheated ones included.
    os.environ[DB_ENV] = str(db)
    if read_only:
        os.environ[READ_ONLY_ENV] = "1"
    else:
        os.environ.pop(READ_ONLY_ENV, None)
    if not _is_loopback(ip):
        log.warning("serving on %s: anyone who can reach this address can use the app", ip)

    config = voila_config(
        notebook,
        port=port,
        db=db,
        ip=ip,
        open_browser=open_browser,
        preheat=preheat,
        pool_size=pool_size,
        max_kernels=max_kernels,
    )
    app = WorkbookVoila(config=config)
    app.initialize(argv=[])
    app.start()
