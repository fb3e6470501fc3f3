"""Who may reach a served app: sign-in off loopback, the Host check, and no lock-out by floods.

The servers here bind to 0.0.0.0, so sign-in is enforced as on a network, and the tests
connect through 127.0.0.1. A second client on this machine is 127.0.0.2: requests leave
from that address to 127.0.0.1, so the server sees another client.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import socket
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
import websocket

from tests.kernel_socket import KernelSocket
from workbook.access import AllowedHosts, hash_password, read_password_hash
from workbook.errors import WorkbookError
from workbook.serve import (
    KERNEL_WS_PROTOCOL,
    KERNELS_PER_CLIENT,
    KERNELS_PER_USER,
    KernelCap,
    Timers,
)

if TYPE_CHECKING:
    from conftest import ServedApp, StartServer

OTHER_CLIENT = "127.0.0.2"
POOL = 1
SECRETS = ("Northwind", "example-northwind", "walk-away", "jupyter-widgets", "kernelId")
"""Text that would show that a response carries something of the app or of a plan."""

# --- the Host header -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ip", "names", "host", "allowed"),
    [
        ("127.0.0.1", [], "127.0.0.1:8866", True),
        ("127.0.0.1", [], "localhost:8866", True),
        ("127.0.0.1", [], "attacker.example:8866", False),
        ("192.168.1.20", [], "192.168.1.20:8866", True),
        ("192.168.1.20", [], "192.168.1.21:8866", False),
        ("192.168.1.20", [], "attacker.example:8866", False),
        ("192.168.1.20", ["room-pc"], "ROOM-PC:8866", True),
        ("192.168.1.20", ["room-pc"], "room-pc.attacker.example", False),
        ("0.0.0.0", [], "10.1.2.3:8866", True),
        ("0.0.0.0", [], "[::1]:8866", True),
        ("0.0.0.0", [], "attacker.example", False),
        ("0.0.0.0", [], "", False),
        ("0.0.0.0", [], "evil:80:80", False),
    ],
)
def test_allowed_hosts(ip: str, names: list[str], host: str, allowed: bool) -> None:
    assert AllowedHosts.for_address(ip, names).allows(host) is allowed


def test_password_hash_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hashed = hash_password("correct horse")
    assert hashed.startswith("argon2:") and "correct horse" not in hashed
    file = tmp_path / "hash"
    file.write_text(hashed + "\n")
    assert read_password_hash(file) == hashed
    monkeypatch.setenv("NEGOTIATION_WORKBOOK_PASSWORD_HASH", hashed)
    assert read_password_hash() == hashed
    file.write_text("correct horse")  # a password in clear would never match: refused
    with pytest.raises(WorkbookError, match="does not hold a password hash"):
        read_password_hash(file)


def test_cap_per_client_and_user() -> None:
    manager: set[str] = set()
    cap = KernelCap(10, per_client=2, per_user=1)
    first = cap.admit(manager, client="a", user="u1")
    assert first is not None
    assert cap.admit(manager, client="a", user="u1") is None  # the user's one kernel
    second = cap.admit(manager, client="a", user="u2")
    assert second is not None
    assert cap.admit(manager, client="a", user="u3") is None  # the client's two
    assert cap.admit(manager, client="b", user="u3") is not None  # another client
    first.bind("k1")
    manager.add("k1")
    first.release()
    assert cap.owner("k1") == "u1"
    second.release()  # no kernel: the place is free again
    assert cap.admit(manager, client="a", user="u4") is not None


def test_expired_counts_the_pages_messages_not_the_kernels_output() -> None:
    manager = {"never", "closed", "open-quiet", "open-busy"}
    cap = KernelCap(10)
    for kernel_id in manager:
        ticket = cap.admit(manager)
        assert ticket
        ticket.bind(kernel_id)
        ticket.release()
    for kernel_id in ("closed", "open-quiet", "open-busy"):
        cap.connected(kernel_id)
    cap.disconnected("closed")
    timers = Timers(idle=60, connected_idle=600, unconnected=20)
    start = time.monotonic()
    assert cap.expired(manager, timers, now=start + 10) == []
    assert cap.expired(manager, timers, now=start + 30) == ["never"]
    assert set(cap.expired(manager, timers, now=start + 70)) == {"never", "closed"}
    cap.activity("open-busy")
    later = cap.expired(manager, timers, now=time.monotonic() + 601)
    assert "open-quiet" in later and "open-busy" in later  # both quiet for 601 s
    assert "open-busy" not in cap.expired(manager, timers, now=time.monotonic() + 300)


# --- a server on the network ----------------------------------------------------------------


@dataclass
class Client:
    """HTTP from one source address to the served app, with or without the token."""

    app: ServedApp
    source: str = "127.0.0.1"
    token: str = ""
    cookie: str = ""

    def sign_in(self) -> Client:
        """Sign in with the token once, then send the sign-in cookie as a browser does."""
        status, headers, _ = self.request(f"/login?token={self.token}")
        assert status == 302, status
        self.cookie = headers["Set-Cookie"].split(";")[0]
        self.token = ""
        return self

    def request(
        self,
        path: str,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        body: Any = None,
    ) -> tuple[int, dict[str, str], bytes]:
        host, port = self.app.host.split(":")
        conn = http.client.HTTPConnection(
            host, int(port), timeout=120, source_address=(self.source, 0)
        )
        headers = dict(headers or {})
        if self.token:
            headers["Authorization"] = f"token {self.token}"
        if self.cookie:
            headers["Cookie"] = self.cookie
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def alive(self, kernel_ids: set[str]) -> set[str]:
        """Those of ``kernel_ids`` the server still holds."""
        statuses = {k: self.request(f"/api/kernels/{k}")[0] for k in kernel_ids}
        assert set(statuses.values()) <= {200, 404}, statuses
        return {k for k, status in statuses.items() if status == 200}

    def page_kernel(self) -> tuple[int, str]:
        """GET the app page: its status, and the kernel id it carries ("" if none)."""
        status, _, body = self.request("/")
        found = re.search(rb'"kernelId": "([0-9a-f-]+)"', body)
        return status, found.group(1).decode() if found else ""

    def websocket(self, kernel_id: str) -> websocket.WebSocket:
        """The page's kernel websocket, opened from this client's address."""
        host, port = self.app.host.split(":")
        sock = socket.create_connection(
            (host, int(port)), timeout=30, source_address=(self.source, 0)
        )
        return websocket.create_connection(
            f"ws://{self.app.host}/api/kernels/{kernel_id}/channels?session_id={uuid.uuid4()}",
            subprotocols=[KERNEL_WS_PROTOCOL],
            header=[f"Authorization: token {self.token}"] if self.token else [],
            cookie=self.cookie or None,
            socket=sock,
            timeout=30,
        )


def token_of(app: ServedApp) -> str:
    """The token in the ready-to-open address the server logs."""
    deadline = time.monotonic() + 60
    while not (found := re.search(r"http://127\.0\.0\.1:\d+/\?token=([0-9a-f]{32,})", app.log())):
        assert time.monotonic() < deadline, f"no address with a token in the log:\n{app.log()}"
        time.sleep(0.2)
    return found.group(1)


def wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.5)


def serve_code(**options: Any) -> str:
    """Python that runs ``serve`` on 0.0.0.0 with short timers and ``options``."""
    extra = "".join(
        f", {k}=Path({str(v)!r})" if isinstance(v, Path) else f", {k}={v!r}"
        for k, v in options.items()
    )
    return (
        "from pathlib import Path\n"
        "from workbook.serve import Timers, serve\n"
        "serve({port}, db=Path({db!r}), open_browser=False, ip='0.0.0.0', "
        f"pool_size={POOL}, timers=Timers(idle=4, connected_idle=8, unconnected=4, "
        f"interval=1){extra})\n"
    )


def pool_filled(app: ServedApp) -> bool:
    return "is filled with" in app.log()


@pytest.fixture(scope="module")
def network_app(start_server: StartServer) -> ServedApp:
    app = start_server(args=["--ip", "0.0.0.0", "--allow-host", "room-pc"])
    wait_for(lambda: pool_filled(app), 120, "the kernel pool did not fill")
    return app


def test_without_credentials_nothing_of_the_app_and_no_kernel(network_app: ServedApp) -> None:
    anonymous, signed_in = Client(network_app), Client(network_app, token=token_of(network_app))
    before = network_app.kernel_pids()
    paths = [
        "/",
        "/?plan=example-northwind",
        "/?join=ABCD&name=x",
        "/voila/render/app.ipynb",
        "/api/kernels",
        "/api/kernels/" + str(uuid.uuid4()),
        "/voila/api/shutdown/x",
        "/login",
        "/logout",
    ]
    for path in paths:
        status, headers, body = anonymous.request(path)
        while status in (301, 302):
            location = urlsplit(headers["Location"])
            status, headers, body = anonymous.request(f"{location.path}?{location.query}")
        text = body.decode("utf-8", errors="replace")
        assert status in (200, 403, 404, 405), f"{path}: {status}"
        for secret in SECRETS:
            if secret not in path:  # the sign-in form keeps where the visitor was going
                assert secret not in text, f"{path} shows {secret!r}"
    status, headers, body = anonymous.request("/")
    assert status == 302 and urlsplit(headers["Location"]).path == "/login"
    status, _, body = anonymous.request("/login")
    assert status == 200 and b'name="password"' in body and b"<script" not in body
    status, _, _ = anonymous.request(f"/?token={'0' * 48}")  # a wrong token is no token
    assert status == 302
    assert network_app.kernel_pids() == before  # not one kernel was started
    assert signed_in.page_kernel()[0] == 200


def test_the_token_opens_the_app_with_safe_cookies(network_app: ServedApp) -> None:
    token = token_of(network_app)
    assert f"http://127.0.0.1:{network_app.host.split(':')[1]}/?token={token}" in network_app.log()
    status, _, body = Client(network_app).request(f"/?token={token}")
    assert status == 200
    assert b"jupyter-config-data" in body and b'"kernelId"' in body
    host, port = network_app.host.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=120)
    conn.request("GET", f"/login?token={token}")
    cookies = conn.getresponse().headers.get_all("Set-Cookie") or []
    conn.close()
    login = [c for c in cookies if c.startswith("username-")]
    assert login, cookies
    assert "HttpOnly" in login[0] and "SameSite=Lax" in login[0]


def test_password_sign_in(start_server: StartServer, tmp_path: Path) -> None:
    file = tmp_path / "password-hash"
    file.write_text(hash_password("open sesame"))
    app = start_server(args=["--ip", "0.0.0.0", "--password-file", str(file), "--pool-size", "0"])
    client = Client(app)
    status, headers, body = client.request("/login")
    xsrf = re.search(rb'name="_xsrf" value="([^"]+)"', body)
    assert status == 200 and xsrf
    cookie = (
        "; ".join(c.split(";")[0] for k, c in headers.items() if k.lower() == "set-cookie")
        or f"_xsrf={xsrf.group(1).decode()}"
    )
    form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    wrong = f"_xsrf={xsrf.group(1).decode()}&password=guess"
    status, _, body = client.request("/login?next=%2F", method="POST", headers=form, body=wrong)
    assert status == 401 and b"not right" in body and b"Northwind" not in body
    right = f"_xsrf={xsrf.group(1).decode()}&password=open+sesame"
    status, headers, _ = client.request("/login?next=%2F", method="POST", headers=form, body=right)
    assert status == 302 and headers["Location"] == "/"
    signed = headers["Set-Cookie"].split(";")[0]
    assert signed.startswith("username-") and "HttpOnly" in headers["Set-Cookie"]
    status, _, body = client.request("/", headers={"Cookie": signed})
    assert status == 200 and b'"kernelId"' in body
    assert "token=" not in app.log()  # with a password, no token is made


def test_no_sign_in_on_network_needs_its_flag_and_warns(start_server: StartServer) -> None:
    app = start_server(args=["--ip", "0.0.0.0", "--no-sign-in-on-network", "--pool-size", "0"])
    wait_for(lambda: "WITHOUT SIGN-IN" in app.log(), 30, "no warning in the log")
    status, _ = Client(app).page_kernel()
    assert status == 200


def test_no_sign_in_and_a_password_contradict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from workbook.cli import main

    file = tmp_path / "hash"
    file.write_text(hash_password("x"))
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--no-sign-in-on-network", "--password-file", str(file)])
    assert exited.value.code == 2
    assert "contradict" in capsys.readouterr().err


def test_foreign_host_header_on_a_network_address_is_refused(network_app: ServedApp) -> None:
    client = Client(network_app, token=token_of(network_app))
    port = network_app.host.split(":")[1]
    for path in ("/", "/login", "/voila/static/", "/api/kernels"):
        status, _, _ = client.request(path, headers={"Host": f"attacker.example:{port}"})
        assert status == 403, path
    status, _, _ = Client(network_app).request("/login", headers={"Host": f"room-pc:{port}"})
    assert status == 200  # a name given with --allow-host


def test_loopback_needs_no_sign_in(served_app: ServedApp) -> None:
    """The README's first command: the app opens straight away on this machine."""
    status, html = served_app.get_page()
    assert status == 200 and "jupyter-config-data" in html
    assert "token=" not in served_app.log()


