"""Answers per second through the real dispatchers (aiogram, python-telegram-bot) against bare echo bots.

Updates are fed in-process the way each runtime's own polling feeds them: a batch of up to 100
(getUpdates' limit) handled as concurrent tasks (aiogram's ``handle_as_tasks``, python-telegram-bot's
``concurrent_updates``), the next batch once it is done. The echo bots are fed the same way in the
same run. One-at-a-time figures are measured too and printed beside them, without a goal.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.types import Chat, Message, Update, User
from sqlalchemy import create_engine, text

from bench.households import plan
from bench.measure import fresh_service
from bench.null_session import NullSession
from bench.report import Figure, Report
from bot import heap
from flows.registry import load_registry
from bot.settings import Settings
from bot.render import render
from bot.telegram.actions import bind, incoming_from
from bot.telegram.aiogram_runtime import AiogramIO, build_dispatcher
from bot.telegram.core import BotCore
from flows.autofill import next_input
from flows.engine import advance, new_state
from flows.outputs import Input

TOKEN = "123456:BENCH-abcdefghijklmnopqrstuvwxyz0123"
_DATE = dt.datetime(2026, 11, 29, tzinfo=dt.timezone.utc)


def answer_script(i: int) -> list[str]:
    """What worker ``i`` types, start to signature, computed once with the engine offline."""
    registry = load_registry()
    form = registry.form("archive")
    ctx = registry.context(actor_id="bench")
    state = new_state(form, role="worker")
    outputs = advance(form, state, Input("start"), ctx).outputs
    texts: list[str] = []
    while (inp := next_input(outputs, plan(i))) is not None:
        step = advance(form, state, inp, ctx)
        state, outputs = step.state, step.outputs
        texts.append(inp.text)
    return texts


def interleaved(users: int, updates: int) -> list[tuple[int, str]]:
    """(user id, text) in round-robin order: every user's interview under way at once."""
    scripts = [["/start"] + answer_script(i) for i in range(users)]
    out: list[tuple[int, str]] = []
    step = 0
    while len(out) < updates:
        for u, script in enumerate(scripts):
            if step < len(script) and len(out) < updates:
                out.append((700_000 + u, script[step]))
        step += 1
        if step > max(len(s) for s in scripts):
            break
    return out


def _aiogram_updates(items: list[tuple[int, str]], base: int) -> list[Update]:
    return [Update(update_id=base + n, message=Message(
        message_id=n + 1, date=_DATE, chat=Chat(id=uid, type="private"),
        from_user=User(id=uid, is_bot=False, first_name="职工"), text=txt)) for n, (uid, txt) in enumerate(items)]


BATCH = 100  # getUpdates returns at most 100 updates; polling handles each batch before asking again
FEEDS = ("polling", "sequential")


async def _feed(dp: Dispatcher, bot: Bot, updates: list[Update], feed: str = "polling") -> float:
    heap.settle()  # the prepared updates are the harness's, not the bot's: keep the collector off them
    t0 = time.perf_counter()
    if feed == "sequential":
        for upd in updates:
            await dp.feed_update(bot, upd)
    else:
        for i in range(0, len(updates), BATCH):
            await asyncio.gather(*(dp.feed_update(bot, upd) for upd in updates[i:i + BATCH]))
    return len(updates) / (time.perf_counter() - t0)


def _echo_dispatcher() -> Dispatcher:
    router = Router()

    @router.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    dp = Dispatcher()
    dp.include_router(router)
    return dp


def _floor_dispatcher() -> Dispatcher:
    """The same engine and the same replies with no storage at all: states in a dict, nothing written.

    Not a way to run the bot (a restart would lose every answer): it shows how much of the echo
    budget the interview itself takes before any database work.
    """
    registry = load_registry()
    states: dict[int, dict[str, Any]] = {}
    router = Router()

    @router.message()
    async def answer(message: Message, event_update: Update, bot: Bot) -> None:
        inc = incoming_from(event_update)
        if inc is None or inc.user_id is None:
            return
        form = registry.form("archive")
        state = states.get(inc.user_id) or new_state(form, role="worker")
        inp = Input("start") if inc.text == "/start" else Input("text", text=inc.text)
        step = advance(form, state, inp, registry.context(actor_id=str(inc.user_id)))
        states[inc.user_id] = step.state
        io = AiogramIO(bot)
        for action in bind(render(step.outputs), inc.chat_id or 0, inc.user_id):
            await io.perform(action)

    dp = Dispatcher(disable_fsm=True)
    dp.include_router(router)
    return dp


async def aiogram_floor(items: list[tuple[int, str]]) -> tuple[float, float]:
    """(bare echo rate, engine-and-reply rate with no storage) through aiogram, back to back."""
    bot = Bot(TOKEN, session=NullSession())
    echo_rate = await _feed(_echo_dispatcher(), bot, _aiogram_updates(items, 1))
    return echo_rate, await _feed(_floor_dispatcher(), bot, _aiogram_updates(items, 20_000_000))


def _settings(workdir: Path, url: str) -> Settings:
    return Settings(TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=url, INTAKE_ATTACHMENTS_DIR=str(workdir / "files"))


async def aiogram_pair(workdir: Path, items: list[tuple[int, str]], url: str | None, label: str,
                       feed: str = "polling") -> tuple[float, float]:
    """(bare echo rate, intake rate) through aiogram, measured back to back."""
    bot = Bot(TOKEN, session=NullSession())
    echo_rate = await _feed(_echo_dispatcher(), bot, _aiogram_updates(items, 1), feed)
    service = fresh_service(workdir, f"throughput-{label}-{feed}", url)
    core = BotCore(service, _settings(workdir, url or str(service.db.url)))
    dp = build_dispatcher(core, core.settings)
    intake_rate = await _feed(dp, bot, _aiogram_updates(items, 10_000_000), feed)
    _all_applied(service, len(items))
    service.db.dispose()
    return echo_rate, intake_rate


