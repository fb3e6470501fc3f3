"""Page kernels: how many there may be, whose each one is, and when each is freed."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.kernelmanager import (
    AsyncMappingKernelManager,
    ServerKernelManager,
)
from traitlets import Instance

from workbook.serve.limits import (
    CONNECTED_IDLE_TIMEOUT,
    CULL_IDLE_TIMEOUT,
    KERNEL_START_ATTEMPTS,
    KERNEL_START_TIMEOUT,
    LOADING_TIMEOUT,
    REAP_INTERVAL,
    UNCONNECTED_TIMEOUT,
)

log = logging.getLogger(__name__)


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


class _KernelManager(ServerKernelManager):
    """A page's kernel: started until it answers, shut down by request only.

    jupyter_client picks a kernel's five ports by binding and releasing them; the kernel
    binds them a moment later. Another process (a second server, a notebook run) can take
    one in between, and the kernel exits before its first reply. Its restarter would
    launch it again on the same ports (it only renews ports it did not pick itself), and
    the page waiting for it fails. So a start is complete when the kernel has answered a
    ``kernel_info`` request; one that exited first is launched again on new ports.

    jupyter_client interrupts a kernel (SIGINT) before asking it to shut down. A kernel
    that is still starting, or a waiting preheated one, then dies of a KeyboardInterrupt
    with a traceback in the server's log. The app runs nothing that needs interrupting:
    the shutdown request alone ends its kernels.
    """

    async def start_kernel(self, **kwargs: Any) -> None:
        for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
            await super().start_kernel(**kwargs)
            self.stop_restarter()  # it would relaunch an exited kernel on the same ports
            if await self._answers() or attempt == KERNEL_START_ATTEMPTS:
                break
            self.log.warning(
                "kernel %s exited before its first reply (a port it was given was taken);"
                " starting it again on new ports (%d of %d)",
                self.kernel_id,
                attempt + 1,
                KERNEL_START_ATTEMPTS,
            )
            # as for a restart (the zmq context stays), but with a new provisioner, which
            # picks new ports, and a new connection file
            await self._async_shutdown_kernel(now=True, restart=True)
            self.cleanup_connection_file()
            self.provisioner = None
        self.start_restarter()

    async def _answers(self) -> bool:
        """Whether the kernel answers ``kernel_info``; False only if it has exited.

        A kernel still alive but slow to answer counts as started: the page that waits
        for it applies its own timeout.
        """
        client = self.client()
        client.start_channels()
        try:
            await ensure_async(client.wait_for_ready(timeout=KERNEL_START_TIMEOUT))
            return True
        except RuntimeError:
            return bool(await ensure_async(self.is_alive()))
        finally:
            client.stop_channels()

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
