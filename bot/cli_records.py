"""`intake override`: a surveyor's or staff member's change of 困难类别, with the written reason."""

from __future__ import annotations

import argparse
import sys

from flows.catalog import t
from flows.categories import CATEGORY_CHOICES, NOT_ELIGIBLE


def cmd_override(args: argparse.Namespace) -> int:
    """Override the computed category of one submitted household (both values are kept)."""
    from sqlmodel import Session, select

    from bot.settings import load_settings
    from flows.policy import can_override_category, may_search
    from storage import repo
    from storage.db import make_engine
    from storage.migrate import ensure_schema
    from storage.models import User

    engine = make_engine(args.db or load_settings().database_url)
    ensure_schema(engine)
    if not args.reason.strip():
        print(t("cli.override.need_reason"), file=sys.stderr)
        return 2
    with Session(engine, expire_on_commit=False) as s:
        actor = s.exec(select(User).where((User.local_name == args.by) | (User.name == args.by))).first()
        if actor is None or not may_search(actor):  # policy: the roles that may change a 困难类别 at all
            print(f"error: {args.by}: only a surveyor, staff member or admin may override 困难类别", file=sys.stderr)
            return 2
        interview = repo.find_by_ref(s, ref=args.ref)
        if interview is None or interview.status not in ("submitted", "approved"):
            print(f"error: no submitted household {args.ref}", file=sys.stderr)
            return 2
        if not can_override_category(actor, interview):
            print(f"error: {args.ref} belongs to another unit", file=sys.stderr)
            return 2
        category = None if args.category == NOT_ELIGIBLE else args.category
        repo.override_category(s, interview=interview, category=category or NOT_ELIGIBLE, reason=args.reason,
                               actor_id=actor.id or 0)
        print(t("cli.override.done", ref=interview.ref, computed=interview.category or NOT_ELIGIBLE, category=args.category,
                reason=args.reason.strip()))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `override` subcommand (and `audit`, which lives in bot.cli_audit)."""
    from bot import cli_audit

    cli_audit.register(sub)
    p = sub.add_parser("override", help="override a household's 困难类别 with a written reason",
                       description="Both the computed and the overriding category are kept, and exported.")
    p.add_argument("ref", help="职工编号, e.g. JM2026000001")
    p.add_argument("--category", required=True, choices=CATEGORY_CHOICES)
    p.add_argument("--reason", required=True, help="the written reason (required)")
    p.add_argument("--by", required=True, help="the surveyor's or staff member's terminal user or name")
    p.add_argument("--db", help="database URL (default: DATABASE_URL)")
    p.set_defaults(func=cmd_override)
