"""Each company's strategic objectives, shared by the company's plans, every save a
revision; read and changed by the members of those plans."""

from __future__ import annotations

from workbook.errors import ConflictError, NotAllowed
from workbook.model import StrategicPlan
from workbook.store.access import Access
from workbook.store.records import StoredPlan, now_text
from workbook.store.schema import EVERYONE, ROLES, company_key


class Strategies:
    """The company strategies a store's user reaches: a company's strategy is as
    confidential as its plans."""

    def __init__(self, access: Access):
        self._access = access

    def load(self, company: str = "") -> StoredPlan:
        """A company's objectives with the revision they come from (0 when none saved)."""
        self._check_role(company, "viewer")
        row = self._access.con.execute(
            "SELECT revision, saved_at, author, data FROM strategies WHERE company = ? "
            "ORDER BY revision DESC LIMIT 1",
            (company_key(company),),
        ).fetchone()
        if row is None:
            return StoredPlan(StrategicPlan(), 0, "", "")  # type: ignore[arg-type]
        plan = StrategicPlan.model_validate_json(row["data"])
        return StoredPlan(plan, row["revision"], row["saved_at"], row["author"])  # type: ignore[arg-type]

    def save(
        self,
        strategic: StrategicPlan,
        *,
        company: str = "",
        author: str = "",
        base_revision: int | None = None,
    ) -> StoredPlan:
        """Save a company's objectives as a new revision (ConflictError when someone saved
        since ``base_revision``, if given)."""
        self._check_role(company, "editor")
        key = company_key(company)
        with self._access.write() as con:
            con.lock(f"strategy {key}")  # the next revision number is taken one at a time
            head = con.execute(
                "SELECT revision, saved_at, author FROM strategies WHERE company = ? "
                "ORDER BY revision DESC LIMIT 1",
                (key,),
            ).fetchone()
            latest = head["revision"] if head else 0
            if base_revision is not None and latest != base_revision:
                raise ConflictError("strategy", base_revision, latest, head[1], head[2])
            now = now_text()
            con.execute(
                "INSERT INTO strategies (company, revision, saved_at, author, data) "
                "VALUES (?, ?, ?, ?, ?)",
                (key, latest + 1, now, author, strategic.model_dump_json()),
            )
        return StoredPlan(strategic, latest + 1, now, author)  # type: ignore[arg-type]

    def _check_role(self, company: str, need: str) -> None:
        """Refuse (NotAllowed) a user whose best role on the company's plans is below
        ``need``."""
        self._access.refuse_participant()
        user = self._access.user
        if user is None:
            return
        key = company_key(company)
        rows = self._access.con.execute(
            "SELECT p.company, m.role FROM plans p JOIN plan_members m ON m.plan_id = p.id "
            'WHERE p.deleted_at IS NULL AND m."user" IN (?, ?)',
            (user, EVERYONE),
        ).fetchall()
        roles = [r[1] for r in rows if company_key(r[0]) == key]
        best = max(roles, key=ROLES.index, default=None)
        if best is None or ROLES.index(best) < ROLES.index(need):
            raise NotAllowed(
                f"{user} is not on a plan of this company"
                if best is None
                else f"{user} may read this company's strategy but not change it"
            )