# --- participant links ----------------------------------------------------------------------


def open_workshop(app: ServedApp) -> str:
    """Open a workshop on the worked example in the served store; its join code."""
    from workbook.store import PlanStore

    with PlanStore(app.db) as store:
        return store.workshops.open(store.ensure_example() or "example-northwind").code


def join(client: Client, code: str) -> tuple[int, dict[str, str], bytes]:
    """Open ``/join/CODE``; keep the participant cookie it sets, if any."""
    status, headers, body = client.request(f"/join/{code}")
    if status == 303:
        client.cookie = headers["Set-Cookie"].split(";")[0]
    return status, headers, body


def texts(states: dict[str, dict[str, Any]]) -> str:
    """Every string a page's widgets hold, with the CSS classes they carry."""
    return " | ".join(
        " ".join([*(str(v) for v in s.values() if isinstance(v, str)), *s.get("_dom_classes", ())])
        for s in states.values()
    )


def test_a_participant_link_opens_that_workshop_and_nothing_else(network_app: ServedApp) -> None:
    code = open_workshop(network_app)
    other = open_workshop(network_app)
    host = Client(network_app, source="127.0.0.4", token=token_of(network_app)).sign_in()
    participant = Client(network_app, source="127.0.0.5")
    status, headers, _ = join(participant, code)
    assert status == 303 and headers["Location"] == f"/?join={code}"
    assert "HttpOnly" in headers["Set-Cookie"] and "SameSite=Lax" in headers["Set-Cookie"]

    # Whatever the address asks for, the page is that workshop's participant page.
    for query in (
        "plan=example-northwind&name=Ana",
        f"join={other}&name=Ana",
        "section=brief&name=Ana",
    ):
        sock, states = page_states(participant, query)
        try:
            deadline = time.monotonic() + 60
            while "Hello, Ana" not in texts(states) and time.monotonic() < deadline:
                states = sock.widget_states()
            shown = texts(states)
            assert f"Workshop {code}" in shown and "Hello, Ana" in shown, query
            assert other not in shown
            for app_part in ("nw-plan-picker", "nw-field-", "nw-nav", "walk-away", "BATNA"):
                assert app_part not in shown, (query, app_part)
        finally:
            sock.close()

    # Every other route treats the cookie as no credential at all.
    _, host_kernel = host.page_kernel()
    for path in ("/voila/files/app.ipynb", "/api/kernels", "/api/sessions", "/voila/render/x"):
        status, headers, body = participant.request(path)
        assert status in (302, 403, 404), path
        assert status != 302 or urlsplit(headers["Location"]).path == "/login"
        assert b"Northwind" not in body
    for path in (f"/api/kernels/{host_kernel}", f"/voila/api/shutdown/{host_kernel}"):
        status, _, _ = participant.request(path, method="POST" if "shutdown" in path else "GET")
        assert status == 403, path
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        KernelSocket(network_app, host_kernel, cookie=participant.cookie)
    assert refused.value.status_code == 403
    assert host_kernel in host.alive({host_kernel})

    # An ended workshop grants nothing, to a new participant or to a cookie given earlier.
    from workbook.store import PlanStore

    with PlanStore(network_app.db) as store:
        store.workshops.update(code, state="ended")
    # The server trusts its last look at a workshop for a few seconds; ask the way a new
    # participant would (no page, no kernel) until it has seen the end.
    prober = Client(network_app, source="127.0.0.6")
    wait_for(lambda: join(prober, code)[0] == 404, 30, "the ended workshop still lets people in")
    status, headers, _ = participant.request("/?name=Ana")
    assert status == 302 and urlsplit(headers["Location"]).path == "/login"
    ended = join(Client(network_app, source=OTHER_CLIENT), code)
    wrong = join(Client(network_app, source=OTHER_CLIENT), "ZZZZZZ")
    assert ended[0] == wrong[0] == 404
    assert ended[2].replace(code.encode(), b"CODE") == wrong[2].replace(b"ZZZZZZ", b"CODE")
    assert b'value="ZZZZZZ"' in wrong[2]  # what was typed stays, to be corrected
    assert "Set-Cookie" not in ended[1]


