"""PostgreSQL's pooled connections are pinged at checkout only after lying idle (storage.db): a connection
the server dropped while it lay in the pool is replaced unseen; one back a moment ago is not pinged."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

import storage.db
from storage.db import make_engine
from tests.conftest import PG_ADMIN_URL


def _backend_of(engine) -> int:  # noqa: ANN001
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("SELECT pg_backend_pid()")
        (pid,) = cur.fetchone()
        raw.rollback()
        return int(pid)
    finally:
        raw.close()  # back to the pool


def _kill(pid: int) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    time.sleep(0.2)


def _pings(engine) -> list[int]:  # noqa: ANN001
    seen: list[int] = []
    ping = engine.dialect.do_ping
    engine.dialect.do_ping = lambda conn: seen.append(1) or ping(conn)  # type: ignore[method-assign]
    return seen


def test_a_connection_dropped_while_idle_is_replaced_at_checkout(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.db, "PING_AFTER", 0.3)
    engine = make_engine(pg_url, pool_size=1, max_overflow=0)
    try:
        pings = _pings(engine)
        _kill(_backend_of(engine))
        time.sleep(0.4)  # idle longer than PING_AFTER
        with engine.connect() as conn:  # the dead one is pinged, found dead, and replaced
            assert conn.execute(text("SELECT 1")).scalar() == 1
        assert pings
    finally:
        engine.dispose()


def test_a_connection_back_a_moment_ago_is_not_pinged(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage.db, "PING_AFTER", 60.0)
    engine = make_engine(pg_url, pool_size=1, max_overflow=0)
    try:
        pings = _pings(engine)
        for _ in range(5):
            _backend_of(engine)
        assert len(pings) <= 1  # the first checkout of a new connection at most
    finally:
        engine.dispose()
