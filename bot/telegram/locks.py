"""Per-user ordering: a person's updates are handled one at a time, in the order they arrived."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import AsyncIterator, Iterator


@dataclass
class _Slot:
    lock: asyncio.Lock
    users: int = 0
    parked: int = 0  # the holder has decided and waits only for the database


class UserLocks:
    """One asyncio.Lock per user id, so a user's updates run one at a time and in order; bounded."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._slots: OrderedDict[int, _Slot] = OrderedDict()

    def __len__(self) -> int:
        return len(self._slots)

    @asynccontextmanager
    async def hold(self, key: int) -> AsyncIterator[None]:
        """Hold the user's lock; waiters are served first come, first served."""
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = _Slot(asyncio.Lock())
        else:
            self._slots.move_to_end(key)
        slot.users += 1  # counted before any await or eviction: an entry in use is never evicted
        self._evict()
        try:
            async with slot.lock:
                yield
        finally:
            slot.users -= 1
            self._evict()

    @contextmanager
    def park(self, key: int) -> Iterator[None]:
        """Say that the holder of this user's lock waits only for the database now (see parked)."""
        slot = self._slots.get(key)
        if slot is None:  # not held through hold(): nothing to say
            yield
            return
        slot.parked += 1
        try:
            yield
        finally:
            slot.parked -= 1

    def parked(self, key: int) -> bool:
        """The user's lock is held by an update that waits only for the database (its write is queued)."""
        slot = self._slots.get(key)
        return slot is not None and slot.parked > 0 and slot.lock.locked()

    def _evict(self) -> None:
        if len(self._slots) <= self.limit:
            return
        for key in [k for k, s in self._slots.items() if s.users == 0][: len(self._slots) - self.limit]:
            del self._slots[key]
