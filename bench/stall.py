"""A stalled database: another connection holds SQLite's write lock; how fast do read-only replies come?

While the lock is held, /help and 查看 (the review of one's own draft) arrive every 50 ms from
users with an interview under way, and some answers too. Each reply time runs from the moment the
update was due (a blocked event loop delays even its start) to the moment intake finished it.
Goal: p99 of the read-only replies < 100 ms during the stall, and every answer given during the
stall stored once the lock is gone.
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
from sqlalchemy import text

from bench.feed import TOKEN, aiogram_updates, feed_aiogram, interleaved
from bench.measure import fresh_service
from bench.null_session import NullSession
from bench.report import Figure, Report
from bench.throughput import FIRST_UPDATE, _settings
from bot.telegram.aiogram_runtime import build_dispatcher
from bot.telegram.core import BotCore
from flows.lexicon import WORDS

READS = ("/help", WORDS["review"][0])  # /help and 查看
EVERY = 0.05  # a read-only update every 50 ms
ANSWER_EVERY = 4  # and an answer after every fourth


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
    held = threading.Event()
    locker = threading.Thread(target=_hold_lock, args=(Path(str(service.db.url.database)), hold, held))
    locker.start()
    held.wait()
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    reads: list[float] = []
    answer_ids: list[int] = []
    tasks: list[asyncio.Task[Any]] = []
    next_id = FIRST_UPDATE + 1_000_000

    async def one(item: tuple[int, str], uid: int, due: float, read: bool) -> None:
        await dp.feed_update(bot, aiogram_updates([item], uid)[0])
        if read:
            reads.append((loop.time() - due) * 1000)

    k = 0
    while loop.time() - t0 < hold - EVERY:
        due = t0 + k * EVERY
        await asyncio.sleep(max(0.0, due - loop.time()))
        who = 700_000 + k % users
        tasks.append(asyncio.ensure_future(one((who, READS[k % 2]), next_id, due, True)))
        next_id += 1
        if k % ANSWER_EVERY == 0 and later:
            answer_ids.append(next_id)
            tasks.append(asyncio.ensure_future(one(later.pop(0), next_id, due, False)))
            next_id += 1
        k += 1
    await asyncio.gather(*tasks)
    await asyncio.to_thread(locker.join)
    with service.db.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM processedupdate WHERE update_id >= :a AND update_id <= :b"
                                   " AND update_id IN (" + ",".join(map(str, answer_ids)) + ")"),
                              {"a": min(answer_ids), "b": max(answer_ids)}).scalar() if answer_ids else 0
    service.db.dispose()
    reads.sort()
    return {"p99": reads[max(0, int(len(reads) * 0.99) - 1)], "p50": statistics.median(reads), "reads": len(reads),
            "answers": len(answer_ids), "stored": int(stored or 0)}


def stalled(report: Report, workdir: Path, *, hold: float, users: int = 20, repeats: int = 1) -> None:
    """The two stall figures (medians of ``repeats`` runs)."""
    got = [asyncio.run(_run(workdir, hold, users)) for _ in range(repeats)]
    p99 = statistics.median(g["p99"] for g in got)
    detail = {"hold_s": hold, "users": users, "runs": repeats, "read_p99_ms": [g["p99"] for g in got],
              "read_p50_ms": [g["p50"] for g in got], "reads": got[0]["reads"]}
    report.add(Figure(f"stalled database ({hold:g} s write lock): p99 of /help and 查看", p99, "ms", "< 100 ms",
                      p99 < 100, detail))
    answers, stored = sum(g["answers"] for g in got), sum(g["stored"] for g in got)
    report.add(Figure(f"stalled database ({hold:g} s): answers given during the stall stored", stored, "answers",
                      f"= {answers} given", stored == answers, {**detail, "given": answers}))
