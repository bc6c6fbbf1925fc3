"""Each chat's live question message (one row per chat), read and written with precompiled statements.

Every answer reads the chat's live row and, once the next question is sent, replaces it: through the
ORM these were half of the bot's Python time per answer on PostgreSQL (a query, a unit-of-work flush,
a commit, each building objects), more than the answer's own transaction. Here a row is a plain
``LiveRow`` and each action one statement on the DB-API connection (``storage.steps.Statement``), with
the same table (``PendingReply``, kind ``live_question``) that ``storage.pending`` reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select

from storage.models import PendingReply, utcnow
from storage.pending import LIVE
from storage.steps import Statement, StepStore

_COLUMNS = ("chat_id", "user_id", "kind", "interview_id", "payload", "message_id", "created_at")


@dataclass(frozen=True)
class LiveRow:
    """The message that shows a chat's current question (``payload["key"]``: which prompt)."""

    chat_id: int
    user_id: int
    interview_id: int
    message_id: int | None
    payload: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=utcnow)
    kind: str = LIVE


class LiveRows:
    """Read, replace and drop live rows: one statement each (PostgreSQL replaces in one, SQLite in two)."""

    def __init__(self, store: StepStore) -> None:
        self.store = store
        t: Table = PendingReply.__table__  # type: ignore[attr-defined]
        engine = store.engine
        mine = (t.c.chat_id == bindparam("chat_id"), t.c.kind == LIVE)
        self._get = Statement(select(*[t.c[n] for n in _COLUMNS]).where(*mine).order_by(t.c.id.desc()).limit(1),
                              engine)
        self._drop = Statement(delete(t).where(*mine), engine)
        add = insert(t).values({n: bindparam(n) for n in _COLUMNS})
        self._add = Statement(add, engine)
        # PostgreSQL: the old row deleted and the new one inserted by one statement (a data-modifying CTE)
        self._replace = Statement(add.add_cte(delete(t).where(*mine).cte("gone")), engine) \
            if store.postgres else None

    def get(self, chat: int) -> LiveRow | None:
        """The chat's live row, if one was recorded (one round trip on PostgreSQL: no transaction around it)."""
        with self.store.connection(autocommit=True) as conn:
            cur = conn.cursor()
            cur.execute(self._get.sql, self._get.params({"chat_id": chat}))
            raw = self._get.row(cur.fetchone())
            conn.rollback()  # SQLite: end the read; PostgreSQL in autocommit: nothing to end, nothing sent
        if raw is None:
            return None
        return LiveRow(chat_id=raw["chat_id"], user_id=raw["user_id"], interview_id=raw["interview_id"],
                       message_id=raw["message_id"], payload=dict(raw["payload"] or {}), created_at=raw["created_at"])

    def set(self, row: LiveRow) -> None:
        """Make ``row`` the chat's live row (the previous one removed), committed.

        PostgreSQL: one statement (delete and insert in one CTE) in autocommit — one round trip, atomic.
        """
        if self._replace is not None:
            with self.store.connection(autocommit=True) as conn:
                conn.cursor().execute(self._replace.sql, self._replace.params(self._values(row)))
            return
        with self.store.connection() as conn:
            cur = conn.cursor()
            try:
                cur.execute(self._drop.sql, self._drop.params({"chat_id": row.chat_id}))
                cur.execute(self._add.sql, self._add.params(self._values(row)))
                conn.commit()
            except BaseException:
                conn.rollback()
                raise

    def drop(self, chat: int) -> None:
        """Forget the chat's live row, committed (PostgreSQL: one statement in autocommit)."""
        with self.store.connection(autocommit=True) as conn:
            cur = conn.cursor()
            cur.execute(self._drop.sql, self._drop.params({"chat_id": chat}))
            conn.commit()  # SQLite: commit the delete; PostgreSQL in autocommit: already done, nothing sent

    def replace(self, rows: dict[int, LiveRow | None]) -> None:
        """Many chats' live rows in one transaction (None: the chat has none now)."""
        if not rows:
            return
        with self.store.connection() as conn:
            cur = conn.cursor()
            try:
                cur.executemany(self._drop.sql, [self._drop.params({"chat_id": chat}) for chat in rows])
                added = [self._add.params(self._values(r)) for r in rows.values() if r is not None]
                if added:
                    cur.executemany(self._add.sql, added)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise

    @staticmethod
    def _values(row: LiveRow) -> dict[str, Any]:
        return {"chat_id": row.chat_id, "user_id": row.user_id, "kind": LIVE, "interview_id": row.interview_id,
                "payload": dict(row.payload), "message_id": row.message_id, "created_at": row.created_at}
