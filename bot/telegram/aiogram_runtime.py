"""aiogram 3 runtime: converts Updates to Incoming and the core's actions to Bot calls; nothing else."""

from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager, suppress
from typing import Any, AsyncIterator, Awaitable, Callable, TypeVar

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramConflictError, TelegramEntityTooLarge, TelegramNetworkError, TelegramRetryAfter, TelegramServerError,
)
from aiogram.types import (
    BotCommand, BotCommandScopeChat, BufferedInputFile, CallbackQuery, ForceReply, InlineKeyboardButton,
    InlineKeyboardMarkup, KeyboardButton, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update,
)
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from bot.settings import Settings
from bot.telegram.actions import (
    Action, AnswerCallback, EditMessage, Incoming, Rows, SendDocument, SendMessage, SetMenu, incoming_from,
)
from bot.telegram.core import BotCore
from bot.telegram.delivery import Transient
from bot.telegram.files import MAX_DOWNLOAD, FileTooBig, read_limited, within_limit
from bot.telegram.startup import ALLOWED_UPDATES, PollingConflict, run_bot

log = logging.getLogger(__name__)
T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


def incoming(update: Update) -> Incoming | None:
    """The neutral view of an update (the reading shared by both runtimes)."""
    return incoming_from(update)


def _constructor(cls: type[M]) -> Callable[..., M]:
    """A builder of already-valid ``cls`` objects: what model_construct does, with the defaults worked out once.

    Every field is present, in declaration order, with its default (None for a button's optional
    fields), and the private attributes as a validated object has them, so that serialising it
    (model_dump, aiogram's prepare_value) gives what a validated one gives; the values passed
    are trusted to be of the field's type and every required field must be passed.
    """
    template = {name: None if f.is_required() else f.get_default(call_default_factory=True)
                for name, f in cls.model_fields.items()}
    private = {name: attr.get_default() for name, attr in cls.__private_attributes__.items()}
    private = {name: (None if value is PydanticUndefined else value) for name, value in private.items()}
    new, set_attr = object.__new__, object.__setattr__

    def build(**values: Any) -> M:
        obj = new(cls)
        fields = dict(template)
        fields.update(values)  # (existing keys keep their place: the field order stays)
        set_attr(obj, "__dict__", fields)
        set_attr(obj, "__pydantic_fields_set__", set(values))
        set_attr(obj, "__pydantic_extra__", {})
        set_attr(obj, "__pydantic_private__", dict(private))
        return obj
    return build


_button = _constructor(InlineKeyboardButton)
_markup = _constructor(InlineKeyboardMarkup)


def keyboard(rows: Rows) -> InlineKeyboardMarkup | None:
    """Button rows as an inline keyboard, built without validating every button again.

    Labels and callback data are strings already (bot.render, bot.telegram.buttons). A validated
    InlineKeyboardButton runs pydantic's Python-side hooks once per button (issue 16's profile had
    markup at a fifth of the answer path); model_construct fills every default in Python and is
    slower still. The wire form is the same (tests/bot/test_telegram_parts.py compares them).
    """
    if not rows:
        return None
    return _markup(inline_keyboard=[[_button(text=label, callback_data=data) for label, data in row]
                                    for row in rows])


def contact_keyboard(label: str) -> ReplyKeyboardMarkup:
    """One button under the input field that shares the person's own phone number (hidden once used)."""
    return ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text=label, request_contact=True)]], resize_keyboard=True,
                               one_time_keyboard=True)


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
                markup = ForceReply(force_reply=True) if action.force_reply else contact_keyboard(action.contact_button) \
                    if action.contact_button else ReplyKeyboardRemove(remove_keyboard=True) if action.remove_keyboard \
                    else keyboard(action.buttons)
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
            elif isinstance(action, SetMenu):
                await bot.set_my_commands([BotCommand(command=c, description=d) for c, d in action.commands],
                                          scope=BotCommandScopeChat(chat_id=action.chat_id))
        return None

    async def download(self, file_id: str) -> bytes:
        """getFile, then the file itself from the configured server."""
        async with transient_errors():
            info = await self.bot.get_file(file_id)
            if not info.file_path:
                raise Transient("no file_path")
            if info.file_size and info.file_size > MAX_DOWNLOAD:
                raise FileTooBig(f"{info.file_size} bytes")
            session = self.bot.session
            if session.api.is_local:
                buffer = await self.bot.download_file(info.file_path)
                assert buffer is not None
                return within_limit(buffer.read())
            return await read_limited(session.stream_content(  # counted as it comes, stopped past the limit
                url=session.api.file_url(self.bot.token, info.file_path), timeout=30, chunk_size=65536,
                raise_for_status=True))


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


class AiogramRuntime:
    """The aiogram part of start-up (bot.telegram.startup runs the sequence)."""

    name = "aiogram"

    def __init__(self, core: BotCore, settings: Settings, token: str) -> None:
        self.bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_url)))
        self.dp = build_dispatcher(core, settings)
        self.io = AiogramIO(self.bot)

    async def connect(self) -> str:
        """getMe."""
        me = await self.bot.get_me()
        return me.username or ""

    async def set_commands(self, commands: list[tuple[str, str]]) -> None:
        """setMyCommands."""
        await self.bot.set_my_commands([BotCommand(command=c, description=d) for c, d in commands])

    async def start(self) -> None:
        """Nothing to start: the dispatcher runs inside poll or feed."""

    async def delete_webhook(self) -> None:
        """deleteWebhook, keeping pending updates."""
        await self.bot.delete_webhook(drop_pending_updates=False)

    async def set_webhook(self, url: str, secret: str) -> None:
        """setWebhook."""
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)

    async def poll(self, stop: asyncio.Event, poll_timeout: int) -> None:
        """The dispatcher's long polling, stopped by ``stop`` (startup owns the signal handlers)."""
        conflict = asyncio.Event()

        async def watch(make_request: Any, bot: Bot, method: Any) -> Any:  # 409 on getUpdates: stop, not retry
            try:
                return await make_request(bot, method)
            except TelegramConflictError:
                if getattr(method, "__api_method__", "") == "getUpdates":
                    conflict.set()
                raise

        self.bot.session.middleware(watch)
        polling = asyncio.create_task(self.dp.start_polling(
            self.bot, polling_timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES, handle_signals=False,
            close_bot_session=False))
        stopping = asyncio.create_task(stop.wait())
        conflicted = asyncio.create_task(conflict.wait())
        await asyncio.wait({polling, stopping, conflicted}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        conflicted.cancel()
        if not polling.done():
            try:
                await self.dp.stop_polling()
            except RuntimeError:  # stopped before polling had begun
                polling.cancel()
        with suppress(asyncio.CancelledError):
            await polling
        if conflict.is_set():
            raise PollingConflict

    async def feed(self, data: dict[str, Any]) -> None:
        """One webhook update through the dispatcher."""
        await self.dp.feed_raw_update(self.bot, data)

    async def stop(self) -> None:
        """Nothing running beyond poll."""

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.bot.session.close()


async def run(core: BotCore, settings: Settings, token: str, *, webhook: bool = False,
              webhook_url: str | None = None, poll_timeout: int = 25) -> None:
    """Start the bot with aiogram (the shared start-up sequence)."""
    await run_bot(core, settings, AiogramRuntime(core, settings, token), webhook=webhook, webhook_url=webhook_url,
                  poll_timeout=poll_timeout)
