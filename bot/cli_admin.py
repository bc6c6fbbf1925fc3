"""`intake invite` and `intake role`: invite codes and roles from the command line."""

from __future__ import annotations

import argparse
import asyncio
import sys

from flows.policy import OPERATOR_INVITES, ROLES


def bot_username(api_url: str, token: str | None, *, timeout: float = 5.0) -> str:
    """The bot's @username from getMe, or "" when there is no token or the server does not answer."""
    if not token:
        return ""
    import aiohttp

    async def get_me() -> str:
        client_timeout = aiohttp.ClientTimeout(total=timeout)
        async with aiohttp.ClientSession(timeout=client_timeout) as http:
            async with http.get(f"{api_url}/bot{token}/getMe") as resp:
                data = await resp.json(content_type=None)
        return str((data.get("result") or {}).get("username") or "") if data.get("ok") else ""

    try:
        return asyncio.run(get_me())
    except Exception:  # offline, wrong token: the code is still printed
        return ""


def _engine(args: argparse.Namespace):  # noqa: ANN202 - (settings, engine)
    from bot.settings import load_settings
    from storage.db import make_engine
    from storage.migrate import ensure_schema

    settings = load_settings()
    engine = make_engine(getattr(args, "db", None) or settings.database_url)
    ensure_schema(engine)
    return settings, engine


def cmd_invite(args: argparse.Namespace) -> int:
    """Create a single-use invite code and print its deep link."""
    from sqlmodel import Session

    from bot.telegram.staff import invite_link
    from storage.invites import create_invite

    settings, engine = _engine(args)
    try:
        with Session(engine, expire_on_commit=False) as s:
            invite = create_invite(s, role=args.role, unit=args.unit or "", created_by=None, hours=args.hours)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    token = settings.telegram_bot_token.get_secret_value().strip() if settings.telegram_bot_token else None
    username = bot_username(settings.telegram_api_url, token)
    print(f"role: {invite.role}  unit: {invite.unit or '-'}  expires: {invite.expires_at:%Y-%m-%d %H:%M} UTC")
    print(f"code: {invite.code}")
    if username:
        print(invite_link(username, invite.code))
    else:
        print(f"link: https://t.me/<bot username>?start={invite.code}  (bot username unknown: set "
              "TELEGRAM_BOT_TOKEN, or send the bot: /start " + invite.code + ")")
    return 0


def cmd_role(args: argparse.Namespace) -> int:
    """Give a Telegram user a role (and unit); the user is created if the bot has not met them yet."""
    from sqlmodel import Session

    from storage import repo

    _, engine = _engine(args)
    try:
        with Session(engine, expire_on_commit=False) as s:
            user = repo.get_or_create_user(s, tg_id=args.tg_id)
            repo.set_role(s, user=user, role=args.role, unit=args.unit, actor_id=None)
            print(f"user {args.tg_id}: role {user.role}, unit {user.unit or '-'}")
    finally:
        engine.dispose()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `intake invite` and `intake role`."""
    p = sub.add_parser("invite", help="create a single-use invite link for a role",
                       description="Print a deep link https://t.me/<bot>?start=<code> that grants the role once.")
    p.add_argument("--role", choices=list(OPERATOR_INVITES), required=True,
                   help="surveyor or staff (worker binds a worker to a unit)")
    p.add_argument("--unit", default="", help="the union unit, e.g. 东宝区总工会")
    p.add_argument("--hours", type=float, default=72, help="hours until the code expires (default 72)")
    p.add_argument("--db", help="database URL (default: DATABASE_URL)")
    p.set_defaults(func=cmd_invite)

    p = sub.add_parser("role", help="set a Telegram user's role",
                       description="Set the role (and unit) of the user with this Telegram id.")
    p.add_argument("--tg-id", type=int, required=True, help="the user's numeric Telegram id")
    p.add_argument("--role", choices=list(ROLES), required=True)
    p.add_argument("--unit", default=None, help="the union unit (unchanged when omitted)")
    p.add_argument("--db", help="database URL (default: DATABASE_URL)")
    p.set_defaults(func=cmd_role)
