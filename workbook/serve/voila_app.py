"""The Voilà application the workbook runs: its handlers, settings, reaper and memory watch."""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from typing import Any

import nbformat
from jupyter_core.utils import ensure_async
from jupyter_server.base.handlers import FileFindHandler
from jupyter_server.services.kernels.handlers import KernelHandler
from jupyter_server.utils import url_path_join
from nbformat.sign import NotebookNotary
from tornado import web
from tornado.ioloop import PeriodicCallback
from traitlets import Bool, Float, Instance, Integer, Unicode
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import (
    AllowListFileHandler,
    MultiStaticFileHandler,
    TemplateStaticFileHandler,
)
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from workbook.access import (
    PARTICIPANT_LOOKUP,
    AllowedHosts,
    SignInHandler,
    SignOutHandler,
    with_host_check,
)
from workbook.ceiling import resident_bytes, set_address_space_limit
from workbook.join import (
    JoinHandler,
    JoinLimiter,
    WorkshopGate,
    participant_from_cookie,
)
from workbook.serve.handlers import (
    _KernelChannelsHandler,
    _KernelHandler,
    _page_files,
    _PageHandler,
    _RequestInfoHandler,
    _ShutdownHandler,
    _TemplateAssetsHandler,
)
from workbook.serve.kernels import (
    KernelCap,
    Timers,
    _kernel_pid,
    _PageKernelsManager,
)
from workbook.serve.limits import (
    CONNECTED_IDLE_TIMEOUT,
    CULL_IDLE_TIMEOUT,
    KERNEL_MEMORY,
    KERNELS_PER_CLIENT,
    KERNELS_PER_USER,
    LOADING_TIMEOUT,
    MAX_KERNELS,
    REAP_INTERVAL,
    SIGN_IN_REQUIRED,
    UNCONNECTED_TIMEOUT,
)

log = logging.getLogger(__name__)


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
            RequestInfoSocketHandler: _RequestInfoHandler,
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
