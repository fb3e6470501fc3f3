"""The server's request handlers: the app page, its kernel, its files and the shutdown beacon."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any
from urllib.parse import urlencode

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.handlers import KernelHandler
from tornado import web
from tornado.iostream import StreamClosedError
from tornado.websocket import WebSocketClosedError
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.static_file_handler import (
    TemplateStaticFileHandler,
)
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from workbook.access import (
    MEMBER_PREFIX,
    USER_HEADER,
    is_loopback,
    member_name,
)
from workbook.join import (
    participant_code,
)
from workbook.pages import plain_page
from workbook.serve.kernels import (
    KernelCap,
    _KernelRecorder,
    _Ticket,
)
from workbook.serve.limits import (
    BUSY_TEXT,
    BUSY_TITLE,
    ERROR_MESSAGE,
    KERNEL_WS_PROTOCOL,
    RETRY_AFTER,
    SIGN_IN_REQUIRED,
    TEMPLATE,
)
from workbook.workshop import PARTICIPANT_PREFIX

log = logging.getLogger(__name__)


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

    def write_message(self, message: Any, binary: bool = False) -> Any:
        """Send to the page; a message for a page that has just closed is dropped quietly.

        jupyter_server sends kernel output without waiting for the send. When the page
        closes during one, the send fails, and asyncio would print the failure, which
        nobody read, as a traceback in the server's log.
        """
        sending = super().write_message(message, binary=binary)
        sending.add_done_callback(_read_send_failure)
        return sending


def _read_send_failure(sending: asyncio.Future[Any]) -> None:
    """Read a websocket send's outcome: a closed page is no error, anything else is logged."""
    if sending.cancelled():
        return
    failure = sending.exception()
    if failure is not None and not isinstance(failure, (WebSocketClosedError, StreamClosedError)):
        log.warning("a message to a page could not be sent: %r", failure)


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


class _RequestInfoHandler(RequestInfoSocketHandler):
    """The websocket on which a preheated kernel waits for its visitor's request.

    Voilà's handler loses the request when the kernel's socket is gone at the moment it
    is sent (the write fails and only a log line remains), and its ``on_close`` removes
    the last kernel that connected when it does not find its own. This one keeps each
    request until its kernel has closed the socket cleanly after reading it, so that a
    kernel whose socket dropped gets it when it connects again; it removes only its own
    entry. Only this machine may connect: the kernels are local, and the request holds
    who signed in and which plan they asked for.
    """

    _kernel_id = ""

    @property
    def _server_log(self) -> logging.Logger:
        """The server's log (the kernel manager's, which is the application's)."""
        manager = self.settings.get("kernel_manager")
        return getattr(manager, "log", None) or log

    def open(self, kernel_id: str) -> None:  # type: ignore[override]
        if not is_loopback(self.request.remote_ip or ""):
            self.close(1008, "kernels only")
            return
        self._kernel_id = kernel_id
        self._waiters[kernel_id] = self
        self._server_log.info("kernel %s waits for its visitor", kernel_id)
        if kernel_id in self._cache:
            self.write_message(self._cache[kernel_id])

    def write_message(self, message: Any, binary: bool = False) -> Any:
        self._cache[self._kernel_id] = message  # until the kernel confirms by closing
        try:
            sent = super().write_message(message, binary)
            self._server_log.info("kernel %s was sent its visitor's request", self._kernel_id)
            return sent
        except WebSocketClosedError:
            self._server_log.warning(
                "kernel %s's socket closed; its request waits for it", self._kernel_id
            )
            return None

    def on_close(self) -> None:
        if not self._kernel_id:
            return
        if self._waiters.get(self._kernel_id) is self:
            del self._waiters[self._kernel_id]
        if self.close_code == 1000:  # the kernel read the request and closed
            self._cache.pop(self._kernel_id, None)
