"""python-telegram-bot's ConversationHandler with PicklePersistence: the answers in ``user_data``.

Two ways: PTB's default (``update_interval`` 60 s: the file is written once a minute and at
shutdown, so an answer is not durable when its reply is sent) and flushed on every update (a
handler after the conversation calls ``update_persistence``: durable against a process crash).
Updates are handled concurrently as intake's runtime is built, one user's updates one after
another (a ConversationHandler needs that), by a small per-user update processor.
"""

from __future__ import annotations

import asyncio
import pickle
import warnings
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import (Application, BaseUpdateProcessor, CommandHandler, ContextTypes, ConversationHandler,
                          MessageHandler, PicklePersistence, TypeHandler, filters)

from bench.feed import TOKEN
from bench.null_request import NullRequest
from bench.peers.markup import ptb_markup
from bench.peers.survey import prompt

ASKING = 1


class PerUser(BaseUpdateProcessor):
    """Concurrent updates, one user's in order."""

    def __init__(self) -> None:
        super().__init__(max_concurrent_updates=256)
        self._locks: dict[int, asyncio.Lock] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        uid = update.effective_user.id if isinstance(update, Update) and update.effective_user else 0
        lock = self._locks.setdefault(uid, asyncio.Lock())
        async with lock:
            await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def application(path: Path, *, flush_each: bool) -> Application:
    """The survey bot; its pickle file at ``path``."""
    path.unlink(missing_ok=True)
    app = (Application.builder().token(TOKEN).request(NullRequest()).get_updates_request(NullRequest())
           .persistence(PicklePersistence(filepath=path)).concurrent_updates(PerUser()).build())

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        context.user_data["answers"] = []  # type: ignore[index]
        q = prompt(0)
        await update.message.reply_text(q.label, reply_markup=ptb_markup(q, 0))  # type: ignore[union-attr]
        return ASKING

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        answers = context.user_data.setdefault("answers", [])  # type: ignore[union-attr]
        answers.append(update.message.text)  # type: ignore[union-attr]
        q = prompt(len(answers))
        await update.message.reply_text(q.label, reply_markup=ptb_markup(q, len(answers)))  # type: ignore[union-attr]
        return ASKING

    async def flush(_update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        await context.application.update_persistence()

    with warnings.catch_warnings():  # PTB warns about per_message defaults; this survey has no callbacks
        warnings.simplefilter("ignore")
        conv = ConversationHandler(entry_points=[CommandHandler("start", start)],
                                   states={ASKING: [MessageHandler(filters.TEXT & ~filters.COMMAND, answer)]},
                                   fallbacks=[], name="survey", persistent=True)
    app.add_handler(conv)
    if flush_each:
        app.add_handler(TypeHandler(Update, flush), group=1)
    return app


def process(app: Application, update: Any) -> Awaitable[Any]:
    """One update through the application's update processor, as its polling loop hands it over."""
    return app.update_processor.process_update(update, app.process_update(update))


def counts(path: Path) -> dict[int, int]:
    """Answers per user, read back from the pickle file (after shutdown)."""
    with path.open("rb") as fh:
        data = pickle.load(fh)
    return {uid: len(d.get("answers", [])) for uid, d in data.get("user_data", {}).items()}
