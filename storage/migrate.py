"""Schema migrations (Alembic): `intake db upgrade`, also run by `intake run`, `intake chat` and `make run`."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
BASELINE = "0001"
# PostgreSQL advisory lock held while the schema is upgraded; the two-key form never meets the
# one-key locks bot.service takes per interview.
UPGRADE_LOCK = (0x696E7461, 0x6B65)  # "inta", "ke"


def alembic_config(url: str = "") -> Config:
    """An Alembic config pointing at the packaged migrations (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def head_revision() -> str:
    """The newest revision shipped with this version."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    """The revision a database is at (None for an empty or pre-migration database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade a database to ``revision``; a database made before migrations is adopted at the baseline."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # workers started together upgrade one after the other
            conn.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), dict(zip("ab", UPGRADE_LOCK)))
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        if MigrationContext.configure(conn).get_current_revision() is None and \
                inspect(conn).has_table("interview"):
            log.warning("database has tables but no migration history: adopting it at revision %s", BASELINE)
            command.stamp(cfg, BASELINE)
        command.upgrade(cfg, revision)


def ensure_schema(engine: Engine) -> None:
    """Bring the schema up to date (cheap when it already is)."""
    if current_revision(engine) == head_revision():
        return
    upgrade(engine)
