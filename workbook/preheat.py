"""Wait for the visitor in a preheated Voilà kernel, without importing Voilà.

>>> wait_for_request()  # doctest: +SKIP

Voilà runs a preheated kernel's notebook before anyone asks for the page; the notebook
pauses where it needs the visitor's request (the query string) and Voilà sends it the
request's variables over a websocket. ``voila.utils.wait_for_request`` does that, but
importing it loads Voilà's server side into the kernel: jupyter_server, nbconvert,
jinja2 and ~700 modules, about 45 MB of each kernel's memory. This module speaks the
same small protocol with the ``websockets`` client alone.
"""

from __future__ import annotations

import json
import os
import time

__all__ = ["wait_for_request"]

OPEN_TIMEOUT = 5.0
"""Seconds to reach the server; the wait for the visitor itself has no limit."""

ATTEMPTS = 5
"""Times in a row the server may be unreachable before the wait gives up."""


REFUSED = 1008
"""The close code of a server that does not let this process wait there."""


def query_url() -> str:
    """The server's request-info websocket for this kernel, from Voilà's variables."""
    env = os.environ
    server_url = env.get("VOILA_SERVER_URL", "/")
    base = env.get("VOILA_WS_BASE_URL", server_url)
    host = env.get("VOILA_APP_IP", "127.0.0.1")
    if host in ("", "0.0.0.0"):  # served on every address: this machine's own is one
        host = "127.0.0.1"
    elif ":" in host:  # an IPv6 address
        host = "[::1]" if host == "::" else f"[{host}]"
    port = env.get("VOILA_APP_PORT", "8866")
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    return f"{protocol}://{host}:{port}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"


def wait_for_request() -> None:
    """In a preheated kernel, block until a visitor's request arrives; add its variables
    (``QUERY_STRING`` and the others Voilà sends) to ``os.environ``.

    Does nothing in a kernel that was started for a request (not preheated). The socket
    sends no keepalive pings: it is a loopback connection to this kernel's own server,
    and a server too busy to answer a ping in time must not cost the visitor their page.
    If the socket drops anyway, the kernel connects again and the server, which keeps the
    request until the kernel has read it, sends it then. Gives up (``OSError``) when the
    server cannot be reached :data:`ATTEMPTS` times in a row.
    """
    if os.environ.get("VOILA_PREHEAT", "False") == "False":
        return
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    failures = 0
    while True:
        try:
            with connect(query_url(), open_timeout=OPEN_TIMEOUT, ping_interval=None) as socket:
                failures = 0
                message = socket.recv()
            break
        except ConnectionClosed as closed:  # connected, then dropped before the request came
            if closed.rcvd is not None and closed.rcvd.code == REFUSED:
                raise
            time.sleep(0.1)
        except (OSError, TimeoutError):
            failures += 1
            if failures >= ATTEMPTS:
                raise
            time.sleep(min(2.0**failures, 10.0) / 10)
    for key, value in json.loads(message).items():
        os.environ[str(key)] = str(value)
