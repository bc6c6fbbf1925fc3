"""The start-up sequence both runtimes share: database, service and core; then getMe, the command menu,
the daily delivery, long polling or the webhook server, and an orderly stop.

Each runtime supplies only a Runtime (its Bot calls, its polling, its way of feeding a webhook update).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import suppress
from typing import Any, Awaitable, Callable, Protocol, TypeVar

from sqlmodel import Session

from bot.service import IntakeService
from bot.settings import Settings, build_registry
from bot.telegram import daily_task, export_runs
from bot.telegram.actions import Action
from bot.telegram.core import BotCore
from bot.telegram.delivery import with_retries
from bot.telegram.webhook import serve, webhook_app
from storage import pending, repo
from storage.db import make_engine
from storage.migrate import ensure_schema

log = logging.getLogger(__name__)
T = TypeVar("T")
ALLOWED_UPDATES = ["message", "callback_query"]
UPDATE_DAYS = 14  # Telegram redelivers for a day at most; older update ids need not be kept
PROMPT_DAYS = 30  # a reply prompt older than this is not waited on any more


class PollingConflict(Exception):
    """Telegram answered getUpdates with 409 Conflict: another process polls this token (or a webhook is set)."""



class RuntimeIO(Protocol):
    """A runtime's BotIO, plus one Bot API call with its errors classified for retrying."""

    async def perform(self, action: Action) -> int | None:
        """Carry out one action."""

    async def download(self, file_id: str) -> bytes:
        """Fetch a file a person sent."""

    async def call(self, make: Callable[[], Awaitable[T]]) -> T:
        """One Bot API call (429, 5xx and network errors raised as Transient)."""


class Runtime(Protocol):
    """The framework-specific part of running the bot."""

    name: str
    io: RuntimeIO

    async def connect(self) -> str:
        """getMe (and whatever the framework sets up with it); the bot's username."""

    async def set_commands(self, commands: list[tuple[str, str]]) -> None:
        """setMyCommands."""

    async def start(self) -> None:
        """Start processing updates (after connect)."""

    async def delete_webhook(self) -> None:
        """deleteWebhook, keeping pending updates."""

    async def set_webhook(self, url: str, secret: str) -> None:
        """setWebhook with the secret token and ALLOWED_UPDATES."""

    async def poll(self, stop: asyncio.Event, poll_timeout: int) -> None:
        """Long polling until ``stop`` is set."""

    async def feed(self, data: dict[str, Any]) -> None:
        """Process one webhook update (before the webhook answers 200)."""

    async def stop(self) -> None:
        """Stop processing updates (after a clean run)."""

    async def close(self) -> None:
        """Release the framework's resources (always, also after a failed start)."""


def open_core(settings: Settings) -> BotCore:
    """The schema brought up to date, old update ids and prompts forgotten, the registry, service and core."""
    engine = make_engine(settings.database_url)
    ensure_schema(engine)
    with Session(engine) as s:
        updates = repo.prune_processed_updates(s, older_than_days=UPDATE_DAYS)
        prompts = pending.prune(s, older_than_days=PROMPT_DAYS)
    if updates:
        log.info("forgot %d delivered update ids older than %d days", updates, UPDATE_DAYS)
    if prompts:
        log.info("forgot %d reply prompts older than %d days", prompts, PROMPT_DAYS)
    service = IntakeService(engine, build_registry(settings))
    return BotCore(service, settings)


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    return stop


async def run_bot(core: BotCore, settings: Settings, runtime: Runtime, *, webhook: bool = False,
                  webhook_url: str | None = None, poll_timeout: int = 25) -> None:
    """getMe, command menu, daily delivery, then long polling (deleteWebhook first) or the webhook server."""
    io = runtime.io
    stop = stop_on_signals()
    daily: asyncio.Task[None] | None = None
    try:
        core.bot_username = await with_retries(lambda: io.call(runtime.connect), what="getMe")
        commands = core.menu()
        await with_retries(lambda: io.call(lambda: runtime.set_commands(commands)), what="setMyCommands")
        await runtime.start()
        await core.deliver(await asyncio.to_thread(core.placed_menus), io, update_id=0)  # each role's own menu
        await export_runs.tell_interrupted(core.service.db, io)  # exports a killed process left 正在生成…
        daily = daily_task.start(core, io)
        log.info("%s runtime started as @%s", runtime.name, core.bot_username)
        if not webhook:
            await with_retries(lambda: io.call(runtime.delete_webhook), what="deleteWebhook")
            await runtime.poll(stop, poll_timeout)
        else:
            secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
            if webhook_url:
                url = webhook_url
                await with_retries(lambda: io.call(lambda: runtime.set_webhook(url, secret)), what="setWebhook")
            await serve(webhook_app(path=settings.webhook_path, secret=secret, feed=runtime.feed),
                        host=settings.webhook_host, port=settings.webhook_port, stop=stop)
        await daily_task.stop(daily)
        await runtime.stop()
    finally:
        await daily_task.stop(daily)
        await asyncio.to_thread(core.live.flush)  # the live question rows kept since the last batch
        await runtime.close()
