"""aiogram + hand-written SQL, one commit per answer: the bot a careful developer writes by hand.

One connection, the two statements of an answer in one transaction (the user's counter moved with
``UPDATE ... RETURNING``, the answer inserted), committed before the reply. SQLite in WAL with
``synchronous=NORMAL`` (as intake); PostgreSQL through psycopg with prepared statements and default
``synchronous_commit`` (an fsync per commit, as intake), the one connection shared under a lock.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.filters import CommandStart
from aiogram.types import Message

from bench.peers.markup import aiogram_markup
from bench.peers.survey import prompt

SCHEMA = ("CREATE TABLE IF NOT EXISTS progress (user_id BIGINT PRIMARY KEY, seq INTEGER NOT NULL)",
          "CREATE TABLE IF NOT EXISTS answers (user_id BIGINT NOT NULL, seq INTEGER NOT NULL, "
          "question TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (user_id, seq))")
START = "INSERT INTO progress (user_id, seq) VALUES ({p}, 0) ON CONFLICT (user_id) DO NOTHING"
STEP = "UPDATE progress SET seq = seq + 1 WHERE user_id = {p} RETURNING seq"
SAVE = "INSERT INTO answers (user_id, seq, question, text) VALUES ({p}, {p}, {p}, {p})"
COUNTS = "SELECT user_id, count(*) FROM answers GROUP BY user_id"


class SqliteStore:
    """The answers in a SQLite file."""

    def __init__(self, path: Path) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA busy_timeout=30000")
        for sql in SCHEMA:
            self.conn.execute(sql)

    async def start(self, uid: int) -> None:
        self.conn.execute(START.format(p="?"), (uid,))

    async def answer(self, uid: int, text: str) -> int:
        """Store one answer and commit; the number of answers the user has given."""
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            row = c.execute(STEP.format(p="?"), (uid,)).fetchone()
            seq = row[0] if row else 1
            if row is None:
                c.execute("INSERT INTO progress (user_id, seq) VALUES (?, 1)", (uid,))
            c.execute(SAVE.format(p="?"), (uid, seq - 1, prompt(seq - 1).key, text))
            c.execute("COMMIT")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        return seq

    async def counts(self) -> dict[int, int]:
        return dict(self.conn.execute(COUNTS).fetchall())

    async def close(self) -> None:
        self.conn.close()


class PostgresStore:
    """The answers in a PostgreSQL database, one psycopg connection."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.lock = asyncio.Lock()  # one connection: one transaction at a time

    @classmethod
    async def connect(cls, url: str) -> PostgresStore:
        import psycopg

        conn = await psycopg.AsyncConnection.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        async with conn.transaction():
            for sql in SCHEMA:
                await conn.execute(sql)
        return cls(conn)

    async def start(self, uid: int) -> None:
        async with self.lock, self.conn.transaction():
            await self.conn.execute(START.format(p="%s"), (uid,), prepare=True)

    async def answer(self, uid: int, text: str) -> int:
        async with self.lock, self.conn.transaction():
            cur = await self.conn.execute(STEP.format(p="%s"), (uid,), prepare=True)
            row = await cur.fetchone()
            seq = row[0] if row else 1
            if row is None:
                await self.conn.execute("INSERT INTO progress (user_id, seq) VALUES (%s, 1)", (uid,))
            await self.conn.execute(SAVE.format(p="%s"), (uid, seq - 1, prompt(seq - 1).key, text), prepare=True)
        return seq

    async def counts(self) -> dict[int, int]:
        cur = await self.conn.execute(COUNTS)
        return {uid: n for uid, n in await cur.fetchall()}

    async def close(self) -> None:
        await self.conn.close()


def dispatcher(store: SqliteStore | PostgresStore) -> Dispatcher:
    """The survey bot over ``store``: /start, then every message is the answer to the current question."""
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await store.start(message.chat.id)
        q = prompt(0)
        await message.answer(q.label, reply_markup=aiogram_markup(q, 0))

    @router.message()
    async def answer(message: Message) -> None:
        seq = await store.answer(message.chat.id, message.text or "")
        q = prompt(seq)
        await message.answer(q.label, reply_markup=aiogram_markup(q, seq))

    dp = Dispatcher(disable_fsm=True)
    dp.include_router(router)
    return dp
