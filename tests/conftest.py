"""Shared fixtures: databases (SQLite always, PostgreSQL when reachable), the registry, a service."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from bot.service import IntakeService
from flows.registry import Registry
from storage.db import make_engine
from storage.migrate import ensure_schema
from tests.support.factory import FIXED_NOW, TZ, fixed_registry, make_service  # noqa: F401  (TZ: still importable from here)

pytest_plugins = ["tests.support.fixtures"]

PG_ADMIN_URL = os.environ.get("INTAKE_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def pg_available() -> bool:
    """True when a PostgreSQL server answers (CI sets INTAKE_REQUIRE_PG=1 to make absence a failure)."""
    try:
        eng = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with eng.connect() as conn:
            conn.execute(text("select 1"))
        eng.dispose()
        return True
    except Exception:
        if os.environ.get("INTAKE_REQUIRE_PG") == "1":
            raise
        return False


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if not pg_available():
        pytest.skip("no PostgreSQL server reachable on 127.0.0.1:5432")
    name = f"intake_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # noqa: ANN001
    """A file-backed SQLite database in the test's temporary folder."""
    return f"sqlite:///{tmp_path / 'intake.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:  # noqa: ANN001
    """Each storage contract test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'intake.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db(db_url: str) -> Iterator[Engine]:
    """An engine with the schema in place."""
    engine = make_engine(db_url)
    ensure_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The shipped forms and standards, with a fixed clock (tests.support.factory.fixed_registry)."""
    return fixed_registry(FIXED_NOW)


@pytest.fixture
def service(db: Engine, registry: Registry) -> IntakeService:
    """The application service over a fresh database."""
    return make_service(db, registry)
