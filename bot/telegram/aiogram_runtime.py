"""aiogram 3 runtime: converts Updates to Incoming and the core's actions to Bot calls; nothing else."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import asynccontextmanager, suppress
from typing import Any, AsyncIterator, Awaitable, Callable, TypeVar

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramEntityTooLarge, TelegramNetworkError, TelegramRetryAfter, TelegramServerError,
)
from aiogram.types import (
    BotCommand, BufferedInputFile, CallbackQuery, ForceReply, InlineKeyboardButton, InlineKeyboardMarkup, Message,
    Update,
)

from bot.settings import Settings
from bot.telegram import daily_task
from bot.telegram.actions import (
    Action, AnswerCallback, EditMessage, Incoming, Rows, SendDocument, SendMessage, incoming_from,
)
from bot.telegram.core import BotCore
from bot.telegram.delivery import Transient, with_retries
from bot.telegram.webhook import serve, webhook_app

log = logging.getLogger(__name__)
T = TypeVar("T")
ALLOWED_UPDATES = ["message", "callback_query"]


def incoming(update: Update) -> Incoming | None:
    """The neutral view of an update (the reading shared by both runtimes)."""
    return incoming_from(update)


def keyboard(rows: Rows) -> InlineKeyboardMarkup | None:
    """Button rows as an inline keyboard."""
    if not rows:
        return None
    return InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text=label, callback_data=data)
                                                  for label, data in row] for row in rows])


@asynccontextmanager
async def transient_errors() -> AsyncIterator[None]:
    """aiogram's 429, 5xx and network errors as Transient (retried); everything else as is."""
    try:
        yield
    except TelegramRetryAfter as exc:
        raise Transient("429", float(exc.retry_after)) from exc
    except TelegramEntityTooLarge:
        raise
    except (TelegramServerError, TelegramNetworkError) as exc:
        raise Transient(type(exc).__name__) from exc


class AiogramIO:
    """Performs the core's actions with an aiogram Bot."""

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
                markup = ForceReply(force_reply=True) if action.force_reply else keyboard(action.buttons)
                sent = await bot.send_message(action.chat_id, action.text, reply_markup=markup)
                return sent.message_id
            elif isinstance(action, EditMessage) and action.text is None:
                await bot.edit_message_reply_markup(chat_id=action.chat_id, message_id=action.message_id,
                                                    reply_markup=keyboard(action.buttons))
            elif isinstance(action, EditMessage):
                await bot.edit_message_text(text=action.text, chat_id=action.chat_id, message_id=action.message_id,
                                            reply_markup=keyboard(action.buttons))
            elif isinstance(action, AnswerCallback):
                await bot.answer_callback_query(action.callback_id, text=action.text or None, show_alert=action.alert)
            elif isinstance(action, SendDocument):
                await bot.send_document(action.chat_id, BufferedInputFile(action.data, filename=action.filename),
                                        caption=action.caption or None)
        return None

    async def download(self, file_id: str) -> bytes:
        """getFile, then the file itself from the configured server."""
        async with transient_errors():
            info = await self.bot.get_file(file_id)
            if not info.file_path:
                raise Transient("no file_path")
            buffer = await self.bot.download_file(info.file_path)
            assert buffer is not None
            return buffer.read()


def build_dispatcher(core: BotCore, settings: Settings) -> Dispatcher:
    """A Dispatcher whose handlers reach the core through workflow data (injected, not global)."""
    router = Router(name="intake")

    @router.message()
    async def on_message(message: Message, event_update: Update, core: BotCore, bot: Bot) -> None:
        inc = incoming(event_update)
        if inc is not None:
            await core.handle(inc, AiogramIO(bot))

    @router.callback_query()
    async def on_callback(callback_query: CallbackQuery, event_update: Update, core: BotCore, bot: Bot) -> None:
        inc = incoming(event_update)
        if inc is not None:
            await core.handle(inc, AiogramIO(bot))

    # no aiogram FSM: an interview's state lives in the database (its middleware would cost every update)
    dp = Dispatcher(core=core, settings=settings, service=core.service, disable_fsm=True)
    dp.include_router(router)
    return dp


async def run(core: BotCore, settings: Settings, token: str, *, webhook: bool = False,
              webhook_url: str | None = None, poll_timeout: int = 25) -> None:
    """Start the bot: getMe, command menu, then long polling (deleteWebhook first) or the webhook server."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url))
    bot = Bot(token, session=session)
    dp = build_dispatcher(core, settings)
    io = AiogramIO(bot)
    daily: asyncio.Task[None] | None = None
    try:
        me = await with_retries(lambda: io.call(bot.get_me), what="getMe")
        core.bot_username = me.username or ""
        commands = [BotCommand(command=c, description=d) for c, d in core.menu()]
        await with_retries(lambda: io.call(lambda: bot.set_my_commands(commands)), what="setMyCommands")
        daily = daily_task.start(core, io)
        log.info("aiogram runtime started as @%s", core.bot_username)
        if not webhook:
            await with_retries(lambda: io.call(lambda: bot.delete_webhook(drop_pending_updates=False)),
                               what="deleteWebhook")
            await dp.start_polling(bot, polling_timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES,
                                   handle_signals=True, close_bot_session=False)
            return
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
        if webhook_url:
            await with_retries(lambda: io.call(lambda: bot.set_webhook(
                webhook_url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)), what="setWebhook")

        async def feed(data: dict[str, Any]) -> None:
            await dp.feed_raw_update(bot, data)

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await serve(webhook_app(path=settings.webhook_path, secret=secret, feed=feed),
                    host=settings.webhook_host, port=settings.webhook_port, stop=stop)
    finally:
        await daily_task.stop(daily)
        await bot.session.close()