def test_join_codes_are_rate_limited_per_client(network_app: ServedApp) -> None:
    code = open_workshop(network_app)
    guesser, neighbour = Client(network_app, source="127.0.0.3"), Client(network_app)
    answers = [
        join(guesser, f"ZZZZ{a}{b}")[0] for a, b in zip("ABCDEFGHJK", "KJHGFEDCBA", strict=True)
    ]
    assert answers == [404] * 10
    status, headers, body = join(guesser, code)  # even the right code, for a while
    assert status == 429 and int(headers["Retry-After"]) >= 60 and b"Wait" in body
    assert not guesser.cookie
    assert join(neighbour, code)[0] == 303  # another device is not held up


# --- floods -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def short_timer_app(start_server: StartServer) -> ServedApp:
    app = start_server(code=serve_code())
    wait_for(lambda: pool_filled(app), 120, "the kernel pool did not fill")
    return app


def test_a_flood_of_plain_gets_holds_a_few_kernels_for_a_short_while(
    short_timer_app: ServedApp,
) -> None:
    app = short_timer_app
    me = Client(app, token=token_of(app))
    flood_anonymous = Client(app, source=OTHER_CLIENT)
    flood = Client(app, source=OTHER_CLIENT, token=me.token)
    before = app.kernel_pids()
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = Counter(s for s, _, _ in pool.map(flood_anonymous.request, ["/"] * 200))
    assert statuses == Counter({302: 200})
    assert app.kernel_pids() == before
    seen: set[str] = set()
    most = 0
    with ThreadPoolExecutor(max_workers=20) as pool:
        for status, kernel_id in pool.map(lambda _: flood.page_kernel(), range(200)):
            assert status in (200, 503)
            seen.add(kernel_id)
            most = max(most, len(app.kernel_pids()))
    seen.discard("")
    print(f"\n200 signed-in GETs from one client: {len(seen)} kernels, at most {most} alive")
    assert 0 < len(seen) <= KERNELS_PER_CLIENT * 3
    assert most <= POOL + KERNELS_PER_CLIENT
    # Another client is served at once; the flood's kernels, never connected, go soon.
    status, kernel_id = me.page_kernel()
    assert status == 200 and kernel_id
    wait_for(lambda: not me.alive(seen), 30, "never-connected kernels were kept")


