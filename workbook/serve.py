"""Serve the workbook app with standalone Voilà, locked down for a local single-user app.

>>> serve(8866, db=Path("plans.sqlite"))  # doctest: +SKIP

What the configuration in :func:`voila_config` guarantees, and why:

- standalone Voilà on one notebook, never the Jupyter server extension (which would let a
  visitor run code); the kernel accepts only widget (comm) and kernel-info messages;
- loopback only, with the ``Host`` header checked so a web page cannot reach the app
  through DNS rebinding; no token, because the app is for the person at this machine;
- sources stripped, tracebacks replaced by a neutral message in pages and in kernel
  messages, no template or theme chosen from the URL, no configuration files read;
- ``/voila/files/`` serves nothing but images under the notebook folder's ``assets/``,
  and never the plan database, even when it lives inside that folder;
- kernels whose page is gone are culled after :data:`CULL_IDLE_TIMEOUT` seconds, and the
  page's own shutdown beacon on unload is honoured;
- the kernel websocket speaks only the v1 kernel protocol: the legacy protocol lets a
  crafted request for binary widget state hang the server.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

from tornado import web
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
    "READ_ONLY_ENV",
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

CULL_INTERVAL = 15
"""Seconds between two looks for idle kernels: a lost kernel lives at most ~75 s."""

ERROR_MESSAGE = "The workbook hit an unexpected problem. Reload the page to start again."
"""Shown instead of any traceback, in the page and in kernel messages."""


def app_notebook_path() -> Path:
    """The app notebook: the copy inside the installed package, else the source checkout's."""
    packaged = resources.files("workbook").joinpath("notebooks").joinpath(APP_NOTEBOOK)
    if packaged.is_file():
        return Path(str(packaged)).resolve()
    checkout = Path(__file__).resolve().parent.parent / "notebooks" / APP_NOTEBOOK
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(f"the app notebook {APP_NOTEBOOK} is missing from this installation")


class _PageHandler(TornadoVoilaHandler):
    """The app page, with two small fixes to Voilà's handler.

    It sets the ``_xsrf`` cookie, which the page sends back with its kernel-shutdown
    beacon on unload; Voilà never sets it, so the beacon is refused and closed pages keep
    their kernels until culled. And it ignores ``?template=``/``?theme=`` when picking a
    preheated kernel, since those overrides are switched off anyway.
    """

    async def get(self, path: str | None = None) -> None:
        self.xsrf_token  # noqa: B018 -- reading the token sets the cookie
        await super().get(path)

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
    """Voilà with the handlers above in place of its own."""

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
) -> None:
    """Run the app in Voilà until interrupted (Ctrl-C or SIGTERM stop it and its kernels).

    ``db`` is resolved and handed to the kernels through the environment; unless
    ``read_only``, the worked example is loaded into an empty store first. ``notebook``
    replaces the app notebook (benchmarks serve other notebooks the same way).
    ``preheat`` keeps ``pool_size`` kernels running the notebook ahead of the next
    visitor: the notebook runs up to ``voila.utils.wait_for_request()`` before anyone
    asks for the page, so it must read ``QUERY_STRING`` only after that call.
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
    )
    app = WorkbookVoila(config=config)
    app.initialize(argv=[])
    app.start()
