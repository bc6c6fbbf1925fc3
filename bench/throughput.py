"""Answers per second: intake through its two runtimes, and the bots people would build instead (issue 16).

Every bot is fed the same updates the same way in the same process run (bench/feed.py): the same
users with the same texts, in batches of up to 100 handled as concurrent tasks, replies into a null
transport. A rate counts only if every answer was stored: intake's update ids are read back from
its database, each peer's answers from its own store (bench/peers/). Each intake line is divided by
the best durable peer on the same store. With ``repeats`` rounds, every bot runs once per round
(an intake line beside its peer, so a shared machine's drift hits both); a rate is the median over
rounds, a ratio the median of the rounds' own ratios.
"""

from __future__ import annotations

import asyncio
import statistics
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.types import Message, Update
from sqlalchemy import create_engine, text

from bench.feed import BATCH, TOKEN, aiogram_updates, batches, feed_aiogram, interleaved, ptb_updates
from bench.measure import fresh_service
from bench.null_session import NullSession
from bench.peers import runs
from bench.report import Figure, Report
from bot import heap
from bot.render import render
from bot.service import IntakeService
from bot.settings import Settings
from bot.telegram.actions import bind, incoming_from
from bot.telegram.aiogram_runtime import AiogramIO, build_dispatcher
from bot.telegram.core import BotCore
from flows.engine import advance, new_state
from flows.outputs import Input
from flows.registry import load_registry

FIRST_UPDATE = 10_000_000  # intake's update ids start here; _all_applied counts from it


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

    Not a way to run the bot (a restart would lose every answer): it shows what the interview itself
    costs before any database work.
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


async def echo_rate(items: list[tuple[int, str]]) -> float:
    """The bare aiogram echo: the framework's ceiling."""
    return await feed_aiogram(_echo_dispatcher(), Bot(TOKEN, session=NullSession()), aiogram_updates(items, 1))


async def floor_rate(items: list[tuple[int, str]]) -> float:
    """intake's engine and replies with no storage, through aiogram."""
    return await feed_aiogram(_floor_dispatcher(), Bot(TOKEN, session=NullSession()),
                              aiogram_updates(items, 20_000_000))


def _settings(workdir: Path, url: str) -> Settings:
    return Settings(TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=url, INTAKE_ATTACHMENTS_DIR=str(workdir / "files"))


async def intake_aiogram(workdir: Path, items: list[tuple[int, str]], url: str | None = None, label: str = "sqlite",
                         service: IntakeService | None = None, warm: list[tuple[int, str]] | None = None) -> float:
    """intake through its aiogram dispatcher over a fresh database (or ``service``'s).

    ``warm`` is fed first and not timed (say, every interview's /start before its answers are timed).
    """
    service = service or fresh_service(workdir, f"throughput-{label}", url)
    core = BotCore(service, _settings(workdir, url or str(service.db.url)))
    dp = build_dispatcher(core, core.settings)
    bot = Bot(TOKEN, session=NullSession())
    warm = warm or []
    await feed_aiogram(dp, bot, aiogram_updates(warm, FIRST_UPDATE))
    rate = await feed_aiogram(dp, bot, aiogram_updates(items, FIRST_UPDATE + len(warm)))
    _all_applied(service, len(warm) + len(items))
    service.db.dispose()
    return rate


def _all_applied(service: Any, expected: int) -> None:
    """A rate counts only if every update was applied and committed (a failed one is never recorded)."""
    with service.db.connect() as conn:
        applied = conn.execute(text("SELECT count(*) FROM processedupdate WHERE update_id >= :f"),
                               {"f": FIRST_UPDATE}).scalar()
    if applied != expected:
        raise RuntimeError(f"only {applied} of {expected} updates were applied: the rate would not be honest")


