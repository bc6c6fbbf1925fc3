"""`intake db upgrade|current|heads`: schema migrations."""

from __future__ import annotations

import argparse


def cmd_db(args: argparse.Namespace) -> int:
    """Run a migration command against DATABASE_URL (or --db)."""
    from bot.settings import load_settings
    from storage.db import make_engine
    from storage.migrate import current_revision, head_revision, upgrade

    engine = make_engine(args.db or load_settings().database_url)
    if args.action == "upgrade":
        upgrade(engine, args.revision)
        print(f"database at revision {current_revision(engine)} (head {head_revision()})")
    elif args.action == "current":
        print(current_revision(engine) or "(empty: no revision yet)")
    else:
        print(head_revision())
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `db` subcommand."""
    p = sub.add_parser("db", help="database schema migrations (upgrade, current, heads)",
                       description="Alembic migrations. `intake run` and `intake chat` upgrade automatically.")
    p.add_argument("action", choices=["upgrade", "current", "heads"])
    p.add_argument("revision", nargs="?", default="head", help="target revision for upgrade (default head)")
    p.add_argument("--db", help="database URL (default: DATABASE_URL or sqlite:///intake.db)")
    p.set_defaults(func=cmd_db)
