"""The configuration of a served workbook, and the function that serves it."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path

from jupyter_server.utils import url_path_join
from traitlets.config import Config

from workbook.access import (
    USER_HEADER,
    AllowedHosts,
    MemberIdentityProvider,
    is_loopback,
)
from workbook.ceiling import MEMORY_ENV
from workbook.serve.handlers import (
    _ChannelsConnection,
)
from workbook.serve.kernels import (
    Timers,
    _KernelManager,
    _PageKernelsManager,
)
from workbook.serve.limits import (
    ASSET_PATTERNS,
    CULL_INTERVAL,
    DENY_PATTERNS,
    ERROR_MESSAGE,
    FRONTEND_EXTENSIONS,
    IOPUB_TIMEOUT,
    KERNEL_MEMORY,
    MAX_KERNELS,
    TEMPLATE,
    app_notebook_path,
    sign_in_required,
)
from workbook.serve.voila_app import WorkbookVoila
from workbook.store import DB_ENV, READ_ONLY_ENV, SERVE_IP_ENV, PlanStore
from workbook.store.address import is_postgres_url
from workbook.workshop import JOIN_BASE_ENV

log = logging.getLogger(__name__)


def _dotted(cls: type) -> str:
    """The dotted name traitlets imports ``cls`` by."""
    return f"{cls.__module__}.{cls.__qualname__}"


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
    v.multi_kernel_manager_class = _dotted(_PageKernelsManager)
    v.preheat_kernel = preheat and pool_size > 0
    v.default_pool_size = max(pool_size, 0)

    c.VoilaExecutor.cell_error_instruction = ERROR_MESSAGE
    # After a cell's reply, wait this long for its output (nbclient's default, 4 s, drops
    # the app's view when ten pages open at once on a small machine: a blank page).
    c.VoilaExecutor.iopub_timeout = IOPUB_TIMEOUT
    c.VoilaExecutor.cell_timeout_instruction = ERROR_MESSAGE

    k = c.MappingKernelManager
    k.kernel_manager_class = _dotted(_KernelManager)
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
