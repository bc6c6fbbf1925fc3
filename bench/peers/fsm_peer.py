"""aiogram's own FSM: the survey's position and answers in the FSM data, kept by RedisStorage (or memory).

Each answer is one get and one set of the user's data (what ``FSMContext.update_data`` does);
updates of one user are handled one after another (``SimpleEventIsolation``), so none is lost.
Redis's own durability is its configuration's (RDB snapshots by default, AOF off): the bench says
which, and does not call it durable per answer unless ``appendfsync`` is ``always``.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.filters import CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.types import Message

from bench.peers.markup import aiogram_markup
from bench.peers.survey import prompt

REDIS_URL = "redis://127.0.0.1:6379/0"


class Survey(StatesGroup):
    asking = State()


async def redis_storage(prefix: str, url: str | None = None) -> tuple[BaseStorage, dict[str, str]] | None:
    """RedisStorage under its own key prefix, and Redis's persistence settings; None when no Redis answers."""
    from aiogram.fsm.storage.redis import DefaultKeyBuilder, RedisStorage

    storage = RedisStorage.from_url(url or REDIS_URL, key_builder=DefaultKeyBuilder(prefix=prefix))
    try:
        await storage.redis.ping()
        conf = {**await storage.redis.config_get("appendonly"), **await storage.redis.config_get("appendfsync")}
    except Exception:  # noqa: BLE001 - no server, or refused: the caller says "skipped: no Redis"
        await storage.close()
        return None
    return storage, {k: str(v) for k, v in conf.items()}


async def drop_prefix(storage: BaseStorage, prefix: str) -> None:
    """Remove the run's keys from Redis."""
    redis: Any = getattr(storage, "redis")
    keys = [k async for k in redis.scan_iter(match=f"{prefix}:*", count=1000)]
    for i in range(0, len(keys), 1000):
        await redis.delete(*keys[i:i + 1000])


def dispatcher(storage: BaseStorage) -> Dispatcher:
    """The survey bot on aiogram's FSM over ``storage``."""
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message, state: FSMContext) -> None:
        await state.set_state(Survey.asking)
        await state.set_data({"seq": 0})
        q = prompt(0)
        await message.answer(q.label, reply_markup=aiogram_markup(q, 0))

    @router.message(Survey.asking)
    async def answer(message: Message, state: FSMContext) -> None:
        data = await state.get_data()
        seq = int(data.get("seq", 0))
        data[f"a{seq}"] = message.text or ""
        data["seq"] = seq = seq + 1
        await state.set_data(data)
        q = prompt(seq)
        await message.answer(q.label, reply_markup=aiogram_markup(q, seq))

    dp = Dispatcher(storage=storage, events_isolation=SimpleEventIsolation())
    dp.include_router(router)
    return dp


async def counts(storage: BaseStorage, bot: Bot, users: set[int]) -> dict[int, int]:
    """Answers per user, read back from the storage."""
    out: dict[int, int] = {}
    for uid in users:
        data = await storage.get_data(StorageKey(bot_id=bot.id, chat_id=uid, user_id=uid))
        out[uid] = sum(1 for k in data if k.startswith("a"))
    return out
