"""Alembic migrations: an empty database, one at the previous revision, and models in step with them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from storage.db import make_engine
from storage.migrate import alembic_config, current_revision, head_revision, upgrade


def _revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def test_an_empty_database_is_upgraded_to_head(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert {"interview", "answerevent", "user", "auditlog", "processedupdate"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_a_database_at_the_previous_revision_keeps_its_data(db_url: str) -> None:
    revisions = _revisions()
    assert len(revisions) >= 2
    engine = make_engine(db_url)
    upgrade(engine, revisions[-2])
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO \"user\" (name, role, unit, created_at) VALUES ('甲', 'staff', '东宝区总工会', CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO interview (form_key, form_version, kind, status, created_by, unit, worker_name, region, state,"
            " version, tags, created_at, updated_at) VALUES ('archive', '2018.1', 'survey', 'submitted', 1, '东宝区总工会',"
            " '王建国', '东宝区', '{\"answers\": {\"name\": \"王建国\"}}', 3, '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        row = conn.execute(text("SELECT worker_name, status, version FROM interview")).one()
        assert tuple(row) == ("王建国", "submitted", 3)
        assert conn.execute(text("SELECT name FROM \"user\"")).scalar_one() == "甲"
    engine.dispose()


def test_the_models_and_the_migrations_agree(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), SQLModel.metadata)
    assert diff == [], f"a model changed without a migration: {diff}"
    engine.dispose()