async def intake_ptb(workdir: Path, items: list[tuple[int, str]]) -> float:
    """intake through python-telegram-bot's Application.process_update, SQLite."""
    from bench.null_request import NullRequest
    from bot.telegram.ptb_runtime import build_application

    service = fresh_service(workdir, "throughput-ptb")
    settings = _settings(workdir, str(service.db.url))
    app = build_application(BotCore(service, settings), settings, TOKEN, request=NullRequest())
    await app.initialize()
    rate = await batches(ptb_updates(items, FIRST_UPDATE, app.bot), app.process_update)
    await app.shutdown()
    _all_applied(service, len(items))
    service.db.dispose()
    return rate


def pg_scratch(admin_url: str) -> tuple[str, Any]:
    """A fresh PostgreSQL database: (its URL, the handle pg_drop takes)."""
    name = f"intake_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return admin_url.rsplit("/", 1)[0] + f"/{name}", (admin, name)


def pg_drop(handle: Any) -> None:
    """Drop the scratch database."""
    admin, name = handle
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _on_pg(pg_url: str, measure: Callable[[str], float]) -> float:
    url, handle = pg_scratch(pg_url)
    try:
        return measure(url)
    finally:
        pg_drop(handle)


def run(report: Report, workdir: Path, *, updates: int, pg_url: str | None, repeats: int = 1) -> None:
    """Every throughput figure: intake's lines with their ratio to the best durable peer, then the peers."""
    users = max(10, updates // 60)
    items = interleaved(users, updates)
    heap.settle()  # as `intake run` does once started; every bot measured here runs after it
    base = {"updates": len(items), "users": users, "every_answer_stored": True, "batch": BATCH, "runs": repeats}
    redis_conf: dict[str, Any] = {}

    def fsm_redis() -> float | None:
        got = asyncio.run(runs.fsm(items, redis=True))
        if got is not None:
            redis_conf.update(got[1])
        return None if got is None else got[0]

    pg_ok = bool(pg_url)
    if pg_url:
        try:
            pg_drop(pg_scratch(pg_url)[1])
        except Exception:  # noqa: BLE001 - no server: say so, do not invent a number
            pg_ok = False
    plan: list[tuple[str, str, Callable[[], float | None], bool]] = [
        ("bare aiogram echo (the framework's ceiling)", "updates/s", lambda: asyncio.run(echo_rate(items)), True),
        ("intake via aiogram, SQLite", "answers/s", lambda: asyncio.run(intake_aiogram(workdir, items)), True),
        ("intake engine and replies, no storage (aiogram)", "answers/s", lambda: asyncio.run(floor_rate(items)), True),
        ("intake via python-telegram-bot, SQLite", "answers/s", lambda: asyncio.run(intake_ptb(workdir, items)), True),
        ("intake via aiogram, PostgreSQL", "answers/s",
         lambda: _on_pg(pg_url or "", lambda u: asyncio.run(intake_aiogram(workdir, items, u, "pg"))), pg_ok),
        ("peer: aiogram + SQLite (WAL), commit per answer", "answers/s",
         lambda: asyncio.run(runs.sqlite(workdir, items)), True),
        ("peer: aiogram + PostgreSQL (psycopg), commit per answer", "answers/s",
         lambda: _on_pg(pg_url or "", lambda u: asyncio.run(runs.postgres(u, items))), pg_ok),
        ("peer: aiogram FSM + RedisStorage", "answers/s", fsm_redis, True),
        ("peer: aiogram FSM + MemoryStorage (not durable)", "answers/s",
         lambda: asyncio.run(runs.fsm(items, redis=False))[0], True),  # type: ignore[index]
        ("peer: PTB ConversationHandler + PicklePersistence, default flush (not durable per answer)", "answers/s",
         lambda: asyncio.run(runs.ptb(workdir, items, flush_each=False)), True),
        ("peer: PTB ConversationHandler + PicklePersistence, flushed every update", "answers/s",
         lambda: asyncio.run(runs.ptb(workdir, items, flush_each=True)), True),
    ]
    order = [name for name, *_ in plan]
    rounds: list[dict[str, float | None]] = []
    for k in range(repeats):  # every bot once per round, each intake line next to its peer: drift hits both
        got: dict[str, float | None] = {}
        for name in RUN_ORDER:
            _, _, once, possible = plan[order.index(name)]
            got[name] = once() if possible else None
        rounds.append(got)
        if repeats > 1:
            print(f"  (throughput round {k + 1} of {repeats} done)", flush=True)
    for name, unit, _once, possible in plan:
        values = [r[name] for r in rounds]
        if not possible:
            report.add(Figure(name, 0, unit, "skipped: no PostgreSQL", None, {"skipped": "no PostgreSQL"}))
            continue
        if any(v is None for v in values):
            report.add(Figure(name, 0, unit, "skipped: no Redis", None, {"skipped": "no Redis"}))
            continue
        detail = {**base, "values": values, **({"redis": redis_conf.get("redis")} if "Redis" in name else {})}
        report.add(Figure(name, statistics.median(float(v or 0) for v in values), unit, "", None, detail))
    _ratios(report, rounds, base)


RUN_ORDER = (  # within a round: each intake line beside the peer it is divided by
    "bare aiogram echo (the framework's ceiling)", "intake via aiogram, SQLite",
    "peer: aiogram + SQLite (WAL), commit per answer", "intake engine and replies, no storage (aiogram)",
    "intake via python-telegram-bot, SQLite", "peer: PTB ConversationHandler + PicklePersistence, flushed every update",
    "peer: PTB ConversationHandler + PicklePersistence, default flush (not durable per answer)",
    "intake via aiogram, PostgreSQL", "peer: aiogram + PostgreSQL (psycopg), commit per answer",
    "peer: aiogram FSM + RedisStorage", "peer: aiogram FSM + MemoryStorage (not durable)",
)
GOALS = (  # (intake line, store, the durable peers it must match)
    ("intake via aiogram, SQLite", "SQLite", ("peer: aiogram + SQLite (WAL), commit per answer",)),
    ("intake via aiogram, PostgreSQL", "PostgreSQL", ("peer: aiogram + PostgreSQL (psycopg), commit per answer",)),
    ("intake via aiogram, PostgreSQL", "Redis", ("peer: aiogram FSM + RedisStorage",)),
    ("intake via python-telegram-bot, SQLite", "PTB",
     ("peer: PTB ConversationHandler + PicklePersistence, flushed every update",)),
)


def _ratio(rounds: list[dict[str, float | None]], ours: str, peers: tuple[str, ...]) -> tuple[float, list[float]]:
    """The median over rounds of (ours / best of the peers) within each round; 0 when one was not measured."""
    per = []
    for r in rounds:
        best = max((r.get(p) or 0 for p in peers), default=0)
        if not r.get(ours) or not best:
            return 0.0, []
        per.append(float(r[ours] or 0) / best)
    return statistics.median(per), per


def _ratios(report: Report, rounds: list[dict[str, float | None]], base: dict[str, Any]) -> None:
    """Each intake line over the best durable peer on its store (the same round's), goal >= 1.0;
    the no-storage line as information."""
    for ours_name, store, peers in GOALS:
        value, per = _ratio(rounds, ours_name, peers)
        name = f"{ours_name}: ratio to best durable peer ({store})"
        if not per:
            report.add(Figure(name, 0, "x", ">= 1.0", None, {"skipped": "intake or peer not measured"}))
            continue
        report.add(Figure(name, value, "x", ">= 1.0", value >= 1.0, {**base, "peers": list(peers), "per_round": per}))
    value, per = _ratio(rounds, "intake engine and replies, no storage (aiogram)", GOALS[0][2])
    if per:
        report.add(Figure("no storage: ratio to best durable peer (SQLite), information", value, "x", "", None,
                          {**base, "per_round": per}))
