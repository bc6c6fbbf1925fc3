"""Schema set-up. (Alembic revisions arrive with `intake db upgrade`; until then create_all.)"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from storage.db import create_schema


def ensure_schema(engine: Engine) -> None:
    """Bring the database schema up to date."""
    create_schema(engine)
