"""How an answer's step is committed: alone in its own transaction, or grouped with the answers of the moment.

The service runs one loop for every answer (load, advance, write, retry when stale); a strategy
says where the interview is read, where the duplicate-ID lookup runs and how the write is committed.
Both strategies make the duplicate check hold in the answer's own transaction: the single one reads
it there, the grouped one checks again there what it read before (StepWrite.checks).
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from contextlib import contextmanager
from typing import Any, ContextManager, Iterator, Protocol

from storage.steps import (
    CommitFailed, StaleInterview, StepRow, StepStore, StepTx, StepWrite, UpdateAlreadyApplied, unreachable,
)

log = logging.getLogger(__name__)
Found = dict[str, Any] | None


class Attempt(Protocol):
    """One try at an answer: read the interview, look for duplicates, write the step."""

    def load(self, interview_id: int) -> StepRow | None:
        """The interview as the engine needs it."""

    def duplicate(self, id_number: str, exclude_id: int | None) -> Found:
        """Another live interview with this ID number, as the engine shows it."""

    async def save(self, w: StepWrite) -> None:
        """Write and commit the step (UpdateAlreadyApplied, StaleInterview: nothing written)."""


class CommitStrategy(Protocol):
    """Opens one attempt at a time (``loaded``: the interview as read with the person, if at hand)."""

    def attempt(self, interview_id: int, loaded: StepRow | None) -> ContextManager[Attempt]:
        """The attempt; leaving it ends whatever transaction it holds."""


class _Single:
    """An attempt inside the answer's transaction (and, on PostgreSQL, the interview's advisory lock)."""

    def __init__(self, tx: StepTx) -> None:
        self.tx = tx

    def load(self, interview_id: int) -> StepRow | None:
        """Read in the transaction."""
        return self.tx.load(interview_id)

    def duplicate(self, id_number: str, exclude_id: int | None) -> Found:
        """Read in the transaction: no second connection while the lock is held."""
        return self.tx.duplicate(id_number, exclude_id)

    async def save(self, w: StepWrite) -> None:
        """Commit now; never waits (the service runs this strategy without an event loop)."""
        self.tx.commit(w)


class SingleCommit:
    """Each answer in a transaction of its own: read, checked and written under one lock."""

    def __init__(self, store: StepStore) -> None:
        self.store = store

    @contextmanager
    def attempt(self, interview_id: int, loaded: StepRow | None) -> Iterator[Attempt]:
        """A transaction; ``loaded`` is not used: the interview is read again under the lock."""
        with self.store.step(interview_id) as tx:
            yield _Single(tx)


class _Grouped:
    """An attempt whose reads come before the group transaction; its write is queued into it."""

    def __init__(self, group: GroupCommit, loaded: StepRow | None) -> None:
        self.group, self.loaded = group, loaded
        self.checks: list[tuple[str, int | None, Found]] = []

    def load(self, interview_id: int) -> StepRow | None:
        """The interview as read with the person, else read now (its version is checked when written)."""
        if self.loaded is not None and self.loaded.id == interview_id:
            return self.loaded
        return self.group.store.load(interview_id)

    def duplicate(self, id_number: str, exclude_id: int | None) -> Found:
        """Read now, and remembered: the group transaction checks that it still finds the same."""
        store = self.group.store
        with store.connection() as conn:
            found = store.duplicate(conn.cursor(), id_number, exclude_id)
            conn.rollback()
        self.checks.append((id_number, exclude_id, found))
        return found

    async def save(self, w: StepWrite) -> None:
        """Queue the step (with its checks) and return once the group is committed."""
        w.checks = list(self.checks)
        await self.group.save(w)


class GroupCommit:
    """Steps from answers handled at the same moment, committed together in one transaction.

    A handler queues its step and waits; the queue is written at the loop's next turn (a
    redelivered update or a stale version refuses that step alone) and committed once. Every waiter is told only after the commit returned: nothing is acknowledged
    before it is durable, and a failed commit fails every step in it (nothing was written).
    For SQLite on the event loop's thread: the one writer a SQLite database has anyway.
    """

    def __init__(self, store: StepStore) -> None:
        self.store = store
        self._queue: list[tuple[StepWrite, asyncio.Future[None]]] = []
        self.batches = 0
        self.steps = 0

    @contextmanager
    def attempt(self, interview_id: int, loaded: StepRow | None) -> Iterator[Attempt]:
        """Reads outside any transaction; the write joins the next group."""
        yield _Grouped(self, loaded)

    async def save(self, w: StepWrite) -> None:
        """Queue a step and return once it is committed (or raise why it was not)."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        if not self._queue:
            loop.call_soon(self._flush)
        self._queue.append((w, fut))
        await fut

    def _flush(self) -> None:
        batch, self._queue = self._queue, []
        try:
            outcomes = self._write(batch)
        except Exception as exc:
            if len(batch) > 1 and not unreachable(exc):  # one step's fault: write each alone to find it
                outcomes = [self._write_alone(item) for item in batch]
            else:
                self._log(exc, len(batch))
                outcomes = [CommitFailed(exc) for _ in batch]
        self.batches += 1
        self.steps += len(batch)
        for (_w, fut), outcome in zip(batch, outcomes):
            if fut.done():  # its handler was cancelled meanwhile
                continue
            if outcome is None:
                fut.set_result(None)
            else:
                fut.set_exception(outcome)

    def _write(self, batch: list[tuple[StepWrite, asyncio.Future[None]]]) -> list[BaseException | None]:
        """All the steps in one transaction; raises (having written nothing) if it cannot be committed."""
        outcomes: list[BaseException | None] = []
        with self.store.connection() as conn:
            cur = conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                for w, _fut in batch:
                    try:
                        self.store.write(cur, w)
                    except (UpdateAlreadyApplied, StaleInterview) as refused:  # that step alone
                        outcomes.append(refused)
                    else:
                        outcomes.append(None)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        return outcomes

    def _write_alone(self, item: tuple[StepWrite, asyncio.Future[None]]) -> BaseException | None:
        try:
            return self._write([item])[0]
        except Exception as exc:
            self._log(exc, 1)
            return CommitFailed(exc)

    @staticmethod
    def _log(exc: BaseException, steps: int) -> None:
        # Frames only: a database error's message can carry answers.
        log.error("group commit of %d step(s) failed: %s\n%s", steps, type(exc).__name__,
                  "".join(traceback.format_tb(exc.__traceback__)))
