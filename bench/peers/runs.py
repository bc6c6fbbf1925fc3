"""Each peer fed the bench's updates; its rate returned only once its store was read back whole."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from aiogram import Bot

from bench.feed import TOKEN, aiogram_updates, batches, feed_aiogram, ptb_updates
from bench.null_session import NullSession
from bench.peers import fsm_peer, ptb_peer, sql_peers
from bench.peers.survey import check_stored


async def sqlite(workdir: Path, items: list[tuple[int, str]]) -> float:
    """aiogram + hand-written SQLite (WAL), commit per answer."""
    store = sql_peers.SqliteStore(workdir / "peer-sqlite.db")
    bot = Bot(TOKEN, session=NullSession())
    rate = await feed_aiogram(sql_peers.dispatcher(store), bot, aiogram_updates(items, 30_000_000))
    check_stored(await store.counts(), items, "aiogram + SQLite")
    await store.close()
    return rate


async def postgres(url: str, items: list[tuple[int, str]]) -> float:
    """aiogram + hand-written PostgreSQL (psycopg) in a fresh database, commit per answer."""
    store = await sql_peers.PostgresStore.connect(url)
    try:
        bot = Bot(TOKEN, session=NullSession())
        rate = await feed_aiogram(sql_peers.dispatcher(store), bot, aiogram_updates(items, 40_000_000))
        check_stored(await store.counts(), items, "aiogram + PostgreSQL")
    finally:
        await store.close()
    return rate


async def fsm(items: list[tuple[int, str]], *, redis: bool) -> tuple[float, dict[str, Any]] | None:
    """aiogram FSM over RedisStorage (None when no Redis answers) or MemoryStorage."""
    from aiogram.fsm.storage.memory import MemoryStorage

    prefix = f"intake-bench-{uuid.uuid4().hex[:8]}"
    conf: dict[str, Any] = {}
    if redis:
        got = await fsm_peer.redis_storage(prefix)
        if got is None:
            return None
        storage: Any = got[0]
        conf = {"redis": got[1]}
    else:
        storage = MemoryStorage()
    bot = Bot(TOKEN, session=NullSession())
    try:
        rate = await feed_aiogram(fsm_peer.dispatcher(storage), bot, aiogram_updates(items, 50_000_000))
        stored = await fsm_peer.counts(storage, bot, {uid for uid, _ in items})
        check_stored(stored, items, "aiogram FSM + " + ("RedisStorage" if redis else "MemoryStorage"))
    finally:
        if redis:
            await fsm_peer.drop_prefix(storage, prefix)
        await storage.close()
    return rate, conf


async def ptb(workdir: Path, items: list[tuple[int, str]], *, flush_each: bool) -> float:
    """python-telegram-bot ConversationHandler + PicklePersistence (default interval, or flushed every update)."""
    path = workdir / f"peer-ptb-{'flush' if flush_each else 'default'}.pickle"
    app = ptb_peer.application(path, flush_each=flush_each)
    await app.initialize()
    ups = ptb_updates(items, 60_000_000, app.bot)
    rate = await batches(ups, lambda u: ptb_peer.process(app, u))
    await app.update_persistence()  # what PTB's stop does (and its 60 s job): the default way's only write here
    await app.shutdown()
    check_stored(ptb_peer.counts(path), items, "python-telegram-bot + PicklePersistence")
    return rate
