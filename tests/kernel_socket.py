"""A page's kernel websocket spoken by hand, as the page does and as an attacker would.

>>> sock = KernelSocket(app, app.new_page_kernel())        # doctest: +SKIP
>>> states = sock.widget_states()                          # doctest: +SKIP
>>> sock.update(sock.find(states, "nw-field-deal-value"), value="-5")  # doctest: +SKIP
"""

from __future__ import annotations

import select
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import websocket
from ipywidgets._version import __control_protocol_version__
from jupyter_client.session import Session
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)

from workbook.serve import KERNEL_WS_PROTOCOL

if TYPE_CHECKING:
    from conftest import ServedApp

CONTROL = "jupyter.widget.control"
"""The comm target through which the widget manager asks for every widget's state."""


def ws_url(app: ServedApp, kernel_id: str) -> str:
    """The kernel websocket's address, with a new session id."""
    return f"ws://{app.host}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4()}"


@dataclass(frozen=True)
class Received:
    """One message that reached the websocket: channel, type, content and raw bytes."""

    channel: str
    msg_type: str
    parent_id: str
    content: dict[str, Any]
    raw: bytes


class KernelSocket:
    """A v1-protocol kernel websocket, as the browser page opens it.

    Every message received is kept in :attr:`received`, so that a test can check what
    the page would have been sent.
    """

    def __init__(self, app: ServedApp, kernel_id: str, *, cookie: str = ""):
        self.session = Session()
        self.conn = websocket.create_connection(
            ws_url(app, kernel_id),
            subprotocols=[KERNEL_WS_PROTOCOL],
            timeout=30,
            cookie=cookie or None,
        )
        assert self.conn.subprotocol == KERNEL_WS_PROTOCOL
        self.received: list[Received] = []
        self._control: str | None = None

    # --- messages ------------------------------------------------------------------

    def send(
        self,
        channel: str,
        msg_type: str,
        content: dict[str, Any],
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """Send a message; returns its id."""
        msg = self.session.msg(msg_type, content, metadata=metadata)
        self.conn.send_binary(serialize_msg_to_ws_v1(msg, channel, self.session.pack))
        return str(msg["header"]["msg_id"])

    def receive(self, timeout: float) -> Received | None:
        """The next message, or None when none arrives within ``timeout`` seconds."""
        self.conn.settimeout(timeout)
        # Wait for data here, with the timeout: the client's own wait was once seen to
        # outlast its timeout on a saturated machine.
        if not self.conn.sock or not select.select([self.conn.sock], [], [], timeout)[0]:
            return None
        try:
            data = self.conn.recv()
        except websocket.WebSocketTimeoutException:
            return None
        if not isinstance(data, bytes):
            data = data.encode()
        channel, parts = deserialize_msg_from_ws_v1(data)
        header, parent = self.session.unpack(parts[0]), self.session.unpack(parts[1])
        content = self.session.unpack(parts[3])
        got = Received(channel, header["msg_type"], parent.get("msg_id", ""), content, data)
        self.received.append(got)
        return got

    def reply_to(self, msg_id: str, timeout: float = 30, channel: str = "shell") -> Received:
        """The reply to ``msg_id``, on ``channel`` (where the request was sent)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.receive(max(0.1, deadline - time.monotonic()))
            if got is not None and got.channel == channel and got.parent_id == msg_id:
                return got
        raise AssertionError(f"no reply to {msg_id} within {timeout} s")

    def close(self) -> None:
        self.conn.close()

    # --- widgets -------------------------------------------------------------------

    def widget_states(self, timeout: float = 60) -> dict[str, dict[str, Any]]:
        """Every widget's state by model id, asked for as the widget manager does.

        The answer comes on iopub after every message the kernel published before it,
        so it also reflects every update sent before this call.
        """
        if self._control is None:
            self._control = uuid.uuid4().hex
            self.send(
                "shell",
                "comm_open",
                {"comm_id": self._control, "target_name": CONTROL, "data": {}},
                metadata={"version": __control_protocol_version__},
            )
        self.send(
            "shell", "comm_msg", {"comm_id": self._control, "data": {"method": "request_states"}}
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.receive(max(0.1, deadline - time.monotonic()))
            if got is None or got.msg_type != "comm_msg":
                continue
            data = got.content.get("data", {})
            if got.content.get("comm_id") == self._control and data.get("method") == (
                "update_states"
            ):
                return {k: v["state"] for k, v in data["states"].items()}
        raise AssertionError(f"no widget states within {timeout} s")

    @staticmethod
    def find(states: dict[str, dict[str, Any]], css_class: str, nth: int = 0) -> str:
        """The model id of the ``nth`` widget with DOM class ``css_class``."""
        found = [k for k, s in states.items() if css_class in (s.get("_dom_classes") or ())]
        assert len(found) > nth, f"{len(found)} widgets have the class {css_class}"
        return found[nth]

    def update(self, model_id: str, **state: Any) -> None:
        """Send new values for a widget's traits, as a page (or anyone) can."""
        self.send(
            "shell",
            "comm_msg",
            {
                "comm_id": model_id,
                "data": {"method": "update", "state": state, "buffer_paths": []},
            },
        )

    def flush_saves(self) -> dict[str, dict[str, Any]]:
        """Ask the page's save guard to save whatever is pending, as the page does when it
        is hidden or closed, and wait for the kernel to have done it; the widget states.

        A negative check ("nothing was saved") made after this needs no waiting: anything
        the page had typed and the app accepted is in the store by then.
        """
        states = self.widget_states()
        guard = next(k for k, s in states.items() if "beat" in s and "plan_id" in s)
        self.send(
            "shell",
            "comm_msg",
            {"comm_id": guard, "data": {"method": "custom", "content": {"kind": "flush"}}},
        )
        return self.widget_states()  # answered after the flush was handled

    def click(self, model_id: str) -> None:
        """Click a button, as the page reports a click."""
        self.send(
            "shell",
            "comm_msg",
            {"comm_id": model_id, "data": {"method": "custom", "content": {"event": "click"}}},
        )
