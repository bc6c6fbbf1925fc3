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
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, ContextManager, Iterator, Protocol, TypeVar

from storage.step_values import StepRow, StepWrite
from storage.steps import CommitFailed, StaleInterview, StepStore, StepTx, UpdateAlreadyApplied, describe, unreachable

log = logging.getLogger(__name__)
Found = dict[str, Any] | None
T = TypeVar("T")


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
    """Steps from answers handled at the same moment, committed together in one transaction, on one writer thread.

    A handler queues its step and waits; the queue is handed to the writer thread at the loop's next
    turn (a redelivered update or a stale version refuses that step alone) and committed once. While
    the writer is busy (or waits for a lock another process holds), new steps gather for the next
    group: the event loop never waits for the database, only the answers waiting to be written do.
    Every waiter is told only after the commit returned: nothing is acknowledged before it is
    durable, and a failed commit fails every step in it (nothing was written). SQLite has one writer
    anyway; other writes of the bot (update claims) go through the same thread (``call``).
    """

    def __init__(self, store: StepStore) -> None:
        self.store = store
        self._queue: list[tuple[StepWrite, asyncio.Future[None]]] = []
        self._writing = False  # a group is on the writer thread now
        self._kicked = False  # a hand-over is scheduled for the loop's next turn
        self._thread: ThreadPoolExecutor | None = None
        self.batches = 0
        self.steps = 0
        self.deferred = 0  # groups written on the writer thread (the lock was held, or a step failed)

    @property
    def writer(self) -> ThreadPoolExecutor:
        """The one thread every write of this commit runs on (started on first use)."""
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="intake-writer")
        return self._thread

    def close(self) -> None:
        """Let the writer thread finish what it was given and end."""
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None

    @contextmanager
    def attempt(self, interview_id: int, loaded: StepRow | None) -> Iterator[Attempt]:
        """Reads outside any transaction; the write joins the next group."""
        yield _Grouped(self, loaded)

    async def call(self, work: Callable[..., T], *args: Any) -> T:
        """Run other database writes on the writer thread (after the groups handed over before)."""
        return await asyncio.get_running_loop().run_in_executor(self.writer, work, *args)

    def later(self, work: Callable[..., Any], *args: Any) -> None:
        """Hand a write to the writer thread without waiting for it (a failure is logged)."""
        def done(f: Future[Any]) -> None:
            exc = f.exception()
            if exc is not None:
                log.warning("deferred write %s failed: %s", getattr(work, "__name__", "?"), describe(exc))
        self.writer.submit(work, *args).add_done_callback(done)

    @property
    def busy(self) -> bool:
        """A group is being written on the writer thread now."""
        return self._writing

    def claim(self, update_id: int, *, wait: bool = True) -> bool | None:
        """Record a non-answer update's id, committed: True the first time, False for a redelivery.

        ``wait`` False (on the event loop's thread): None at once, nothing written, when another
        connection holds the write lock; the caller then hands the claim to the writer thread. On the
        DB-API connection like the answers' writes, so it empties no kept view (storage.people).
        """
        store = self.store
        with store.connection() as conn:
            cur = conn.cursor()
            if not _begin(conn, cur, wait):
                return None
            try:
                fresh = store.claim(cur, update_id)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        return fresh

    async def save(self, w: StepWrite) -> None:
        """Queue a step and return once it is committed (or raise why it was not)."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        self._queue.append((w, fut))
        if not self._writing and not self._kicked:
            self._kicked = True
            loop.call_soon(self._hand_over)
        await fut  # (a cancelled handler cancels only its future: the group is written all the same)

    def _hand_over(self) -> None:
        """Write the queued steps as one group: at once when the lock is free, else on the writer thread.

        On the loop's thread the group takes SQLite's write lock without waiting (busy timeout 0): a
        free lock is the usual case and costs no thread hop (a writer thread fighting the busy loop
        for the GIL was several times slower). A held lock, or any failure, sends the group to the
        writer thread, which waits for the lock and finds the step at fault (nothing was written here);
        an outage fails the group at once, as the bot waits and tries again anyway.
        """
        self._kicked = False
        if self._writing or not self._queue:
            return
        batch, self._queue = self._queue, []
        outcomes: list[BaseException | None] | None
        try:
            outcomes = self._write(batch, wait=False)
        except Exception as exc:  # rolled back: an outage fails the group, else the writer sorts it out
            outcomes = None
            if unreachable(exc):
                self._log(exc, len(batch))
                outcomes = [CommitFailed(exc) for _ in batch]
        if outcomes is not None:
            self.batches += 1
            self.steps += len(batch)
            self._tell(batch, outcomes)
            return
        self._writing = True
        self.deferred += 1
        loop = asyncio.get_running_loop()
        written = loop.run_in_executor(self.writer, self._commit, batch)
        written.add_done_callback(lambda f: self._written(batch, f))

    def _written(self, batch: list[tuple[StepWrite, asyncio.Future[None]]], f: asyncio.Future[Any]) -> None:
        """Tell every waiter of a group how it went, then hand over what gathered meanwhile."""
        self._writing = False
        exc = f.exception() if not f.cancelled() else asyncio.CancelledError()
        self._tell(batch, [CommitFailed(exc) for _ in batch] if exc else f.result())
        if self._queue:
            self._hand_over()

    @staticmethod
    def _tell(batch: list[tuple[StepWrite, asyncio.Future[None]]], outcomes: list[BaseException | None]) -> None:
        for (_w, fut), outcome in zip(batch, outcomes):
            if fut.done():
                continue
            if outcome is None:
                fut.set_result(None)
            else:
                fut.set_exception(outcome)

    def _commit(self, batch: list[tuple[StepWrite, asyncio.Future[None]]]) -> list[BaseException | None]:
        """On the writer thread: the group in one transaction, else each step alone to find the faulty one."""
        try:
            outcomes = self._write(batch) or []
        except Exception as exc:
            if len(batch) > 1 and not unreachable(exc):  # one step's fault: write each alone to find it
                outcomes = [self._write_alone(item) for item in batch]
            else:
                self._log(exc, len(batch))
                outcomes = [CommitFailed(exc) for _ in batch]
        self.batches += 1
        self.steps += len(batch)
        return outcomes

    def _write(self, batch: list[tuple[StepWrite, asyncio.Future[None]]], *, wait: bool = True
               ) -> list[BaseException | None] | None:
        """All the steps in one transaction; raises (having written nothing) if it cannot be committed.

        ``wait`` False: None at once when another connection holds the write lock (nothing written).
        """
        outcomes: list[BaseException | None] = []
        with self.store.connection() as conn:
            cur = conn.cursor()
            if not _begin(conn, cur, wait):
                return None
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
            return self._write([item])[0]  # type: ignore[index]  # (waits: never None)
        except Exception as exc:
            self._log(exc, 1)
            return CommitFailed(exc)

    @staticmethod
    def _log(exc: BaseException, steps: int) -> None:
        # Frames only: a database error's message can carry answers.
        log.error("group commit of %d step(s) failed: %s\n%s", steps, describe(exc),
                  "".join(traceback.format_tb(exc.__traceback__)))


def _begin(conn: Any, cur: Any, wait: bool) -> bool:
    """BEGIN IMMEDIATE, waiting for the write lock (``wait``) or not (False: another connection holds it;
    nothing begun, the connection rolled back)."""
    if wait:
        cur.execute("BEGIN IMMEDIATE")
        return True
    if _begin_now(cur):
        return True
    conn.rollback()
    return False


def _begin_now(cur: Any) -> bool:
    """BEGIN IMMEDIATE without waiting for the lock (False: another connection holds it; nothing begun)."""
    cur.execute("PRAGMA busy_timeout")
    (patience,) = cur.fetchone()
    cur.execute("PRAGMA busy_timeout=0")
    try:
        cur.execute("BEGIN IMMEDIATE")
    except Exception as exc:  # the driver's OperationalError: "database is locked"
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            return False
        raise
    finally:
        cur.execute(f"PRAGMA busy_timeout={int(patience)}")
    return True
