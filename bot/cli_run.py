"""`intake run`: start the Telegram bot (aiogram or python-telegram-bot; long polling or webhook)."""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import re
import sys

from flows.catalog import t
from bot.settings import SettingsError, load_settings

log = logging.getLogger("intake.run")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as secret_token
RUNTIMES = {"aiogram": "bot.telegram.aiogram_runtime", "ptb": "bot.telegram.ptb_runtime"}


class TokenFilter(logging.Filter):
    """Keeps the bot token out of every log line (URLs in library errors contain it)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg = message.replace(self.token, "<token>")
            record.args = None
        return True


def cmd_run(args: argparse.Namespace) -> int:
    """Check the settings, bring the schema up to date, then run the chosen runtime until stopped."""
    from bot import heap
    from bot.telegram.startup import PollingConflict, open_core

    settings = load_settings()
    token = settings.require_token()
    if args.webhook:
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else ""
        if not _SECRET_RE.match(secret):
            raise SettingsError("INTAKE_WEBHOOK_SECRET 未设置或格式不对：webhook 模式必须设置一个随机密钥"
                                "（1–256 个字母、数字、_ 或 -），如 INTAKE_WEBHOOK_SECRET=k3J9x_7QmZ")
    for handler in logging.getLogger().handlers:
        handler.addFilter(TokenFilter(token))
    core = open_core(settings)  # the start-up both runtimes share (bot.telegram.startup)
    engine = core.service.db
    runtime = importlib.import_module(RUNTIMES[args.runtime])
    heap.settle()
    log.info("starting the %s runtime (%s) against %s", args.runtime, "webhook" if args.webhook else "long polling",
             settings.telegram_api_url)
    try:
        asyncio.run(runtime.run(core, settings, token, webhook=args.webhook, webhook_url=args.webhook_url,
                                poll_timeout=args.poll_timeout))
    except PollingConflict:
        log.error("getUpdates: 409 Conflict, another process polls this token; exiting")
        print(t("cli.polling_conflict"), file=sys.stderr)
        return 3
    finally:
        engine.dispose()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `intake run`."""
    p = sub.add_parser("run", help="start the Telegram bot (long polling, or --webhook)",
                       description="Run the bot against TELEGRAM_API_URL with the database at DATABASE_URL.")
    p.add_argument("--runtime", choices=sorted(RUNTIMES), default="aiogram",
                   help="bot framework: aiogram (default) or ptb (python-telegram-bot)")
    p.add_argument("--webhook", action="store_true",
                   help="serve webhook updates on INTAKE_WEBHOOK_HOST:INTAKE_WEBHOOK_PORT INTAKE_WEBHOOK_PATH")
    p.add_argument("--webhook-url", default=None,
                   help="public https URL to register with setWebhook (omit when it is registered already)")
    p.add_argument("--poll-timeout", type=int, default=25, help="long-polling timeout in seconds (default 25)")
    p.set_defaults(func=cmd_run)