def test_held_open_idle_websockets_lock_out_no_one_and_are_freed(
    short_timer_app: ServedApp,
) -> None:
    app = short_timer_app
    me = Client(app, token=token_of(app))
    attacker = Client(app, source=OTHER_CLIENT, token=me.token).sign_in()
    held: list[tuple[str, Any]] = []
    refused = most = 0
    try:
        for _ in range(48):
            status, kernel_id = attacker.page_kernel()
            if status == 503:
                refused += 1
                continue
            held.append((kernel_id, attacker.websocket(kernel_id)))
            most = max(most, len(me.alive({k for k, _ in held})))
        # One user, one client: a few kernels at a time, however many pages it asks for.
        assert most <= KERNELS_PER_USER and refused > 0
        status, mine = me.page_kernel()
        assert status == 200 and mine
        # Open but silent: freed after the idle time although the sockets stay open.
        ids = {k for k, _ in held}
        wait_for(lambda: not me.alive(ids), 60, "held-open idle kernels were kept")
    finally:
        for _, ws in held:
            with contextlib.suppress(Exception):
                ws.close()


def test_a_closed_page_whose_kernel_keeps_printing_is_freed(
    start_server: StartServer, tmp_path: Path
) -> None:
    """A page closed while its kernel keeps sending output (a workshop timer) frees it."""
    notebook = tmp_path / "ticking.ipynb"
    source = (
        "import threading, time\n"
        "def tick():\n"
        "    while True:\n"
        "        print('tick', flush=True)\n"
        "        time.sleep(0.5)\n"
        "threading.Thread(target=tick, daemon=True).start()\n"
    )
    _notebook(notebook, source)
    app = start_server(code=serve_code(notebook=notebook, preheat=False))
    me = Client(app, token=token_of(app)).sign_in()
    status, kernel_id = me.page_kernel()
    assert status == 200 and kernel_id
    ws = me.websocket(kernel_id)
    ws.settimeout(30)
    ws.recv()  # output flows to the page
    ws.close()
    wait_for(lambda: not me.alive({kernel_id}), 60, "the closed page's kernel was kept")


