"""Who may reach the served app: sign-in on a network, and the names it answers to.

>>> hosts = AllowedHosts.for_address("192.168.1.20", names=["room-pc"])
>>> hosts.allows("room-pc:8866"), hosts.allows("attacker.example:8866")
(True, False)

The identity comes from jupyter_server's identity provider (a token printed in the log,
or a password given as a hash); this module only supplies its plain sign-in page, the
password hash's sources and the ``Host`` header check. A team server would swap the
identity provider (JupyterHub's) and keep everything else.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jupyter_server.auth.identity import PasswordIdentityProvider, User
from jupyter_server.auth.login import LoginFormHandler
from jupyter_server.auth.logout import LogoutHandler
from jupyter_server.auth.security import passwd_check
from tornado import web
from traitlets import Dict, Unicode

from workbook.errors import WorkbookError
from workbook.pages import Field, Form, plain_page

__all__ = [
    "PARTICIPANT_LOOKUP",
    "PASSWORD_HASH_ENV",
    "USER_HEADER",
    "AllowedHosts",
    "MemberIdentityProvider",
    "hash_password",
    "is_loopback",
    "member_name",
    "read_members",
    "read_password_hash",
    "security_headers",
]

log = logging.getLogger(__name__)

PASSWORD_HASH_ENV = "NEGOTIATION_WORKBOOK_PASSWORD_HASH"
"""Environment variable holding the sign-in password's hash (from ``hash_password``)."""

USER_HEADER = "Negotiation-Workbook-User"
"""The request header through which the page handler tells the kernel who signed in; the
server always sets it itself, so a visitor's own header never reaches a kernel. Voilà hands
it to the kernel as ``HTTP_NEGOTIATION_WORKBOOK_USER``."""

PARTICIPANT_LOOKUP = "participant_lookup"
"""The setting holding the function that turns a request's participant cookie into a
user (see :mod:`workbook.join`); only handlers with ``admits_participants`` consult it."""

MEMBER_PREFIX = "member:"
"""How a person signed in under their own name is told apart from the host (the token or
the shared password), whose identity jupyter_server makes up at random."""

_HASH = re.compile(r"^(?:argon2:\$argon2[a-z]*\$\S+|sha[0-9]+:[0-9a-f]+:[0-9a-f]+)$")

SIGN_IN_TITLE = "Sign in to the negotiation workbook"
SIGN_IN_HELP = (
    "Enter the password, or the token from the address the person running the workbook gave you."
)
WRONG_SECRET = "That password or token is not right."
MEMBER_HELP = "Enter your name and your own password; leave the name empty for the host's."


class MemberIdentityProvider(PasswordIdentityProvider):
    """jupyter_server's token and password sign-in, plus people who sign in under their
    own name with their own password (``members``: name to password hash).

    The token or the shared password signs in the host, who owns every plan as on
    loopback; a member sees the plans they are on. The members file is read again when
    it changes: someone removed from it is signed out at their next request.
    """

    members = Dict({}, config=True, help="Name to password hash of each person.")
    members_file = Unicode(
        "", config=True, help="The file ``members`` came from; read again when it changes."
    )
    _members_seen: tuple[float, float] | None = None

    def current_members(self, now: float | None = None) -> dict[str, str]:
        """The members, read again from :attr:`members_file` when it has changed (looked
        at once a second at most). A file that no longer reads keeps the last good list."""
        now = time.monotonic() if now is None else now
        if not self.members_file or (self._members_seen and now - self._members_seen[0] < 1):
            return dict(self.members)
        try:
            changed = os.stat(self.members_file).st_mtime_ns
        except OSError:
            changed = 0
        if self._members_seen is not None and changed != self._members_seen[1]:
            try:
                self.members = read_members(Path(self.members_file))
                log.info("the members file changed: %d members", len(self.members))
            except WorkbookError as exc:
                log.warning("%s; the members read before stay", exc)
        self._members_seen = (now, changed)
        return dict(self.members)

    def process_login_form(self, handler: web.RequestHandler) -> User | None:
        name = " ".join(handler.get_argument("name", default="").split())
        if not name:
            return super().process_login_form(handler)
        hashed = self.current_members().get(name)
        if hashed and passwd_check(hashed, handler.get_argument("password", default="")):
            return User(MEMBER_PREFIX + name, name, name, name[:1].upper(), None, None)
        return None

    async def _get_user(self, handler: web.RequestHandler) -> User | None:
        user = await super()._get_user(handler)
        name = member_name(user)
        if name and name not in self.current_members():
            self.clear_login_cookie(handler)
            return None
        if user is None and getattr(handler, "admits_participants", False):
            # A workshop participant's cookie counts on the few routes that admit one.
            lookup = handler.settings.get(PARTICIPANT_LOOKUP)
            user = lookup(handler) if lookup is not None else None
        return user


def member_name(user: Any) -> str:
    """The name of a person signed in under their own name; "" for the host or nobody."""
    username = str(getattr(user, "username", "") or "")
    return username[len(MEMBER_PREFIX) :] if username.startswith(MEMBER_PREFIX) else ""


def read_members(file: Path) -> dict[str, str]:
    """Names and password hashes from ``file``: one ``NAME:HASH`` a line (``#`` comments).

    Each hash is made by ``negotiation-workbook password``.
    """
    try:
        lines = Path(file).read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkbookError(f"cannot read the members file {file}: {exc}") from None
    members: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, hashed = line.partition(":")
        name, hashed = " ".join(name.split()), hashed.strip()
        if not name or not _HASH.match(hashed):
            raise WorkbookError(
                f"{file} line {number}: write NAME:HASH, the hash made by "
                "`negotiation-workbook password`"
            )
        members[name] = hashed
    return members


