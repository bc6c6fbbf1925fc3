"""A chat's live question row (storage.live_rows) on both databases: replaced, read and dropped; on
PostgreSQL each of these is one statement in autocommit, and the pooled connection goes back to the
pool with transactions on — also after a statement failed — so the next user's transaction is one."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError

from storage.live_rows import LiveRow, LiveRows
from storage.steps import StepStore

CHAT = 4242


def _row(message_id: int, key: str = "q") -> LiveRow:
    return LiveRow(chat_id=CHAT, user_id=1, interview_id=7, message_id=message_id, payload={"key": key})


def test_set_replaces_the_chats_row_get_reads_it_drop_forgets_it(db) -> None:  # noqa: ANN001
    rows = LiveRows(StepStore(db))
    assert rows.get(CHAT) is None
    rows.set(_row(10, "a"))
    rows.set(_row(11, "b"))
    got = rows.get(CHAT)
    assert got is not None and (got.message_id, got.payload) == (11, {"key": "b"})
    with db.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT count(*) FROM pendingreply WHERE chat_id = {CHAT}").scalar() == 1
    rows.drop(CHAT)
    assert rows.get(CHAT) is None


def _pooled_autocommit(store: StepStore) -> list[bool]:
    """The autocommit flag of every connection the pool holds (checked out, then returned)."""
    raws = [store.engine.raw_connection() for _ in range(store.engine.pool.checkedin() or 1)]
    try:
        return [bool(r.driver_connection.autocommit) for r in raws]
    finally:
        for r in raws:
            r.close()


def test_on_postgresql_the_connection_goes_back_with_transactions_on(pg_url) -> None:  # noqa: ANN001
    from psycopg.pq import TransactionStatus

    from storage.db import make_engine
    from storage.migrate import ensure_schema

    engine = make_engine(pg_url)
    ensure_schema(engine)
    store = StepStore(engine)
    rows = LiveRows(store)
    rows.set(_row(10))
    assert rows.get(CHAT) is not None
    rows.drop(CHAT)
    assert _pooled_autocommit(store) == [False] * len(_pooled_autocommit(store))
    with pytest.raises(DBAPIError):  # a failing statement inside the autocommit block
        with store.connection(autocommit=True) as conn:
            assert conn.driver_connection.autocommit is True
            conn.cursor().execute("SELECT no_such_column FROM pendingreply")
    assert not any(_pooled_autocommit(store))
    with store.connection() as conn:  # a plain checkout opens a transaction again with its first statement
        conn.cursor().execute("SELECT 1")
        assert conn.driver_connection.info.transaction_status == TransactionStatus.INTRANS
        conn.rollback()
    assert rows.get(CHAT) is None
    engine.dispose()
