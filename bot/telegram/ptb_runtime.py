"""python-telegram-bot runtime: converts Updates to Incoming and the core's actions to Bot calls; nothing else."""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import warnings
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable, TypeVar

from telegram import (
    Bot, BotCommand, BotCommandScopeChat, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, InputFile,
    KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update,
)
from telegram.error import BadRequest, Conflict, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.settings import Settings
from bot.telegram.actions import (
    Action, AnswerCallback, EditMessage, Incoming, Rows, SendDocument, SendMessage, SetMenu, incoming_from,
)
from bot.telegram.core import BotCore
from bot.telegram.delivery import Transient
from bot.telegram.files import MAX_DOWNLOAD, FileTooBig, within_limit
from bot.telegram.startup import ALLOWED_UPDATES, PollingConflict, run_bot

log = logging.getLogger(__name__)
T = TypeVar("T")


def incoming(update: Update) -> Incoming | None:
    """The neutral view of an update (the reading shared by both runtimes)."""
    return incoming_from(update)


def keyboard(rows: Rows) -> InlineKeyboardMarkup | None:
    """Button rows as an inline keyboard."""
    if not rows:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                 for row in rows])


def contact_keyboard(label: str) -> ReplyKeyboardMarkup:
    """One button under the input field that shares the person's own phone number (hidden once used)."""
    return ReplyKeyboardMarkup([[KeyboardButton(label, request_contact=True)]], resize_keyboard=True,
                               one_time_keyboard=True)


def _seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


@asynccontextmanager
async def transient_errors() -> AsyncIterator[None]:
    """PTB's 429, 5xx and network errors as Transient (retried); everything else as is."""
    try:
        yield
    except RetryAfter as exc:
        raise Transient("429", _seconds(exc)) from exc
    except BadRequest:
        raise
    except (TimedOut, NetworkError) as exc:
        raise Transient(type(exc).__name__) from exc


class PtbIO:
    """Performs the core's actions with a PTB Bot."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def call(self, make: Callable[[], Awaitable[T]]) -> T:
        """One Bot API call with errors classified for retrying."""
        async with transient_errors():
            return await make()

    async def perform(self, action: Action) -> int | None:
        """Carry out one action; a sent message's id."""
        bot = self.bot
        async with transient_errors():
            if isinstance(action, SendMessage):
                markup = ForceReply() if action.force_reply else contact_keyboard(action.contact_button) \
                    if action.contact_button else ReplyKeyboardRemove() if action.remove_keyboard \
                    else keyboard(action.buttons)
                sent = await bot.send_message(action.chat_id, action.text, reply_markup=markup)
                return sent.message_id
            elif isinstance(action, EditMessage) and action.text is None:
                await bot.edit_message_reply_markup(chat_id=action.chat_id, message_id=action.message_id,
                                                    reply_markup=keyboard(action.buttons))
            elif isinstance(action, EditMessage):
                await bot.edit_message_text(action.text, chat_id=action.chat_id, message_id=action.message_id,
                                            reply_markup=keyboard(action.buttons))
            elif isinstance(action, AnswerCallback):
                await bot.answer_callback_query(action.callback_id, text=action.text or None, show_alert=action.alert)
            elif isinstance(action, SendDocument):
                await bot.send_document(action.chat_id, InputFile(action.data, filename=action.filename),
                                        caption=action.caption or None)
            elif isinstance(action, SetMenu):
                await bot.set_my_commands([BotCommand(c, d) for c, d in action.commands],
                                          scope=BotCommandScopeChat(action.chat_id))
        return None

    async def download(self, file_id: str) -> bytes:
        """getFile, then the file itself from the configured server."""
        async with transient_errors():
            info = await self.bot.get_file(file_id)
            if info.file_size and info.file_size > MAX_DOWNLOAD:  # getFile's own size, not the update's
                raise FileTooBig(f"{info.file_size} bytes")
            return within_limit(bytes(await info.download_as_bytearray()))


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every update goes through the core (injected in bot_data)."""
    core: BotCore = context.bot_data["core"]
    inc = incoming(update)
    if inc is not None:
        await core.handle(inc, PtbIO(context.bot))


def build_application(core: BotCore, settings: Settings, token: str, *, webhook: bool = False,
                      request: Any = None) -> Application:
    """An Application on the configured Bot API server; updates of different users run concurrently.

    ``request`` replaces the HTTP backend (the benchmark's in-process null transport).
    """
    root = settings.telegram_api_url
    builder = (Application.builder().token(token).base_url(f"{root}/bot").base_file_url(f"{root}/file/bot")
               .concurrent_updates(True))
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    if webhook:
        builder = builder.updater(None)
    app = builder.build()
    app.bot_data.update(core=core, settings=settings, service=core.service)
    app.add_handler(TypeHandler(Update, on_update))
    return app


class PtbRuntime:
    """The python-telegram-bot part of start-up (bot.telegram.startup runs the sequence)."""

    name = "python-telegram-bot"

    def __init__(self, core: BotCore, settings: Settings, token: str, *, webhook: bool) -> None:
        self.app = build_application(core, settings, token, webhook=webhook)
        self.io = PtbIO(self.app.bot)

    async def connect(self) -> str:
        """Application.initialize (getMe)."""
        await self.app.initialize()
        return self.app.bot.username or ""

    async def set_commands(self, commands: list[tuple[str, str]]) -> None:
        """setMyCommands."""
        await self.app.bot.set_my_commands([BotCommand(c, d) for c, d in commands])

    async def start(self) -> None:
        """Start the application's update processing."""
        await self.app.start()

    async def delete_webhook(self) -> None:
        """deleteWebhook, keeping pending updates."""
        await self.app.bot.delete_webhook(drop_pending_updates=False)

    async def set_webhook(self, url: str, secret: str) -> None:
        """setWebhook."""
        await self.app.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    async def poll(self, stop: asyncio.Event, poll_timeout: int) -> None:
        """The updater's long polling until ``stop`` is set."""
        assert self.app.updater is not None
        conflict = False

        def on_error(exc: TelegramError) -> None:  # 409 on getUpdates: stop, not retry forever
            nonlocal conflict
            if isinstance(exc, Conflict):
                conflict = True
                stop.set()
            else:
                log.warning("getUpdates failed: %s; trying again", type(exc).__name__)

        await self.app.updater.start_polling(timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES,
                                             bootstrap_retries=-1, error_callback=on_error)
        await stop.wait()
        await self.app.updater.stop()
        if conflict:
            raise PollingConflict

    async def feed(self, data: dict[str, Any]) -> None:
        """One webhook update through the application."""
        update = Update.de_json(data, self.app.bot)
        if update is not None:
            await self.app.process_update(update)

    async def stop(self) -> None:
        """Stop the application's update processing."""
        await self.app.stop()

    async def close(self) -> None:
        """Application.shutdown (a no-op when it never initialised); stopped first when poll ended by raising."""
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()


async def run(core: BotCore, settings: Settings, token: str, *, webhook: bool = False,
              webhook_url: str | None = None, poll_timeout: int = 25) -> None:
    """Start the bot with python-telegram-bot (the shared start-up sequence)."""
    await run_bot(core, settings, PtbRuntime(core, settings, token, webhook=webhook), webhook=webhook,
                  webhook_url=webhook_url, poll_timeout=poll_timeout)