def _notebook(path: Path, source: str) -> Path:
    cell = {"cell_type": "code", "metadata": {}, "source": source, "outputs": []}
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = {
        "cells": [{**cell, "execution_count": None}],
        "metadata": {"kernelspec": kernelspec},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook))
    return path


HOG = """
import threading, time
import ipywidgets as W
from workbook.ceiling import guard_memory
eaten = []
def eat():
    for _ in range(60):
        eaten.append(b"x" * 20_000_000)
        time.sleep(0.2)
go = W.Text()
go.add_class("hog-go")
go.observe(lambda change: threading.Thread(target=eat, daemon=True).start(), "value")
guard_memory(W.VBox([W.HTML("the page"), go]))
"""
"""A page that starts eating memory once its connected page types into its text box."""


def test_a_page_over_its_memory_ceiling_is_told_and_ended(
    start_server: StartServer, tmp_path: Path
) -> None:

    notebook = _notebook(tmp_path / "hog.ipynb", HOG)
    code = (
        "from pathlib import Path\n"
        "from workbook.serve import Timers, serve\n"
        "serve({port}, db=Path({db!r}), open_browser=False, preheat=False, "
        f"notebook=Path({str(notebook)!r}), kernel_memory=300_000_000, "
        "timers=Timers(idle=60, connected_idle=600, unconnected=60, interval=1))\n"
    )
    app = start_server(code=code)
    kernel_id = app.new_page_kernel()
    sock = KernelSocket(app, kernel_id)
    try:
        sock.update(sock.find(sock.widget_states(), "hog-go"), value="go")  # connected: eat
        told = False
        deadline = time.monotonic() + 60
        while not told and time.monotonic() < deadline:
            got = sock.receive(timeout=5)
            data = (got.content.get("data") or {}) if got else {}
            state = data.get("state") or {}
            told = got is not None and got.msg_type == "comm_msg" and state.get("display") == ""
        assert told, "the page was not told"
    finally:
        sock.close()
    wait_for(lambda: not app.kernel_alive(kernel_id), 60, "the kernel over its ceiling lived on")
    assert "used more than 300 MB" in app.log()
    assert app.alive()
    status, _ = app.get_page()
    assert status == 200  # the server carries on


