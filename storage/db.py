"""Database engines: SQLite (embedded default, WAL) or PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, create_engine

from storage import models  # noqa: F401  (registers the tables)

DEFAULT_URL = "sqlite:///intake.db"


def normalize_url(url: str) -> str:
    """Accept postgres:// and postgresql:// and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str = DEFAULT_URL, **kwargs: Any) -> Engine:
    """An engine with the pragmas and pool settings that suit each backend."""
    url = normalize_url(url)
    kwargs.setdefault("hide_parameters", True)  # errors must not print answers (ID numbers, incomes)
    if url.startswith("sqlite"):
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
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    return create_engine(url, **kwargs)


def create_schema(engine: Engine) -> None:
    """Create any missing tables (the migration path is `intake db upgrade`)."""
    SQLModel.metadata.create_all(engine)
