"""What every bot in the throughput bench is fed: the same users, texts, updates and batches.

Updates are fed in-process the way each runtime's own polling feeds them: a batch of up to 100
(getUpdates' limit) handled as concurrent tasks (aiogram's ``handle_as_tasks``, python-telegram-bot's
``concurrent_updates``), the next batch once it is done.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Chat, Message, Update, User

from bench.households import plan
from bot import heap
from flows.autofill import next_input
from flows.engine import advance, new_state
from flows.outputs import Input
from flows.registry import load_registry

TOKEN = "123456:BENCH-abcdefghijklmnopqrstuvwxyz0123"
BATCH = 100  # getUpdates returns at most 100 updates; polling handles each batch before asking again
FIRST_USER = 700_000
_DATE = dt.datetime(2026, 11, 29, tzinfo=dt.timezone.utc)


def answer_script(i: int, limit: int | None = None) -> list[str]:
    """What worker ``i`` types, start to signature (or its first ``limit`` answers), computed offline."""
    registry = load_registry()
    form = registry.form("archive")
    ctx = registry.context(actor_id="bench")
    state = new_state(form, role="worker")
    outputs = advance(form, state, Input("start"), ctx).outputs
    texts: list[str] = []
    while (limit is None or len(texts) < limit) and (inp := next_input(outputs, plan(i))) is not None:
        step = advance(form, state, inp, ctx)
        state, outputs = step.state, step.outputs
        texts.append(inp.text)
    return texts


def interleaved(users: int, updates: int, *, templates: int | None = None) -> list[tuple[int, str]]:
    """(user id, text) in round-robin order: every user's interview under way at once.

    With ``templates``, user u types household ``u % templates``'s answers (many users, few scripts).
    """
    per_user = -(-updates // users) if templates else None
    count = min(users, templates) if templates else users
    base = [["/start"] + answer_script(i, per_user) for i in range(count)]
    scripts = [base[u % count] for u in range(users)]
    longest = max(len(s) for s in scripts)
    out: list[tuple[int, str]] = []
    for step in range(longest):
        for u, script in enumerate(scripts):
            if step < len(script) and len(out) < updates:
                out.append((FIRST_USER + u, script[step]))
    return out


def aiogram_updates(items: list[tuple[int, str]], base: int) -> list[Update]:
    """The feed as aiogram updates, update ids from ``base``."""
    return [Update(update_id=base + n, message=Message(
        message_id=n + 1, date=_DATE, chat=Chat(id=uid, type="private"),
        from_user=User(id=uid, is_bot=False, first_name="职工"), text=txt)) for n, (uid, txt) in enumerate(items)]


def ptb_updates(items: list[tuple[int, str]], base: int, bot: Any) -> list[Any]:
    """The feed as python-telegram-bot updates."""
    from telegram import Update as PUpdate

    return [PUpdate.de_json({"update_id": base + n, "message": {
        "message_id": n + 1, "date": int(_DATE.timestamp()), "chat": {"id": uid, "type": "private"},
        "from": {"id": uid, "is_bot": False, "first_name": "职工"}, "text": txt, **_entities(txt)}}, bot)
        for n, (uid, txt) in enumerate(items)]


def _entities(txt: str) -> dict[str, Any]:
    """A command comes with its bot_command entity, as Telegram sends it (PTB's CommandHandler needs it)."""
    if not txt.startswith("/"):
        return {}
    return {"entities": [{"type": "bot_command", "offset": 0, "length": len(txt.split()[0])}]}


async def batches(updates: list[Any], handle: Callable[[Any], Awaitable[Any]], feed: str = "polling") -> float:
    """Feed ``updates`` to ``handle`` (in batches, or one at a time); updates per second."""
    heap.settle()  # the prepared updates are the harness's, not the bot's: keep the collector off them
    t0 = time.perf_counter()
    if feed == "sequential":
        for upd in updates:
            await handle(upd)
    else:
        for i in range(0, len(updates), BATCH):
            await asyncio.gather(*(handle(upd) for upd in updates[i:i + BATCH]))
    return len(updates) / (time.perf_counter() - t0)


async def feed_aiogram(dp: Dispatcher, bot: Bot, updates: list[Update], feed: str = "polling") -> float:
    """Feed an aiogram dispatcher as its polling would."""
    return await batches(updates, lambda upd: dp.feed_update(bot, upd), feed)