# --- in a browser ----------------------------------------------------------------------------


def watch_requests(page: Any, allowed: tuple[str, ...]) -> list[str]:
    """Let through requests to ``allowed`` URL prefixes; abort and list every other."""
    foreign: list[str] = []

    def route(handle: Any) -> None:
        url = handle.request.url
        if url.startswith(allowed):
            handle.continue_()
        else:
            foreign.append(url)
            handle.abort()

    page.route("**/*", route)
    return foreign


@pytest.mark.browser
def test_browser_signs_in_with_the_token_and_asks_no_other_host(
    network_app: ServedApp, page: Any
) -> None:
    foreign = watch_requests(page, (network_app.url, "data:", "blob:"))
    page.goto(network_app.url, timeout=120_000)
    page.locator("#password").wait_for(state="visible", timeout=30_000)
    assert "Northwind" not in page.content()
    page.locator("#password").fill(token_of(network_app))
    page.locator("button[type=submit]").click()
    page.locator(".nw-ready").wait_for(state="visible", timeout=120_000)
    page.locator(".jupyter-widgets").first.wait_for(state="visible", timeout=30_000)
    assert foreign == []


@pytest.mark.browser
def test_browser_gets_the_app_after_a_flood_from_another_client(
    short_timer_app: ServedApp, page: Any
) -> None:
    app = short_timer_app
    token = token_of(app)
    flood = Client(app, source=OTHER_CLIENT, token=token)
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = Counter(s for s, _ in pool.map(lambda _: flood.page_kernel(), range(200)))
    assert set(statuses) <= {200, 503}
    foreign = watch_requests(page, (app.url, "data:", "blob:"))
    page.goto(f"{app.url}?token={token}", timeout=120_000)
    page.locator(".nw-ready").wait_for(state="visible", timeout=120_000)
    assert foreign == []


