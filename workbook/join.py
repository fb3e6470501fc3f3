"""Participant links: a join code opens one workshop's participant page and nothing else.

>>> limiter = JoinLimiter(failures=2, window=60)
>>> limiter.allows("10.0.0.7", now=0), limiter.failed("10.0.0.7", now=1)
(True, None)
>>> limiter.failed("10.0.0.7", now=2), limiter.allows("10.0.0.7", now=3)
(None, False)
>>> limiter.allows("10.0.0.7", now=63), limiter.allows("10.0.0.8", now=3)
(True, True)

A participant opens ``/join/CODE`` (the address and QR code on the facilitator's screen),
or types the code into the form at ``/join``. The server looks the code up; a code that
opens a live workshop is exchanged for a signed, HttpOnly cookie naming that workshop and
a random pass, and the visitor is sent to the app page. With that cookie, and no sign-in,
the page always shows the participant view of that one workshop, whatever the address
says, and the kernel it starts answers only to that cookie. No other route accepts it.

Codes resist guessing: each client address may try :data:`FAILURES` wrong codes per
:data:`WINDOW` seconds, and a wrong, ended or expired code all get the same answer, so
that no answer says whether a session exists.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import User
from jupyter_server.base.handlers import JupyterHandler
from tornado import web

from workbook.access import security_headers
from workbook.errors import WorkbookError
from workbook.pages import Field, Form, plain_page
from workbook.workshop import CODE_LENGTH, PARTICIPANT_PREFIX, normalize_code, participant_of

__all__ = [
    "PARTICIPANT_COOKIE",
    "PARTICIPANT_PREFIX",
    "JoinHandler",
    "JoinLimiter",
    "WorkshopGate",
    "participant_code",
    "participant_user",
]

log = logging.getLogger(__name__)

PARTICIPANT_COOKIE = "negotiation-workbook-participant"
"""The signed cookie that carries a participant's workshop code and pass."""

FAILURES = 10
"""Wrong codes one client address may try per :data:`WINDOW` seconds."""

WINDOW = 600.0

CACHE_SECONDS = 3.0
"""How long the server trusts its last look at a workshop's state."""

JOIN_TITLE = "Join a workshop"
JOIN_HELP = "Type the join code shown on the facilitator's screen."
WRONG_CODE = (
    "That code does not open a workshop. Check it on the facilitator's screen: a code "
    "stops working when its workshop ends."
)
TOO_MANY = (
    "Too many codes were tried from this device. Wait {minutes} minutes, or open the "
    "address on the facilitator's screen."
)


def participant_user(code: str, pass_: str) -> User:
    """The identity a participant's cookie stands for (never a member of any plan)."""
    username = f"{PARTICIPANT_PREFIX}{code}:{pass_}"
    return User(username, "Workshop participant", "Workshop participant", "P", None, None)


def participant_code(user: Any) -> str:
    """The workshop code of a participant's identity; "" for anyone else.

    >>> participant_code(participant_user("ABC234", "x1")), participant_code(None)
    ('ABC234', '')
    """
    return participant_of(str(getattr(user, "username", "") or ""))


