"""Workshop sessions, their participants and answers, kept in the plan store's database.

A :class:`WorkshopStore` works through the :class:`~workbook.store.access.Access` of the
:class:`~workbook.store.PlanStore` it was made from, and acts for the same user: the plan's
role decides who opens and steers a session, and a participant reaches only the session
they joined.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from workbook.model import load_plan
from workbook.store.access import Access
from workbook.store.records import (
    iso_text,
    session_from_row,
)
from workbook.workshop import (
    CODE_LIFETIME,
    PROMPTS,
    AnswerRecord,
    Clock,
    JoinError,
    Prompt,
    SessionState,
    WorkshopError,
    WorkshopSession,
    check_joinable,
    check_open,
    new_code,
    normalize_code,
    participant_name,
    validate_answer,
)


class WorkshopStore:
    """The workshop sessions of a plan store: opened, steered, joined and answered."""

    def __init__(self, access: Access):
        self._access = access

    @property
    def _con(self) -> Any:
        return self._access.con

    def open(
        self,
        plan_id: str,
        *,
        now: dt.datetime | None = None,
        lifetime: dt.timedelta = CODE_LIFETIME,
    ) -> WorkshopSession:
        """Open a workshop session for a plan under a new join code, valid for ``lifetime``."""
        created = iso_text(now)
        expires = iso_text(dt.datetime.fromisoformat(created) + lifetime)
        with self._access.write() as con:
            self._access.head(plan_id, "editor")
            code = new_code()
            while not con.execute(  # a code taken (perhaps by a workshop not ours): another
                "INSERT INTO workshop_sessions "
                "(code, plan_id, clock, created_at, expires_at, seq) VALUES (?, ?, ?, ?, ?, "
                "(SELECT COALESCE(MAX(seq), 0) + 1 FROM workshop_sessions WHERE plan_id = ?)) "
                "ON CONFLICT (code) DO NOTHING",
                (code, plan_id, Clock().model_dump_json(), created, expires, plan_id),
            ).rowcount:
                code = new_code()
        return self.session(code)

    def session(self, code: str) -> WorkshopSession:
        """The session with join code ``code`` (any case), or JoinError.

        A participant reaches only the session they joined; any other reads as unknown.
        """
        code = normalize_code(code)
        row = self._con.execute(
            "SELECT * FROM workshop_sessions WHERE code = ?" + self._con.lock_rows, (code,)
        ).fetchone()
        if row is None and self._access.team:  # on no plan of it: by its code, while it is live
            row = self._con.execute("SELECT * FROM nw_workshop(?)", (code,)).fetchone()
        if not self._access.reaches(code):
            row = None
        if row is None:
            raise JoinError(
                f"No workshop session has the code {code}. Check the code on the "
                "facilitator's screen."
            )
        return session_from_row(row)

    def heading(self, code: str) -> tuple[str, str]:
        """The name and currency of the plan workshop ``code`` prepares: all that its
        participants see of the plan (a participant is on no plan)."""
        session = self.session(code)
        if self._access.team:  # the name and currency only, whoever asks
            found = self._con.execute(
                "SELECT name, currency FROM nw_workshop_heading(?)", (session.code,)
            ).fetchone()
            if found is None:
                raise JoinError("The plan of this workshop is gone; ask the facilitator.")
            return found[0], found[1]
        row = self._con.execute(
            "SELECT r.data FROM plans p JOIN revisions r "
            "ON r.plan_id = p.id AND r.revision = p.head WHERE p.id = ?",
            (session.plan_id,),
        ).fetchone()
        if row is None:
            raise JoinError("The plan of this workshop is gone; ask the facilitator.")
        plan = load_plan(json.loads(row[0]))
        return plan.name, plan.currency

    def latest(self, plan_id: str) -> WorkshopSession | None:
        """The plan's most recently opened workshop session, whatever its state."""
        row = self._con.execute(
            "SELECT * FROM workshop_sessions WHERE plan_id = ? "
            "ORDER BY created_at DESC, seq DESC LIMIT 1",
            (plan_id,),
        ).fetchone()
        return session_from_row(row) if row else None

    def version(self, code: str) -> int:
        """A number that grows with every change to a session or its answers; cheap to poll."""
        if not self._access.reaches(code):
            return 0
        table = "nw_workshop(?)" if self._access.outsider(code) else "workshop_sessions"
        code = normalize_code(code)
        args = (code, code) if table != "workshop_sessions" else (code,)
        row = self._con.execute(f"SELECT version FROM {table} WHERE code = ?", args).fetchone()
        return int(row[0]) if row else 0

    def update(
        self,
        code: str,
        *,
        state: SessionState | None = None,
        prompts: list[Prompt] | None = None,
        clock: Clock | None = None,
        now: dt.datetime | None = None,
    ) -> WorkshopSession:
        """Change a session's state, prompts or clock; an ended or expired one refuses."""
        stamp = iso_text(now)
        with self._access.write() as con:
            session = self.session(code)
            self._access.head(session.plan_id, "editor")
            check_open(session, dt.datetime.fromisoformat(stamp))
            con.execute(
                "UPDATE workshop_sessions SET state = ?, prompts = ?, clock = ?, "
                "ended_at = CASE WHEN CAST(? AS TEXT) = 'ended' THEN CAST(? AS TEXT) END, "
                "version = version + 1 "
                "WHERE code = ?",
                (
                    state or session.state,
                    PROMPTS.dump_json(session.prompts if prompts is None else prompts).decode(),
                    (clock or session.clock).model_dump_json(),
                    state,
                    stamp,
                    session.code,
                ),
            )
        return self.session(code)

    def join(
        self, code: str, name: str, *, now: dt.datetime | None = None
    ) -> tuple[WorkshopSession, str]:
        """Join a session: the session and the tidied name, or JoinError saying what is wrong.

        Someone who joined before may come back after the session ended, to see the results.
        """
        name = participant_name(name)
        stamp = iso_text(now)
        moment = dt.datetime.fromisoformat(stamp)
        session = self.session(code)
        check_joinable(session, moment, newcomer=False)
        key = (session.code, name.casefold())
        if self._access.team:  # joined by this role, whatever its role on the plan
            check_joinable(session, moment, newcomer=True)
            joined = self._con.execute(
                "SELECT nw_join_workshop(?, ?, ?, ?)", (*key, name, stamp)
            ).fetchone()[0]
            if joined is None:
                raise JoinError("Someone else joined under this name; add your surname.")
            return self.session(session.code), joined
        known = self._con.execute(
            "SELECT name FROM workshop_participants WHERE code = ? AND name_key = ?", key
        ).fetchone()
        if known:
            return session, known[0]
        with self._access.write() as con:
            current = self.session(session.code)  # locked until the commit
            check_joinable(current, moment, newcomer=True)
            con.execute(
                "INSERT INTO workshop_participants (code, name_key, name, joined_at, seq) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (*key, name, stamp, current.version + 1),
            )
            con.execute(
                "UPDATE workshop_sessions SET version = version + 1 WHERE code = ?",
                (session.code,),
            )
        return self.session(session.code), name

    def participants(self, code: str) -> list[str]:
        """The names of everyone who joined the session, in the order they joined."""
        if not self._access.reaches(code):
            return []
        table = (
            "nw_workshop_participants(?)"
            if self._access.outsider(code)
            else "workshop_participants WHERE code = ?"
        )
        rows = self._con.execute(
            f"SELECT name FROM {table} ORDER BY joined_at, seq", (normalize_code(code),)
        ).fetchall()
        return [r[0] for r in rows]

    def submit_answer(
        self,
        code: str,
        participant: str,
        prompt_id: str,
        data: Any,
        *,
        now: dt.datetime | None = None,
    ) -> AnswerRecord:
        """Keep a participant's answer to an open prompt; answering again replaces it.

        The answer is validated against the prompt before it is written (AnswerError); an
        ended or expired session (SessionClosed) and a closed prompt refuse it.
        """
        name = participant_name(participant)
        stamp = iso_text(now)
        with self._access.write() as con:
            session = self.session(code)
            check_open(session, dt.datetime.fromisoformat(stamp))
            prompt = session.prompt(prompt_id)
            if prompt is None or not prompt.open:
                raise WorkshopError(
                    "The facilitator has closed this question; your earlier answer is kept."
                )
            answer = validate_answer(prompt, data).model_dump(mode="json")
            key = (session.code, name.casefold())
            if self._access.team:  # under a name this role joined with
                if not con.execute(
                    "SELECT nw_submit_answer(?, ?, ?, ?, ?)",
                    (*key, prompt_id, json.dumps(answer), stamp),
                ).fetchone()[0]:
                    raise JoinError("Join the session with its code and your name first.")
                return AnswerRecord(name, prompt_id, answer, dt.datetime.fromisoformat(stamp))
            if not con.execute(
                "SELECT 1 FROM workshop_participants WHERE code = ? AND name_key = ?", key
            ).fetchone():
                raise JoinError("Join the session with its code and your name first.")
            con.execute(
                "INSERT INTO workshop_answers "
                "(code, name_key, participant, prompt, answer, updated_at, seq) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code, name_key, prompt) DO UPDATE SET "
                "participant = excluded.participant, answer = excluded.answer, "
                "updated_at = excluded.updated_at",
                (*key, name, prompt_id, json.dumps(answer), stamp, session.version + 1),
            )
            con.execute(
                "UPDATE workshop_sessions SET version = version + 1 WHERE code = ?",
                (session.code,),
            )
        return AnswerRecord(name, prompt_id, answer, dt.datetime.fromisoformat(stamp))

    def answers(self, code: str, participant: str | None = None) -> list[AnswerRecord]:
        """The session's answers, oldest first; only one participant's when named."""
        if not self._access.reaches(code):
            return []
        table = (
            "nw_workshop_answers(?) WHERE 1 = 1"
            if self._access.outsider(code)
            else "workshop_answers WHERE code = ?"
        )
        query = f"SELECT participant, prompt, answer, updated_at FROM {table}"
        args: tuple[str, ...] = (normalize_code(code),)
        if participant is not None:
            query += " AND name_key = ?"
            args += (participant.casefold(),)
        rows = self._con.execute(query + " ORDER BY updated_at, seq", args).fetchall()
        return [
            AnswerRecord(r[0], r[1], json.loads(r[2]), dt.datetime.fromisoformat(r[3]))
            for r in rows
        ]