@pytest.mark.browser
def test_exported_html_brief_asks_no_other_host(tmp_path: Path, page: Any) -> None:
    from workbook.brief import export_brief
    from workbook.store import example_plan

    brief = tmp_path / "brief.html"
    brief.write_bytes(export_brief(example_plan(), "html", []))
    foreign = watch_requests(page, (brief.as_uri(), "data:", "blob:"))
    page.goto(brief.as_uri())
    page.wait_for_load_state("load")
    assert "Northwind" in page.content()
    assert foreign == []


# --- people under their own names ------------------------------------------------------------


def sign_in_as(client: Client, name: str, password: str) -> tuple[int, str]:
    """POST the sign-in form with a name: the status and the sign-in cookie ("" if none)."""
    status, headers, body = client.request("/login")
    xsrf = re.search(rb'name="_xsrf" value="([^"]+)"', body)
    assert status == 200 and xsrf and b'name="name"' in body
    token = xsrf.group(1).decode()
    form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"_xsrf={token}"}
    body = f"_xsrf={token}&name={name}&password={password}"
    status, headers, _ = client.request("/login?next=%2F", method="POST", headers=form, body=body)
    return status, headers.get("Set-Cookie", "").split(";")[0] if status == 302 else ""


def page_states(
    client: Client, query: str, headers: dict[str, str] | None = None
) -> tuple[KernelSocket, dict[str, dict[str, Any]]]:
    """Open the app page as ``client`` and read every widget's state over its websocket."""
    status, _, body = client.request(f"/?{query}", headers=headers)
    found = re.search(rb'"kernelId": "([0-9a-f-]+)"', body)
    assert status == 200 and found, status
    sock = KernelSocket(client.app, found.group(1).decode(), cookie=client.cookie)
    try:
        return sock, sock.widget_states()
    except BaseException:
        sock.close()  # a socket left open would fail whichever test the collector runs in
        raise