def _all_applied(service: Any, expected: int) -> None:
    """A rate counts only if every update was applied and committed (a failed one is never recorded)."""
    with service.db.connect() as conn:
        applied = conn.execute(text("SELECT count(*) FROM processedupdate WHERE update_id >= 10000000")).scalar()
    if applied != expected:
        raise RuntimeError(f"only {applied} of {expected} updates were applied: the rate would not be honest")


async def ptb_pair(workdir: Path, items: list[tuple[int, str]], feed: str = "polling") -> tuple[float, float]:
    """(bare echo rate, intake rate) through python-telegram-bot's Application.process_update."""
    from telegram import Update as PUpdate
    from telegram.ext import Application, MessageHandler, filters

    from bench.null_request import NullRequest
    from bot.telegram.ptb_runtime import build_application

    def updates(app: Application, base: int) -> list[PUpdate]:
        return [PUpdate.de_json({"update_id": base + n, "message": {
            "message_id": n + 1, "date": int(_DATE.timestamp()), "chat": {"id": uid, "type": "private"},
            "from": {"id": uid, "is_bot": False, "first_name": "职工"}, "text": txt}}, app.bot)
            for n, (uid, txt) in enumerate(items)]

    async def run(app: Application, ups: list[PUpdate]) -> float:
        await app.initialize()
        heap.settle()  # as in _feed
        t0 = time.perf_counter()
        if feed == "sequential":
            for u in ups:
                await app.process_update(u)
        else:
            for i in range(0, len(ups), BATCH):
                await asyncio.gather(*(app.process_update(u) for u in ups[i:i + BATCH]))
        rate = len(ups) / (time.perf_counter() - t0)
        await app.shutdown()
        return rate

    echo = Application.builder().token(TOKEN).request(NullRequest()).get_updates_request(NullRequest()) \
        .concurrent_updates(True).build()  # as the intake runtime is built

    async def reply(update: Any, _context: Any) -> None:
        await update.message.reply_text(update.message.text)

    echo.add_handler(MessageHandler(filters.ALL, reply))
    echo_rate = await run(echo, updates(echo, 1))
    service = fresh_service(workdir, f"throughput-ptb-{feed}")
    settings = _settings(workdir, str(service.db.url))
    core = BotCore(service, settings)
    app = build_application(core, settings, TOKEN, request=NullRequest())
    intake_rate = await run(app, updates(app, 10_000_000))
    _all_applied(service, len(items))
    service.db.dispose()
    return echo_rate, intake_rate


def _pg_scratch(admin_url: str) -> tuple[str, Any]:
    name = f"intake_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return admin_url.rsplit("/", 1)[0] + f"/{name}", (admin, name)


def _pg_drop(handle: Any) -> None:
    admin, name = handle
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def run(report: Report, workdir: Path, *, updates: int, pg_url: str | None) -> None:
    """All throughput figures: aiogram + SQLite (the goal), python-telegram-bot, PostgreSQL; fed as polling
    does, and one at a time for comparison."""
    users = max(10, updates // 60)
    items = interleaved(users, updates)
    heap.settle()  # as `intake run` does once started; every bot measured here, echo or not, runs after it
    for feed in FEEDS:
        detail = {"updates": len(items), "users": users, "every_answer_committed": True, "feed": feed,
                  "batch": BATCH if feed == "polling" else 1}
        goal = ">= 0.5" if feed == "polling" else ""
        tag = "" if feed == "polling" else ", one at a time"

        def ratio(name: str, ours: float, echo: float, detail: dict[str, Any] = detail, goal: str = goal) -> None:
            report.add(Figure(name, ours / echo, "x", goal, (ours / echo >= 0.5) if goal else None, detail))

        echo, ours = asyncio.run(aiogram_pair(workdir, items, None, "sqlite", feed))
        report.add(Figure(f"bare aiogram echo{tag}", echo, "updates/s", "", None, detail))
        report.add(Figure(f"intake via aiogram, SQLite{tag}", ours, "answers/s", "", None, detail))
        ratio(f"throughput ratio (aiogram, SQLite{tag})", ours, echo)
        if feed == "polling":
            echo, floor = asyncio.run(aiogram_floor(items))
            report.add(Figure("engine and reply only, no storage (aiogram)", floor, "answers/s", "", None, detail))
            ratio("ratio without any storage (aiogram): the ceiling", floor, echo, goal="")
        echo, ours = asyncio.run(ptb_pair(workdir, items, feed))
        report.add(Figure(f"bare python-telegram-bot echo{tag}", echo, "updates/s", "", None, detail))
        report.add(Figure(f"intake via python-telegram-bot, SQLite{tag}", ours, "answers/s", "", None, detail))
        ratio(f"throughput ratio (ptb, SQLite{tag})", ours, echo)
        if not pg_url:
            continue
        try:
            url, handle = _pg_scratch(pg_url)
        except Exception as exc:  # no server: say so, do not invent a number
            report.add(Figure(f"intake via aiogram, PostgreSQL{tag}", 0, "answers/s", "server unreachable", None,
                              {"error": type(exc).__name__}))
            continue
        try:
            echo, ours = asyncio.run(aiogram_pair(workdir, items, url, "pg", feed))
        finally:
            _pg_drop(handle)
        report.add(Figure(f"intake via aiogram, PostgreSQL{tag}", ours, "answers/s", "", None, detail))
        ratio(f"throughput ratio (aiogram, PostgreSQL{tag})", ours, echo)
