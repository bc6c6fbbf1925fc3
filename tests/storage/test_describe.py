"""Database errors are logged with their driver's cause (disk full, busy), never with the values they quote."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError, OperationalError

from storage.db import make_engine
from storage.steps import CommitFailed, StepStore, describe


def test_a_locked_database_says_busy(tmp_path: Path) -> None:
    url = tmp_path / "x.db"
    holder = sqlite3.connect(url, isolation_level=None)
    holder.execute("CREATE TABLE t (v TEXT)")
    holder.execute("BEGIN IMMEDIATE")
    store = StepStore(make_engine(f"sqlite:///{url}"))
    try:
        with pytest.raises(DBAPIError) as caught, store.connection() as conn:
            cur = conn.cursor()
            cur.execute("PRAGMA busy_timeout=0")
            cur.execute("INSERT INTO t VALUES (?)", ("420802197503141232",))
    finally:
        holder.execute("ROLLBACK")
        store.engine.dispose()
    assert describe(caught.value) == "OperationalError (SQLITE_BUSY)"
    assert describe(CommitFailed(caught.value)) == "OperationalError (SQLITE_BUSY)"


def test_disk_full_is_named_and_values_are_left_out() -> None:
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorname = "SQLITE_FULL"  # what sqlite3 sets (Python 3.11+)
    exc = OperationalError("INSERT INTO answer_event … '420802197503141232'", None, full)
    assert describe(exc) == "OperationalError (SQLITE_FULL)"
    assert "4208" not in describe(exc)


def test_postgresql_errors_give_their_class_and_sqlstate() -> None:
    class DiskFull(Exception):
        sqlstate = "53100"

    exc = OperationalError("INSERT …", None, DiskFull("could not extend file: No space left on device"))
    assert describe(exc) == "OperationalError (DiskFull 53100)"
    assert describe(ValueError("x")) == "ValueError"