@dataclass
class JoinLimiter:
    """Wrong join codes per client address, in a sliding window."""

    failures: int = FAILURES
    window: float = WINDOW
    _seen: dict[str, deque[float]] = field(default_factory=dict)

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._seen.get(client, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            self._seen.pop(client, None)
        return times

    def allows(self, client: str, now: float | None = None) -> bool:
        """Whether ``client`` may try a code now."""
        now = time.monotonic() if now is None else now
        return len(self._recent(client, now)) < self.failures

    def failed(self, client: str, now: float | None = None) -> None:
        """Count a wrong code from ``client``."""
        now = time.monotonic() if now is None else now
        self._recent(client, now)
        self._seen.setdefault(client, deque()).append(now)
        if len(self._seen) > 10_000:  # a flood of addresses: forget the oldest
            self._seen.pop(next(iter(self._seen)))

    def wait_minutes(self, client: str, now: float | None = None) -> int:
        """Whole minutes until ``client`` may try again."""
        now = time.monotonic() if now is None else now
        times = self._recent(client, now)
        return max(1, int((times[0] + self.window - now) // 60 + 1)) if times else 1


class WorkshopGate:
    """Whether a join code opens a live workshop, looked up in the plan store.

    A live workshop is one that has neither ended nor expired. Answers are kept for
    :data:`CACHE_SECONDS`, so a page's many requests cost one lookup.
    """

    def __init__(self, db: str, *, read_only: bool = False, cache: float = CACHE_SECONDS):
        self.db, self.read_only, self.cache = db, read_only, cache
        self._known: dict[str, tuple[float, bool]] = {}
        self._store: Any = None  # opened at the first look-up, kept for the next ones

    def live(self, code: str) -> bool:
        """True when ``code`` names a workshop that takes participants now."""
        try:
            code = normalize_code(code)
        except WorkbookError:
            return False
        now = time.monotonic()
        known = self._known.get(code)
        if known and now - known[0] < self.cache:
            return known[1]
        answer = self._look_up(code)
        if len(self._known) > 1000:
            self._known.clear()
        self._known[code] = (now, answer)
        return answer

    def _look_up(self, code: str) -> bool:
        from workbook.store import PlanStore

        try:
            if self._store is None:
                self._store = PlanStore(self.db, read_only=self.read_only)
            session = self._store.workshops.session(code)
        except WorkbookError:
            return False
        return not session.frozen(dt.datetime.now(dt.UTC))


class JoinHandler(JupyterHandler):
    """``/join`` (a form) and ``/join/CODE``: a live code becomes a participant cookie."""

    def check_xsrf_cookie(self) -> None:  # a GET form: nothing to protect
        return None

    @property
    def gate(self) -> WorkshopGate:
        return self.settings[WorkshopGate.__name__]  # type: ignore[no-any-return]

    @property
    def limiter(self) -> JoinLimiter:
        return self.settings[JoinLimiter.__name__]  # type: ignore[no-any-return]

    @allow_unauthenticated
    def get(self, path_code: str = "") -> None:
        code = (path_code or self.get_query_argument("code", "")).strip()[:32]
        if not code:
            self._page()
            return
        client = self.request.remote_ip or ""
        if not self.limiter.allows(client):
            self.set_status(429)
            self.set_header("Retry-After", str(self.limiter.wait_minutes(client) * 60))
            self._page(TOO_MANY.format(minutes=self.limiter.wait_minutes(client)), code)
            return
        if not self.gate.live(code):
            self.limiter.failed(client)
            log.info("a join code that opens no workshop was tried from %s", client)
            self.set_status(404)
            self._page(WRONG_CODE, code)  # what was typed stays, to be corrected
            return
        code = normalize_code(code)
        pass_ = secrets.token_urlsafe(12)
        self.set_signed_cookie(
            PARTICIPANT_COOKIE,
            f"{code}:{pass_}",
            expires_days=1,
            path=self.base_url,
            httponly=True,
            samesite="Lax",
            secure=self.request.protocol == "https",
        )
        self.redirect(f"{self.base_url}?{urlencode({'join': code})}", status=303)

    def _page(self, problem: str = "", typed: str = "") -> None:
        code = Field(
            "code",
            "Join code",
            attributes=[
                ("value", typed),
                ("maxlength", str(CODE_LENGTH + 4)),
                ("autocomplete", "off"),
                ("autocapitalize", "characters"),
                ("spellcheck", "false"),
            ],
            autofocus=True,
            required=True,
        )
        form = Form(action=f"{self.base_url}join", submit="Join", fields=[code])
        security_headers(self)
        self.finish(plain_page(JOIN_TITLE, paragraphs=[JOIN_HELP], error=problem, form=form))


def participant_from_cookie(handler: web.RequestHandler) -> User | None:
    """The participant a request's cookie stands for, while their workshop is live."""
    value = handler.get_signed_cookie(PARTICIPANT_COOKIE, max_age_days=1)
    if not value:
        return None
    code, _, pass_ = value.decode("utf-8", "replace").partition(":")
    gate: WorkshopGate | None = handler.settings.get(WorkshopGate.__name__)
    if not pass_ or gate is None or not gate.live(code):
        return None
    return participant_user(code, pass_)
