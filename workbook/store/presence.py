"""Who is here: the pages that show a plan now, each seen within :data:`PRESENCE_TTL`."""

from __future__ import annotations

import datetime as dt

from workbook.store.access import Access
from workbook.store.records import Presence, iso_text
from workbook.store.schema import PRESENCE_TTL


class PresenceBoard:
    """The pages open on each plan, as they last reported themselves."""

    def __init__(self, access: Access):
        self._access = access

    def mark_here(
        self, page: str, plan_id: str, name: str, section: str, *, now: dt.datetime | None = None
    ) -> None:
        """Record that ``page`` shows ``plan_id`` now; entries gone stale are pruned."""
        stamp = now or dt.datetime.now(dt.UTC)
        with self._access.write() as con:
            con.execute(
                "INSERT INTO presence (page, plan_id, name, section, last_seen) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (page) DO UPDATE SET "
                "plan_id = excluded.plan_id, name = excluded.name, section = excluded.section, "
                "last_seen = excluded.last_seen",
                (page, plan_id, name[:80], section[:80], iso_text(stamp)),
            )
            con.execute(
                "DELETE FROM presence WHERE last_seen < ?", (iso_text(stamp - PRESENCE_TTL),)
            )

    def here(
        self, plan_id: str, *, besides: str = "", now: dt.datetime | None = None
    ) -> list[Presence]:
        """The pages seen on ``plan_id`` within :data:`PRESENCE_TTL`, other than ``besides``."""
        since = iso_text((now or dt.datetime.now(dt.UTC)) - PRESENCE_TTL)
        rows = self._access.con.execute(
            "SELECT page, name, section, last_seen FROM presence "
            "WHERE plan_id = ? AND last_seen >= ? AND page != ?",
            (plan_id, since, besides),
        ).fetchall()
        rows.sort(key=lambda r: r[0])  # by code point, whatever the database's collation
        rows.sort(key=lambda r: r[3], reverse=True)
        return [Presence(*r) for r in rows]

    def leave(self, page: str) -> None:
        """Forget ``page`` (it closed or opened another plan)."""
        with self._access.write() as con:
            con.execute("DELETE FROM presence WHERE page = ?", (page,))