def is_loopback(ip: str) -> bool:
    """Whether ``ip`` (an address to listen on) reaches this machine only."""
    if ip == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


def _is_unspecified(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).is_unspecified
    except ValueError:
        return False


@dataclass(frozen=True)
class AllowedHosts:
    """The ``Host`` header values the server answers to; any other gets 403.

    A page on another site that resolves its own name to this machine (DNS rebinding)
    sends that name as ``Host``: it is refused. Accepted are loopback addresses and
    ``localhost``, the address served on (with ``0.0.0.0`` or ``::``, any IP address,
    since a rebinding page cannot send an address as its name), this machine's name,
    and the names given with ``--allow-host``.
    """

    ip: str
    names: frozenset[str]
    any_name: bool = False
    """Answer every name: behind JupyterHub, whose proxy passes on the hub's public name
    and whose sign-in guards every route (a rebinding page has no hub cookie)."""

    @classmethod
    def for_address(cls, ip: str, names: Iterable[str] = ()) -> AllowedHosts:
        """The hosts allowed when serving on ``ip``, plus ``names``."""
        allowed = {"localhost", *(n.strip().lower().rstrip(".") for n in names if n.strip())}
        if not is_loopback(ip):
            allowed |= {socket.gethostname().lower(), socket.getfqdn().lower()}
        return cls(ip, frozenset(allowed))

    def allows(self, host_header: str) -> bool:
        """Whether a request with this ``Host`` header (port included or not) is answered."""
        if self.any_name:
            return True
        match = re.match(r"^\[([0-9A-Fa-f:.]+)\](?::\d+)?$|^([^:]*)(?::\d+)?$", host_header)
        if not match:
            return False
        host = (match.group(1) or match.group(2) or "").lower().rstrip(".")
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return host in self.names
        if address.is_loopback or _is_unspecified(self.ip):
            return True
        return host == self.ip or address == ipaddress.ip_address(self.ip)


class HostCheck:
    """Mixed into every handler: a request whose ``Host`` is not allowed gets 403."""

    def prepare(self, *args: Any, **kwargs: Any) -> Any:
        handler: web.RequestHandler = self  # type: ignore[assignment]
        hosts: AllowedHosts = handler.settings[AllowedHosts.__name__]
        if not hosts.allows(handler.request.host):
            log.warning("refused a request for host %r", handler.request.host[:100])
            handler.clear()
            handler.set_status(403)
            handler.set_header("Content-Type", "text/plain; charset=utf-8")
            handler.finish("This server does not answer to that name.\n")
            return None  # a finished request goes no further
        return super().prepare(*args, **kwargs)  # type: ignore[misc]


def with_host_check(handler: type) -> type:
    """``handler`` with :class:`HostCheck` in front of it."""
    if issubclass(handler, HostCheck):
        return handler
    return type(handler.__name__, (HostCheck, handler), {"__doc__": handler.__doc__})


def security_headers(handler: web.RequestHandler) -> None:
    handler.set_header("Content-Type", "text/html; charset=utf-8")
    handler.set_header("Cache-Control", "no-store")
    handler.set_header("X-Frame-Options", "DENY")
    handler.set_header(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    )


class SignInHandler(LoginFormHandler):
    """jupyter_server's sign-in (the identity provider checks the token or password),
    answered with a plain form: no script, no template of Voilà's, nothing of any plan."""

    def _render(self, message: dict[str, str] | None = None) -> None:
        next_url = self.get_argument("next", default=self.base_url)
        members = bool(getattr(self.identity_provider, "members", None))
        name = Field("name", "Your name", attributes=[("autocomplete", "username")], autofocus=True)
        password = Field(
            "password",
            "Password or token",
            kind="password",
            attributes=[("autocomplete", "current-password")],
            autofocus=not members,
            required=True,
        )
        form = Form(
            action=f"{self.base_url}login?next={quote(next_url, safe='')}",
            submit="Sign in",
            method="post",
            fields=[name, password] if members else [password],
            hidden=[("_xsrf", self.xsrf_token.decode())],
        )
        security_headers(self)
        self.write(
            plain_page(
                SIGN_IN_TITLE,
                paragraphs=[MEMBER_HELP if members else SIGN_IN_HELP],
                error=WRONG_SECRET if message and message.get("error") else "",
                form=form,
            )
        )


class SignOutHandler(LogoutHandler):
    """Clears the sign-in cookie and says so, on a plain page."""

    def get(self) -> None:  # type: ignore[override]
        self.identity_provider.clear_login_cookie(self)
        security_headers(self)
        self.write(
            plain_page("You are signed out", link=(f"{self.base_url}login", "Sign in again"))
        )


def hash_password(password: str) -> str:
    """The hash to give ``serve`` (environment or file) for ``password`` (argon2)."""
    from jupyter_server.auth.security import passwd

    if not password:
        raise WorkbookError("the password is empty")
    return str(passwd(password))


def read_password_hash(file: Path | None = None) -> str:
    """The password hash from ``file`` or else :data:`PASSWORD_HASH_ENV`; "" when neither.

    A value that is not a hash made by :func:`hash_password` is refused: a password
    written out in clear would otherwise never match.
    """
    if file is not None:
        try:
            text = Path(file).read_text("utf-8").strip()
        except UnicodeDecodeError:
            raise WorkbookError(f"{file} is not a text file holding a password hash") from None
        where = str(file)
    else:
        text, where = os.environ.get(PASSWORD_HASH_ENV, "").strip(), PASSWORD_HASH_ENV
    if text and not _HASH.match(text):
        raise WorkbookError(
            f"{where} does not hold a password hash; make one with `negotiation-workbook password`"
        )
    return text
