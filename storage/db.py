"""Database engines: SQLite (embedded default, WAL) or PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel, create_engine

from storage import models  # noqa: F401  (registers the tables)

DEFAULT_URL = "sqlite:///intake.db"


def normalize_url(url: str) -> str:
    """Accept postgres:// and postgresql:// and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def json_dumps(value: Any) -> str:
    """JSON columns as text: orjson (the interview state is written on every answer), UTF-8 kept as is."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:  # a value orjson does not take (an int beyond 64 bits): the standard library's way
        return json.dumps(value, ensure_ascii=False)


def json_loads(value: Any) -> Any:
    """JSON columns back: SQLite hands a bare number back as a number (its JSON columns have NUMERIC affinity)."""
    if isinstance(value, (int, float)):
        return value
    return orjson.loads(value)


def _create_private(url: str) -> None:
    """Create a missing SQLite file as 0600 first: SQLite gives its -wal and -shm the database file's mode."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:") or "mode=memory" in url:
        return
    path = Path(database)
    if path.exists() or not path.parent.is_dir():
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:  # another process made it meanwhile
        pass


def make_engine(url: str = DEFAULT_URL, **kwargs: Any) -> Engine:
    """An engine with the pragmas and pool settings that suit each backend."""
    url = normalize_url(url)
    kwargs.setdefault("hide_parameters", True)  # errors must not print answers (ID numbers, incomes)
    kwargs.setdefault("json_serializer", json_dumps)
    kwargs.setdefault("json_deserializer", json_loads)
    if url.startswith("sqlite"):
        _create_private(url)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL survives a process crash
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
        return engine
    kwargs.setdefault("pool_size", 10)
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


PING_AFTER = 1.0  # seconds a pooled connection lay unused before it is pinged at checkout


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection at checkout only when it lay unused for PING_AFTER (a failed ping: a new one).

    SQLAlchemy's pool_pre_ping pings at every checkout: four round trips of an answer's ~17 on
    PostgreSQL, each waiting for the GIL behind the other handler threads (~3 ms apiece under load).
    A connection back in the pool a moment ago was alive then; one that lay idle (a night, a server
    restart) is checked first. A connection that dies in between fails its statement as a
    disconnect: the pool is invalidated and the bot tries the update again (bot.telegram.patience).
    """
    from time import monotonic

    from sqlalchemy import exc

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn: Any, record: Any) -> None:
        record.info["returned"] = monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if monotonic() - record.info.get("returned", 0.0) < PING_AFTER:
            return
        try:
            if not engine.dialect.do_ping(dbapi_conn):
                raise exc.DisconnectionError("the server did not answer a ping")
        except exc.DisconnectionError:
            raise
        except Exception as err:  # the driver's error: this connection is gone, the pool opens another
            raise exc.DisconnectionError(type(err).__name__) from err


def create_schema(engine: Engine) -> None:
    """Create any missing tables (the migration path is `intake db upgrade`)."""
    SQLModel.metadata.create_all(engine)