def test_members_see_only_their_plans_and_a_viewer_cannot_save(
    start_server: StartServer, tmp_path: Path
) -> None:
    from workbook import model as m
    from workbook.store import PlanStore

    db = tmp_path / "plans.sqlite"
    with PlanStore(db) as host:
        host.ensure_example()
    with PlanStore(db, user="ana") as ana, PlanStore(db, user="bo") as bo:
        ana_plan = ana.create(m.Plan(name="Ana's tender")).plan.id
        bo_plan = bo.create(m.Plan(name="Bo's renewal")).plan.id
        bo.create(m.Plan(name="Bo's secret deal"))
        bo.share(bo_plan, "ana", "viewer")
    members = tmp_path / "members"
    members.write_text(f"ana:{hash_password('ana pass')}\nbo:{hash_password('bo pass')}\n")
    app = start_server(db=db, args=["--ip", "0.0.0.0", "--members", str(members)])
    wait_for(lambda: pool_filled(app), 120, "the kernel pool did not fill")

    client = Client(app)
    assert sign_in_as(client, "ana", "bo+pass") == (401, "")
    assert sign_in_as(client, "mallory", "ana+pass") == (401, "")
    status, client.cookie = sign_in_as(client, "ana", "ana+pass")
    assert status == 302 and client.cookie.startswith("username-")

    sock, states = page_states(client, f"plan={bo_plan}")
    try:
        picker = states[KernelSocket.find(states, "nw-plan-picker")]
        labels = " | ".join(picker["_options_labels"])
        assert "Ana's tender" in labels and "Bo's renewal" in labels and "Northwind" in labels
        assert "Bo's secret deal" not in labels
        summary = KernelSocket.find(states, "nw-field-summary")
        assert states[summary]["disabled"]
        for name in ("nw-rename", "nw-delete"):
            assert states[KernelSocket.find(states, name)]["disabled"]
        # An attacker's page sends the value and asks for a save anyway.
        sock.update(summary, value="changed by a viewer")
        guard = next(k for k, s in states.items() if "beat" in s and "plan_id" in s)
        sock.send(
            "shell",
            "comm_msg",
            {"comm_id": guard, "data": {"method": "custom", "content": {"kind": "flush"}}},
        )
        after = sock.widget_states()  # answered after both messages were handled
        assert "read-only" in " ".join(
            str(s.get("value", "")) for s in after.values() if s.get("_model_name") == "HTMLModel"
        )
    finally:
        sock.close()
    with PlanStore(db, read_only=True) as store:
        assert len(store.history(bo_plan)) == 1
        assert store.history(ana_plan)[-1].author == "ana"

    bo_client = Client(app)
    status, bo_client.cookie = sign_in_as(bo_client, "bo", "bo+pass")
    assert status == 302
    # not hers: the most recent of hers opens; a user header of her own making changes nothing
    sock, states = page_states(
        bo_client, f"plan={ana_plan}", headers={"Negotiation-Workbook-User": "ana"}
    )
    try:
        labels = " | ".join(states[KernelSocket.find(states, "nw-plan-picker")]["_options_labels"])
        assert "Bo's secret deal" in labels and "Ana's tender" not in labels
    finally:
        sock.close()

    # Bo is taken off the members file while the server runs: signed out at the next request.
    members.write_text(f"ana:{hash_password('ana pass')}\n# bo left the team\n")
    wait_for(lambda: bo_client.request("/")[0] == 302, 30, "bo was still signed in")
    assert sign_in_as(Client(app), "bo", "bo+pass") == (401, "")
    assert sign_in_as(Client(app), "ana", "ana+pass")[0] == 302


def test_the_members_file_is_read_again_when_it_changes(tmp_path: Path) -> None:
    from workbook.access import MemberIdentityProvider

    file = tmp_path / "members"
    file.write_text(f"ana:{hash_password('a')}\n")
    provider = MemberIdentityProvider(members={"ana": "x"}, members_file=str(file))
    assert set(provider.current_members(now=0)) == {"ana"}
    file.write_text(f"ana:{hash_password('a')}\nbo:{hash_password('b')}\n")
    os.utime(file, ns=(1, 1))  # a new modification time, whatever the clock's resolution
    assert set(provider.current_members(now=0.5)) == {"ana"}  # looked at once a second
    assert set(provider.current_members(now=2)) == {"ana", "bo"}
    file.write_text("bo has no hash\n")
    os.utime(file, ns=(2, 2))
    assert set(provider.current_members(now=4)) == {"ana", "bo"}  # the last good list stays


def test_plain_pages_escape_what_they_show_and_carry_no_script() -> None:
    from workbook.pages import Field, Form, plain_page

    hostile = "<img src=x onerror=alert(1)>"
    page = plain_page(
        hostile,
        paragraphs=[hostile],
        error=hostile,
        form=Form(
            action=f"/join?{hostile}",
            submit=hostile,
            fields=[Field("code", hostile, attributes=[("placeholder", hostile)])],
            hidden=[("_xsrf", hostile)],
        ),
        link=(f"/login?{hostile}", hostile),
    )
    assert (
        "<img" not in page and "<script" not in page and page.count("&lt;img") == 11
    )  # the title twice
