"""A stalled database: another connection holds SQLite's write lock; how fast do read-only replies come?

While the lock is held, /help and 查看 (the button that shows one's own record, read only) arrive
every 50 ms from users with an interview under way, and some answers too, from the same users: a
read must not queue behind the person's own answer that waits to be written. Each reply time runs
from the moment the update was due (a blocked event loop delays even its start) to the moment
intake finished it. Goal: p99 of the read-only replies < 100 ms during the stall, and every answer
given during the stall stored once the lock is gone.

The typed word 查看 is not a read: it is a step of the interview (it opens the review, and what is
typed next answers the review), so it is written and ordered behind the person's answers like any
answer. Its p99 is shown in the detail (``typed_review_p99_ms``), not in the goal.
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import threading
import time
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.types import CallbackQuery, Chat, Message, Update, User
from sqlalchemy import text

from bench.feed import TOKEN, aiogram_updates, feed_aiogram, interleaved
from bench.measure import fresh_service
from bench.null_session import NullSession
from bench.report import Figure, Report
from bench.throughput import FIRST_UPDATE, _settings
from bot.telegram import buttons
from bot.telegram.aiogram_runtime import build_dispatcher
from bot.telegram.core import BotCore
from flows.lexicon import WORDS

READS = ("/help", "view")  # /help and the 查看 button on one's own record
TYPED_REVIEW = WORDS["review"][0]  # 查看 typed: a step, measured for information
EVERY = 0.05  # a read-only update every 50 ms
ANSWER_EVERY = 4  # and an answer after every fourth


def _pressed(update_id: int, uid: int, data: str) -> Update:
    """A press of an inline button under a message of the bot."""
    chat = Chat(id=uid, type="private")
    who = User(id=uid, is_bot=False, first_name="职工")
    return Update(update_id=update_id, callback_query=CallbackQuery(
        id=str(update_id), from_user=who, chat_instance="bench", data=data,
        message=Message(message_id=1, date=0, chat=chat, text="x")))


def _hold_lock(db: Path, seconds: float, held: threading.Event) -> None:
    conn = sqlite3.connect(db, timeout=30)
    conn.execute("BEGIN IMMEDIATE")  # the write lock, as a long migration or a stuck job holds it
    held.set()
    time.sleep(seconds)
    conn.rollback()
    conn.close()


async def _run(workdir: Path, hold: float, users: int) -> dict[str, Any]:
    service = fresh_service(workdir, "stall")
    core = BotCore(service, _settings(workdir, str(service.db.url)))
    dp = build_dispatcher(core, core.settings)
    bot = Bot(TOKEN, session=NullSession())
    script = interleaved(users, users * 8, templates=min(users, 10))
    warm = [it for it in script if it[1] == "/start"] + script[users:users * 3]
    await feed_aiogram(dp, bot, aiogram_updates(warm, FIRST_UPDATE))
    later = script[users * 3:]
    with service.db.connect() as conn:
        own = dict(conn.execute(text('SELECT tg_id, active_interview_id FROM "user" WHERE tg_id IS NOT NULL'
                                     " AND active_interview_id IS NOT NULL")).all())
    held = threading.Event()
    locker = threading.Thread(target=_hold_lock, args=(Path(str(service.db.url.database)), hold, held))
    locker.start()
    held.wait()
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    reads: list[float] = []
    typed: list[float] = []
    answer_ids: list[int] = []
    tasks: list[asyncio.Task[Any]] = []
    next_id = FIRST_UPDATE + 1_000_000

    async def one(item: tuple[int, str], uid: int, due: float, into: list[float] | None) -> None:
        who, what = item
        if what == "view":
            update = _pressed(uid, who, buttons.VIEW_OWN.data(own[who]))
        else:
            update = aiogram_updates([item], uid)[0]
        await dp.feed_update(bot, update)
        if into is not None:
            into.append((loop.time() - due) * 1000)

    k = 0
    while loop.time() - t0 < hold - EVERY:
        due = t0 + k * EVERY
        await asyncio.sleep(max(0.0, due - loop.time()))
        who = 700_000 + k % users
        tasks.append(asyncio.ensure_future(one((who, READS[k % 2]), next_id, due, reads)))
        next_id += 1
        if k % ANSWER_EVERY == 0 and later:
            answer_ids.append(next_id)
            tasks.append(asyncio.ensure_future(one(later.pop(0), next_id, due, None)))
            next_id += 1
        if k % ANSWER_EVERY == 2:  # 查看 typed by a person with no answer waiting, then one with
            tasks.append(asyncio.ensure_future(one((700_000 + (k // 2) % users, TYPED_REVIEW), next_id, due, typed)))
            next_id += 1
        k += 1
    await asyncio.gather(*tasks)
    await asyncio.to_thread(locker.join)
    with service.db.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM processedupdate WHERE update_id >= :a AND update_id <= :b"
                                   " AND update_id IN (" + ",".join(map(str, answer_ids)) + ")"),
                              {"a": min(answer_ids), "b": max(answer_ids)}).scalar() if answer_ids else 0
    service.db.dispose()
    return {"p99": _p99(reads), "p50": statistics.median(reads), "reads": len(reads),
            "typed_p99": _p99(typed) if typed else 0.0, "answers": len(answer_ids), "stored": int(stored or 0)}


def _p99(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(len(ordered) * 0.99) - 1)]


def stalled(report: Report, workdir: Path, *, hold: float, users: int = 20, repeats: int = 1) -> None:
    """The two stall figures (medians of ``repeats`` runs)."""
    got = [asyncio.run(_run(workdir, hold, users)) for _ in range(repeats)]
    p99 = statistics.median(g["p99"] for g in got)
    detail = {"hold_s": hold, "users": users, "runs": repeats, "read_p99_ms": [g["p99"] for g in got],
              "read_p50_ms": [g["p50"] for g in got], "reads": got[0]["reads"],
              "typed_review_p99_ms": [g["typed_p99"] for g in got]}
    report.add(Figure(f"stalled database ({hold:g} s write lock): p99 of /help and 查看", p99, "ms", "< 100 ms",
                      p99 < 100, detail))
    answers, stored = sum(g["answers"] for g in got), sum(g["stored"] for g in got)
    report.add(Figure(f"stalled database ({hold:g} s): answers given during the stall stored", stored, "answers",
                      f"= {answers} given", stored == answers, {**detail, "given": answers}))
