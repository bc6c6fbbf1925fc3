"""`intake audit`: who looked at or changed which record, when (staff for their unit, admins for all)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, timedelta, timezone


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (e.g. 2026-11-30)") from None


def cmd_audit(args: argparse.Namespace) -> int:
    """Print audit rows, newest first, as far as the caller (--by) may see them."""
    from sqlmodel import Session, col, select

    from bot.settings import build_registry, load_settings
    from flows.policy import can_audit, is_admin
    from storage import repo
    from storage.audit import audit_rows
    from storage.db import make_engine
    from storage.households import day_start
    from storage.migrate import ensure_schema
    from storage.models import Interview, User

    settings = load_settings()
    tz = build_registry(settings).tz
    engine = make_engine(args.db or settings.database_url)
    ensure_schema(engine)
    try:
        with Session(engine, expire_on_commit=False) as s:
            by = User.tg_id == int(args.by) if args.by.lstrip("-").isdecimal() else User.local_name == args.by
            actor = s.exec(select(User).where(by)).first()
            if actor is None:
                print(f"error: {args.by}: no such user (give a terminal user name or a Telegram id)", file=sys.stderr)
                return 2
            unit = args.unit if args.unit is not None else (None if is_admin(actor) else actor.unit)
            if not can_audit(actor, unit):
                print(f"error: {args.by}: only admins, or staff of the unit, may read the audit of "
                      f"{unit or 'every unit'}", file=sys.stderr)
                return 2
            record_id = None
            if args.record:
                found = repo.find_by_ref(s, ref=args.record)
                if found is None:
                    print(f"error: no record {args.record}", file=sys.stderr)
                    return 2
                if unit is not None and found.unit != unit:
                    print(f"error: {args.record} belongs to another unit", file=sys.stderr)
                    return 2
                record_id = found.id
            unit_ids = None if unit is None else \
                {i for i in s.exec(select(Interview.id).where(col(Interview.unit) == unit)) if i is not None}
            rows = audit_rows(s, unit=unit, actor_id=args.actor, action=args.action, interview_id=record_id,
                              since=day_start(args.since, tz) if args.since else None,
                              until=day_start(args.until + timedelta(days=1), tz) if args.until else None,
                              limit=args.limit, unit_ids=unit_ids)
    finally:
        engine.dispose()
    for row in rows:
        at = row.log.at if row.log.at.tzinfo else row.log.at.replace(tzinfo=timezone.utc)
        print(f"{at.astimezone(tz):%Y-%m-%d %H:%M:%S}  {row.actor}  (user {row.log.actor_id or '-'})  "
              f"{row.log.action}  {json.dumps(row.log.detail, ensure_ascii=False, sort_keys=True)}")
    print(f"{len(rows)} row(s)", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `audit` subcommand."""
    p = sub.add_parser("audit", help="list the audit trail (views of personal data, approvals, roles, exports)",
                       description="Staff see their unit's rows, admins every unit's. Newest first.")
    p.add_argument("--by", required=True, help="who asks: a terminal user name or a Telegram id")
    p.add_argument("--unit", default=None, help="only rows of this unit (admins: default every unit)")
    p.add_argument("--actor", type=int, default=None, help="only rows of this user id")
    p.add_argument("--action", default=None, help="only this action, e.g. view, approve_interview, set_role")
    p.add_argument("--record", default=None, help="only rows about this record (职工编号 or id)")
    p.add_argument("--since", type=_day, default=None, help="from this local date (YYYY-MM-DD)")
    p.add_argument("--until", type=_day, default=None, help="up to and including this local date")
    p.add_argument("--limit", type=int, default=200)
    p.add_argument("--db", help="database URL (default: DATABASE_URL)")
    p.set_defaults(func=cmd_audit)
