"""Where participants join: the address the room can reach, and its QR code."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

import segno
from markupsafe import Markup

from workbook.store import SERVE_IP_ENV
from workbook.ui.workshop.kit import workshop_html
from workbook.workshop import JOIN_BASE_ENV


@dataclass(frozen=True)
class JoinAddress:
    """Where participants open the workshop, and whether other machines can reach it."""

    url: str
    reachable: bool
    note: str = ""

    @property
    def shown(self) -> str:
        """The address as people read and type it: without ``http://``."""
        return self.url.removeprefix("http://")


LOOPBACK_NOTE = (
    "Only this computer can open this address: the app is served on this machine alone. "
    "To let participants join from their laptops, stop the server, start it again with "
    "“negotiation-workbook serve --ip 0.0.0.0” (or with this machine's address on the "
    "room's network), and open the app by that address."
)


NO_NETWORK_NOTE = (
    "This computer has no network address that the room could reach. Connect it to the "
    "room's network and reload this page."
)


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _local_only(host: str) -> bool:
    ip = _ip(host)
    return host.lower() in ("localhost", "") or (ip is not None and ip.is_loopback)


def machine_address() -> str | None:
    """This machine's address on its network (the one its default route leaves by).

    A UDP socket that is connected but never used sends nothing; the system only picks
    the interface it would use.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # a documentation address: nothing is sent
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    ip = _ip(address)
    return address if ip is not None and not (ip.is_loopback or ip.is_unspecified) else None


def join_address(
    code: str,
    env: Mapping[str, str] | None = None,
    network: Callable[[], str | None] = machine_address,
) -> JoinAddress | None:
    """The address participants open for ``code``; None outside a served app.

    The page's own address when the facilitator opened it by one others can reach; the
    server's address when it listens on one; this machine's network address when it
    listens on all (``--ip 0.0.0.0``); else the loopback address, with a note saying
    that participants cannot reach it and what to do. Behind JupyterHub the path is the
    hub's (:data:`~workbook.workshop.JOIN_BASE_ENV`): each participant joins on their own
    server.
    """
    env = os.environ if env is None else env
    host, port = env.get("SERVER_NAME", ""), env.get("SERVER_PORT", "")
    if not host:
        return None
    bound = env.get(SERVE_IP_ENV, "")
    reachable, note = True, ""
    if _local_only(host) and not env.get(JOIN_BASE_ENV):  # behind a hub: the hub's address
        bound_ip = _ip(bound)
        if bound and not _local_only(bound) and not (bound_ip and bound_ip.is_unspecified):
            host = bound
        elif bound_ip is not None and bound_ip.is_unspecified:
            found = network()
            host, reachable = (found, True) if found else (host, False)
            note = "" if found else NO_NETWORK_NOTE
        else:
            reachable, note = False, LOOPBACK_NOTE
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    base = (env.get(JOIN_BASE_ENV) or env.get("SCRIPT_NAME", "/") or "/").rstrip("/")
    url = f"http://{host}{':' + port if port else ''}{base}/join/{quote(code)}"
    return JoinAddress(url, reachable, note)


def join_qr(url: str) -> segno.QRCode:
    """The QR code that opens ``url`` (medium error correction: a projector's glare)."""
    return segno.make(url, error="m", micro=False)


def join_qr_svg(url: str, width: str) -> str:
    """The QR code as inline SVG, dark on white whatever the theme, ``width`` wide."""
    svg = join_qr(url).svg_inline(
        scale=1, border=4, dark="#000", light="#fff", omitsize=True, svgclass="nw-join-qr-svg"
    )
    svg = svg.replace("<svg ", "<svg width='100%' height='100%' ", 1)
    return workshop_html("qr", svg=Markup(svg), address=url, width=width)  # segno's own SVG


QR_WIDTH = {False: "132px", True: "220px"}
"""The QR code's width on the panel and on the projector."""


def join_html(code: str, address: JoinAddress | None, *, large: bool = False) -> str:
    """The code, the address in large type and its QR code side by side; the note below."""
    reachable = address is not None and address.reachable
    return workshop_html(
        "join",
        code=code,
        shown=address.shown if address is not None else "",
        reachable=reachable,
        qr=Markup(join_qr_svg(address.url, QR_WIDTH[large])) if address and reachable else "",
        note_text=address.note if address is not None else "",
        large=large,
    )
