"""The person and their active interview between answers: a small bounded cache the write path keeps exact.

Nearly every update first reads the person and the interview they are answering; for an answer that
read cost more than writing it (issue 16's profile). Answers may take both from here, because
nothing decided on a cached view is written unless the view still holds in the answer's own
transaction: the interview's UPDATE applies only while its version and status are as read, and
only while the person's row (role, unit, active interview, names) is as read (storage.steps, the
``person`` guard). A view that no longer holds refuses that answer alone (StalePerson) and the bot
decides it again from a fresh read. That is what makes the cache safe with other processes (the
``intake`` CLI on SQLite) and other workers on PostgreSQL, which this process never hears of.

In this process the cache stays exact without a list of writers to remember: the answer's own
commit updates its entry (with the state as the database returns it), and every other write goes
through SQLAlchemy, whose commit empties the cache (renames, set_active, roles, take-over, return,
invites … and whatever is added later). A read that raced such a commit is not kept (generation).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable

from sqlalchemy import event
from sqlalchemy.engine import Engine

from storage.step_values import StepRow

PEOPLE_KEPT = 2_048  # people, least recently seen dropped first (an entry is its interview state: ~10–20 KB)


class People:
    """User rows and their active interviews by Telegram id, bounded, emptied by every other write."""

    def __init__(self, engine: Engine, size: int = PEOPLE_KEPT) -> None:
        self.size = size
        self._entries: OrderedDict[int, tuple[dict[str, Any], StepRow | None]] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0
        self.hits = self.misses = self.cleared = 0
        event.listen(engine, "commit", self._committed)  # Core and ORM commits; the answers' raw ones are not

    @property
    def generation(self) -> int:
        """Taken before a read: put() keeps the read only if no write was committed meanwhile."""
        return self._generation

    def get(self, tg_id: int) -> tuple[dict[str, Any], StepRow | None] | None:
        """The user's column values and active interview as last read or written (None: not kept)."""
        with self._lock:
            hit = self._entries.get(tg_id)
            if hit is None:
                self.misses += 1
                return None
            self._entries.move_to_end(tg_id)
            self.hits += 1
            return hit

    def put(self, tg_id: int, user: dict[str, Any], active: StepRow | None, generation: int) -> None:
        """Keep a fresh read, unless something was committed since it began."""
        with self._lock:
            if generation != self._generation:
                return
            self._entries[tg_id] = (user, active)
            self._entries.move_to_end(tg_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def stepped(self, tg_id: int | None, interview_id: int, version: int,
                after: Callable[[StepRow], StepRow]) -> None:
        """After an answer's commit: ``after(kept)`` is the interview as now stored.

        Only when it is kept as the version the answer was computed from; otherwise it is dropped.
        """
        if tg_id is None:
            return
        with self._lock:
            hit = self._entries.get(tg_id)
            if hit is None or hit[1] is None or hit[1].id != interview_id or hit[1].version != version:
                self._entries.pop(tg_id, None)
                return
            user, old = hit
        fresh = after(old)
        with self._lock:
            now = self._entries.get(tg_id)
            if now is not None and now[1] is old:  # nothing replaced or cleared it meanwhile
                self._entries[tg_id] = (user, fresh)

    def forget(self, tg_id: int | None) -> None:
        """Drop one person (their view failed its check)."""
        with self._lock:
            self._entries.pop(tg_id, None)  # type: ignore[arg-type]

    def clear(self) -> None:
        """Drop everyone."""
        with self._lock:
            self._generation += 1
            if self._entries:
                self.cleared += 1
            self._entries.clear()

    def _committed(self, _conn: Any) -> None:
        self.clear()

