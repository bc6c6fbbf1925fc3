"""The statements of every answer, run on the DB-API connection: the hot path, kept apart and small.

An answer needs the person, the interview, and one transaction that records the new state, its
journal events and the Telegram update id. Through the SQL toolkit each statement costs more than
the engine itself (cache keys, result objects, the unit of work), so these few statements are
compiled once by SQLAlchemy for the connected dialect (the same SQL and the same value conversions
SQLAlchemy would use) and then executed directly on the driver's cursor. Everything else in the
program keeps using sessions and the ORM.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

from sqlalchemy import Table, bindparam, exists, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import manager_of_class
from sqlalchemy.sql import ClauseElement

from storage.db import json_dumps, json_loads
from storage.models import AnswerEvent, Attachment, AuditLog, Interview, ProcessedUpdate, User, utcnow
from storage.errors import (CommitFailed, StaleInterview, StalePerson, UpdateAlreadyApplied,  # noqa: F401
                            describe, unreachable)
from storage.people import People
from storage.step_values import GUARDED_USER_COLUMNS, STEP_COLUMNS, USER_COLUMNS, StepRow, StepWrite

log = logging.getLogger(__name__)

_USERS = manager_of_class(User)


class Statement:
    """One statement compiled for a dialect, with the converters of its parameters and result columns."""

    def __init__(self, stmt: ClauseElement, engine: Engine) -> None:
        compiled = stmt.compile(dialect=engine.dialect)
        self.sql = compiled.string
        self.positional = engine.dialect.paramstyle in ("qmark", "numeric", "format")
        self.names: Sequence[str] = tuple(compiled.positiontup or ()) if self.positional else ()
        # values written into the statement itself (status != 'cancelled'), bound like the named ones
        self.literals = {k: v for k, v in compiled.params.items() if v is not None}
        procs = compiled._bind_processors  # noqa: SLF001 - the converters SQLAlchemy itself would apply
        self.procs: dict[str, Callable[[Any], Any]] = dict(procs)
        columns = getattr(stmt, "selected_columns", ())
        self.columns = tuple(c.name for c in columns)
        self.results: tuple[Callable[[Any], Any] | None, ...] = ()
        if self.columns:
            self.results = tuple(c.type._cached_result_processor(engine.dialect, None)  # noqa: SLF001
                                 for c in columns)

    def params(self, values: dict[str, Any]) -> Any:
        """Driver parameters from named values, converted as SQLAlchemy would."""
        procs = self.procs
        if self.literals:
            values = {**self.literals, **values}
        converted = {name: (procs[name](value) if name in procs and value is not None else value)
                     for name, value in values.items()}
        if self.positional:
            return tuple(converted[name] for name in self.names)
        return converted

    def row(self, raw: Sequence[Any] | None) -> dict[str, Any] | None:
        """A result row as a dict, converted as SQLAlchemy would."""
        if raw is None:
            return None
        return {name: (proc(value) if proc is not None and value is not None else value)
                for name, proc, value in zip(self.columns, self.results, raw)}


def _detached_user(values: dict[str, Any]) -> User:
    user = _USERS.new_instance()  # as the ORM builds a loaded row: no defaults, no validation
    user.__dict__.update(values)
    make_transient_to_detached(user)
    return user


class StepStore:
    """Read the person and the interview, and save a step, with a handful of precompiled statements."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self._driver_error: type[Exception] = engine.dialect.loaded_dbapi.Error
        users: Table = User.__table__  # type: ignore[attr-defined]
        interviews: Table = Interview.__table__  # type: ignore[attr-defined]
        self._interviews = interviews
        # the person and their active interview in one statement: what nearly every update needs first
        self._who = Statement(
            select(*[users.c[n].label(f"u_{n}") for n in USER_COLUMNS],
                   *[interviews.c[n].label(f"i_{n}") for n in STEP_COLUMNS])
            .select_from(users.outerjoin(interviews, interviews.c.id == users.c.active_interview_id))
            .where(users.c.tg_id == bindparam("tg_id")), engine)
        self._load = Statement(select(*[interviews.c[n] for n in STEP_COLUMNS])
                                .where(interviews.c.id == bindparam("id")), engine)
        self._duplicate = Statement(
            select(interviews.c.id, interviews.c.ref, interviews.c.worker_name, interviews.c.status,
                   interviews.c.created_by)
            .where(interviews.c.id_number == bindparam("id_number"), interviews.c.status != "cancelled",
                   interviews.c.id != bindparam("exclude_id"))
            .order_by(interviews.c.id).limit(1), engine)
        insert = (postgresql.insert if self.postgres else sqlite.insert)(ProcessedUpdate.__table__)
        self._claim = Statement(insert.values(update_id=bindparam("update_id"), at=bindparam("at"))
                                 .on_conflict_do_nothing(), engine)
        processed: Table = ProcessedUpdate.__table__  # type: ignore[attr-defined]
        self._unclaim = Statement(processed.delete().where(processed.c.update_id == bindparam("update_id")), engine)
        events: Table = AnswerEvent.__table__  # type: ignore[attr-defined]
        self._event = Statement(events.insert().values(
            {n: bindparam(n) for n in ("interview_id", "path", "action", "old", "new", "actor_id", "at")}), engine)
        audit: Table = AuditLog.__table__  # type: ignore[attr-defined]
        self._audit = Statement(audit.insert().values(
            {n: bindparam(n) for n in ("actor_id", "action", "detail", "at")}), engine)
        self._variants: dict[tuple[str, ...], Statement] = {}  # by the columns written (UPDATE, attachment)
        self.people = People(engine)

    # --- reading -----------------------------------------------------------------
    def person(self, tg_id: int, *, cached: bool = False) -> tuple[User | None, StepRow | None]:
        """The user with this Telegram id, and their active interview as it is now (None when they have none).

        The user is a detached ORM object (a session may still add it and UPDATE what changes).
        ``cached``: as last read or written by this process (storage.people), for an answer whose
        write checks that view (step_write(person=...)); every read refreshes what is kept.
        """
        if cached:
            hit = self.people.get(tg_id)
            if hit is not None:
                return _detached_user(hit[0]), hit[1]
        generation = self.people.generation
        stmt = self._who
        with self.connection() as conn:
            cur = conn.cursor()
            cur.execute(stmt.sql, stmt.params({"tg_id": tg_id}))
            row = stmt.row(cur.fetchone())
            conn.rollback()
        if row is None:
            return None, None
        values = {n: row[f"u_{n}"] for n in USER_COLUMNS}
        active = StepRow({n: row[f"i_{n}"] for n in STEP_COLUMNS}) if row["i_id"] is not None else None
        self.people.put(tg_id, values, active, generation)
        return _detached_user(values), active

    def stepped(self, tg_id: int | None, w: StepWrite) -> None:
        """After ``w`` was committed: the kept view of its interview becomes what was written."""
        def after(old: StepRow) -> StepRow:
            row = {n: getattr(old, n) for n in STEP_COLUMNS}
            row.update({k: v for k, v in w.values.items() if k in row})
            row["state"] = json_loads(json_dumps(w.values["state"]))  # as a read returns it; nothing shared
            return StepRow(row)
        self.people.stepped(tg_id, w.interview_id, w.version, after)

    @contextmanager
    def connection(self, *, autocommit: bool = False) -> Iterator[Any]:
        """A pooled DB-API connection (checked out and pinged by the pool, returned afterwards).

        Driver errors come out as SQLAlchemy's (OperationalError …, parameters hidden) like everywhere
        else, and a connection the server dropped is invalidated so that the pool opens a new one.
        ``autocommit`` (PostgreSQL; elsewhere ignored): each statement is its own transaction, for a
        caller that runs exactly one — no BEGIN/COMMIT round trips around it. The connection goes back
        to the pool as it came (transactions on).
        """
        dialect = self.engine.dialect
        try:
            conn = self.engine.raw_connection()  # a server that cannot be reached fails here
        except self._driver_error as exc:
            raise DBAPIError.instance(None, None, exc, self._driver_error, hide_parameters=True,
                                      dialect=dialect) from exc
        driver = conn.driver_connection if autocommit and self.postgres else None
        try:
            if driver is not None:
                driver.autocommit = True  # just checked out: no transaction is open
            yield conn
        except self._driver_error as exc:
            gone = dialect.is_disconnect(exc, conn.dbapi_connection, None)
            if gone:
                conn.invalidate(exc)
            raise DBAPIError.instance(None, None, exc, self._driver_error, hide_parameters=True,
                                      connection_invalidated=gone, dialect=dialect) from exc
        finally:
            if driver is not None and conn.is_valid and not driver.closed:
                driver.autocommit = False  # idle: a statement in autocommit leaves no transaction open
            conn.close()

    @contextmanager
    def step(self, interview_id: int) -> Iterator["StepTx"]:
        """One answer's transaction; on PostgreSQL it holds the interview's advisory lock until it ends."""
        with self.connection() as conn:
            tx = StepTx(self, conn)
            try:
                if self.postgres:  # one writer per interview across all workers, taken before reading
                    tx.cursor.execute("SELECT pg_advisory_xact_lock(%s)", (interview_id,))
                yield tx
            except BaseException:
                conn.rollback()
                raise
            if not tx.done:
                conn.rollback()

    def load(self, interview_id: int) -> StepRow | None:
        """The interview, read outside any transaction (the save checks that its version still holds)."""
        with self.connection() as conn:
            row = self._read(conn.cursor(), interview_id)
            conn.rollback()
        return row

    def claim(self, cur: Any, update_id: int) -> bool:
        """Record an update id in the caller's transaction: True the first time, False for a redelivery."""
        cur.execute(self._claim.sql, self._claim.params({"update_id": update_id, "at": utcnow()}))
        return bool(cur.rowcount == 1)

    def _read(self, cur: Any, interview_id: int) -> StepRow | None:
        stmt = self._load
        cur.execute(stmt.sql, stmt.params({"id": interview_id}))
        row = stmt.row(cur.fetchone())
        return StepRow(row) if row is not None else None

    def duplicate(self, cur: Any, id_number: str, exclude_id: int | None) -> dict[str, Any] | None:
        """Another live interview holding this ID number (read on the caller's cursor), as the engine shows it."""
        stmt = self._duplicate
        cur.execute(stmt.sql, stmt.params({"id_number": id_number, "exclude_id": exclude_id or -1}))
        row = stmt.row(cur.fetchone())
        if row is None:
            return None
        return {"ref": row["ref"] or str(row["id"]), "interview_id": row["id"], "who": row["worker_name"],
                "status": row["status"], "created_by": row["created_by"]}

    def write(self, cur: Any, w: StepWrite) -> None:
        """Execute one step's statements in the open transaction (the caller commits or rolls back).

        UpdateAlreadyApplied when the update id was recorded before (by this or another worker),
        StaleInterview when the interview's version moved since it was loaded (or a duplicate-ID lookup made
        outside the transaction no longer finds the same). Either way the
        transaction holds nothing of this step afterwards (a claim made before a stale version is
        taken back), so the other steps of a group commit go on.
        """
        at = w.values["updated_at"]
        for id_number, exclude_id, seen in w.checks:  # what the engine was told must still hold now
            if self.duplicate(cur, id_number, exclude_id) != seen:
                raise StaleInterview(w.interview_id)
        if w.update_id is not None:
            cur.execute(self._claim.sql, self._claim.params({"update_id": w.update_id, "at": at}))
            if cur.rowcount != 1:
                raise UpdateAlreadyApplied(w.update_id)
        update = self._update(tuple(w.values), w.status is not None, w.person is not None)
        params = {f"v_{k}": v for k, v in w.values.items()}
        params["w_id"], params["w_version"] = w.interview_id, w.version
        if w.status is not None:
            params["w_status"] = w.status
        if w.person is not None:
            params.update({f"p_{k}": v for k, v in w.person.items()})
        cur.execute(update.sql, update.params(params))
        if cur.rowcount != 1:
            if w.update_id is not None:
                cur.execute(self._unclaim.sql, self._unclaim.params({"update_id": w.update_id}))
            raise StalePerson(w.interview_id) if w.person is not None else StaleInterview(w.interview_id)
        if len(w.events) == 1:  # nearly every answer: executemany would open a pipeline for one row
            cur.execute(self._event.sql, self._event.params(w.events[0]))
        elif w.events:
            cur.executemany(self._event.sql, [self._event.params(ev) for ev in w.events])
        for entry in w.audit:
            cur.execute(self._audit.sql, self._audit.params(entry))
        for row in w.attachments:
            stmt = self._attachment(tuple(row))
            cur.execute(stmt.sql, stmt.params(row))

    def _attachment(self, keys: tuple[str, ...]) -> Statement:
        stmt = self._variants.get(("attachment",) + keys)
        if stmt is None:
            table: Table = Attachment.__table__  # type: ignore[attr-defined]
            stmt = self._variants[("attachment",) + keys] = Statement(
                table.insert().values({k: bindparam(k) for k in keys}), self.engine)
        return stmt

    def _update(self, keys: tuple[str, ...], status: bool = False, person: bool = False) -> Statement:
        """The interview's UPDATE: only while its version (and status) are as read, and the person's row too."""
        variant = keys + (("?status",) if status else ()) + (("?person",) if person else ())
        stmt = self._variants.get(variant)
        if stmt is None:
            t = self._interviews
            users: Table = User.__table__  # type: ignore[attr-defined]
            where = [t.c.id == bindparam("w_id"), t.c.version == bindparam("w_version")]
            if status:
                where.append(t.c.status == bindparam("w_status"))
            if person:  # one statement: no extra round trip under the interview's lock
                where.append(exists().where(users.c.id == bindparam("p_id"), *[
                    users.c[n].is_not_distinct_from(bindparam(f"p_{n}", type_=users.c[n].type))
                    for n in GUARDED_USER_COLUMNS]))
            stmt = self._variants[variant] = Statement(
                t.update().where(*where).values({k: bindparam(f"v_{k}", type_=t.c[k].type) for k in keys}),
                self.engine)
        return stmt


class StepTx:
    """The open transaction of one answer: load the interview, then commit its StepWrite."""

    def __init__(self, store: StepStore, conn: Any) -> None:
        self.store, self.conn = store, conn
        self.cursor = conn.cursor()
        self.done = False

    def load(self, interview_id: int) -> StepRow | None:
        """The interview as the engine needs it."""
        return self.store._read(self.cursor, interview_id)  # noqa: SLF001

    def duplicate(self, id_number: str, exclude_id: int | None) -> dict[str, Any] | None:
        """The duplicate check in this transaction (no second connection while the interview's lock is held)."""
        return self.store.duplicate(self.cursor, id_number, exclude_id)

    def commit(self, w: StepWrite) -> None:
        """Write the step and commit, before anything is shown; nothing is written when it raises."""
        try:
            self.store.write(self.cursor, w)
        except (UpdateAlreadyApplied, StaleInterview):
            self.conn.rollback()
            raise
        self.conn.commit()
        self.done = True
