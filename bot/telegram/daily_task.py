"""The daily delivery inside the running bot (both runtimes): wake every ~30 s, and when exports.daily says a
day is owed, send each staff member their unit's ledger and 附件2 table as documents.

exports.daily decides and remembers (JobRun): a restart neither skips nor repeats a day.
"""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
import threading
import traceback
from contextlib import suppress
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.telegram.actions import BotIO, SendDocument
from bot.telegram.delivery import with_retries
from bot.telegram.desk import DeskContext
from bot.telegram.exports_desk import file_name
from exports.daily import JOB, Send, due, last_run, run_daily
from flows.catalog import t
from storage.models import JobRun, User
from storage.steps import describe

log = logging.getLogger(__name__)
CHECK_EVERY = 30.0  # seconds between checks; the delivery happens within this of INTAKE_DAILY_EXPORT_AT
SEND_TIMEOUT = 600.0  # one document, its retries included
_DAILY_FILE = re.compile(r"^(\d{4})(\d{2})(\d{2})_\d+_(ledger|stats)\.xlsx$")  # exports.daily's file names


class DeliveryStopped(BaseException):
    """The bot is stopping: leave run_daily at once (it catches Exception), so the day stays owed.

    Recipients already served keep their own mark; the rest get the day after the restart.
    """


def start(core: DeskContext, io: BotIO) -> asyncio.Task[None] | None:
    """Start the delivery task when INTAKE_DAILY_EXPORT_AT is set (None otherwise)."""
    if not core.settings.daily_export_at:
        return None
    return asyncio.create_task(daily_loop(core, io), name="intake-daily-export")


async def stop(task: asyncio.Task[None] | None) -> None:
    """Cancel the task; a delivery already running in its thread finishes by itself."""
    if task is None:
        return
    task.cancel()
    with suppress(asyncio.CancelledError):
        await task


async def daily_loop(core: DeskContext, io: BotIO, *, every: float = CHECK_EVERY) -> None:
    """Check at once, then every ``every`` seconds, until cancelled; a failed check is logged and tried again."""
    at, tz = core.settings.daily_export_at or "", core.settings.timezone
    stopping = threading.Event()
    send = thread_sender(asyncio.get_running_loop(), io, stopping)
    log.info("daily delivery at %s (%s), checked every %.0f s", at, tz, every)
    first = True
    while True:
        try:
            sent = await asyncio.to_thread(check_once, core, send, at=at, tz=tz)
            if sent:
                log.info("daily delivery: %d files sent", sent)
        except asyncio.CancelledError:
            stopping.set()
            raise
        except Exception as exc:  # the next check tries again; frames only (messages can carry personal data)
            log.error("daily delivery check failed: %s\n%s", describe(exc),
                      "".join(traceback.format_tb(exc.__traceback__)))
        if first:
            first = False
            log.info("daily delivery: first check done (last day delivered: %s)",
                     await asyncio.to_thread(last_run, core.service.db))
        await asyncio.sleep(every)


def check_once(core: DeskContext, send: Send, *, at: str, tz: str, now: datetime | None = None) -> int:
    """Deliver what is owed at ``now`` (blocking; files in a temp dir deleted afterwards); how many files."""
    now = now or datetime.now(ZoneInfo(tz))
    engine = core.service.db
    forget_future_days(engine, now, tz)
    if not due(now, last_run(engine), at=at, tz=tz):
        return 0
    with tempfile.TemporaryDirectory(prefix="intake-daily-") as tmp:
        return len(run_daily(engine, core.service.registry, now, send, at=at, tz=tz, out_dir=tmp))


def forget_future_days(engine: Engine, now: datetime, tz: str) -> int:
    """Days marked delivered after today (the clock had jumped ahead, then back) are owed again, said loudly.

    Without this a stored future ``last_run`` stops the delivery silently until that date comes.
    Each such mark is set back to yesterday, so today is delivered; how many marks were set back.
    """
    today = now.astimezone(ZoneInfo(tz)).date()
    with Session(engine) as s:
        rows = s.exec(select(JobRun).where((col(JobRun.name) == JOB) | col(JobRun.name).startswith(f"{JOB}:"))).all()
        future = [r for r in rows if r.last_run and r.last_run > today.isoformat()]
        for row in future:
            log.warning("daily delivery: %s is marked done up to %s, after today (%s): the clock had jumped "
                        "ahead; delivering again from today", row.name, row.last_run, today)
            row.last_run = (today - timedelta(days=1)).isoformat()
            row.note = f"set back from a future date on {today}"
            s.add(row)
        if future:
            s.commit()
    return len(future)


def thread_sender(loop: asyncio.AbstractEventLoop, io: BotIO, stopping: threading.Event | None = None) -> Send:
    """A ``send`` for run_daily's thread: the upload runs on the bot's loop (with retries); failures raise."""

    def send(user: User, path: Path, caption: str) -> None:
        if stopping is not None and stopping.is_set():
            raise DeliveryStopped
        if not user.tg_id:
            log.warning("daily delivery: user %s has no Telegram id; file not sent", user.id)
            return
        doc = SendDocument(user.tg_id, display_name(user, path), path.read_bytes(), caption)
        try:
            asyncio.run_coroutine_threadsafe(with_retries(lambda: io.perform(doc), what="daily sendDocument"),
                                             loop).result(SEND_TIMEOUT)
        except Exception as exc:
            if stopping is not None and stopping.is_set():
                raise DeliveryStopped from exc
            raise

    return send


def display_name(user: User, path: Path) -> str:
    """电子台账_东宝区总工会_2026-11-29.xlsx rather than the working file's name."""
    m = _DAILY_FILE.match(path.name)
    if m is None:
        return path.name
    kind = t("rec.export.file.xlsx" if m.group(4) == "ledger" else "rec.export.file.stats")
    return file_name(f"{kind}_{user.unit or ''}_{m.group(1)}-{m.group(2)}-{m.group(3)}") + ".xlsx"
