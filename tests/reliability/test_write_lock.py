"""Another process holds SQLite's write lock for ~10 s (a DB browser, a backup): the real bot keeps
answering /help and other people's read-only buttons at once, tells the person whose answer waits that
saving is delayed, and stores that answer once the lock is released — nothing acknowledged is lost."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session

from flows.catalog import t
from tests.e2e.conftest import ADMIN_ID, RUNTIMES, running
from tests.e2e.fake_bot_api import TgUser
from tests.reliability.outcome import interviews_of
from tests.reliability.people import buttons_of, text_of
from tests.reliability.standin import Bot

HOLD = 10.0  # seconds the other process keeps the write lock
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
print("released", flush=True)
"""


def _replied(bot: Bot, chat: int, since: int, *, timeout: float, what: str = "") -> float:
    """Seconds until the bot's next successful call to this chat (containing ``what``, when given)."""
    start = time.monotonic()
    call = bot.api.wait_call(lambda c: c.chat_id == chat and c.status == 200 and c.method != "getUpdates"
                             and what in text_of(c), since=since, timeout=timeout)
    assert call is not None, f"no reply to {chat} containing {what!r} within {timeout} s"
    return time.monotonic() - start


@pytest.mark.slow
@pytest.mark.parametrize("runtime", RUNTIMES)
def test_a_held_write_lock_delays_only_the_answer_waiting_to_be_written(runtime: str, tmp_path: Path) -> None:
    with running(Bot(runtime, tmp_path)) as bot:
        api = bot.api
        worker, admin = TgUser(730_001, "王建国"), TgUser(ADMIN_ID, "管理员")
        since = api.mark()
        api.user_sends_text(worker, "/start")  # known to the bot, and in the middle of an interview
        api.wait_for(lambda c: c.chat_id == worker.id and bool(buttons_of(c)) or "姓名" in text_of(c),
                     since=since)
        since = api.mark()
        api.user_sends_text(admin, "/export")  # the admin's kinds menu: its buttons only read
        api.wait_for(lambda c: c.chat_id == admin.id and bool(buttons_of(c)), since=since)
        kinds = api.keyboard_message(admin.id)
        api.wait_idle()

        holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path / "intake.db"), str(HOLD)],
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
            locked_at = time.monotonic()

            answer_mark = api.mark()
            api.user_sends_text(worker, "王建国")  # the answer to 姓名: waits for the lock

            help_mark = api.mark()
            api.user_sends_text(admin, "/help")
            help_took = _replied(bot, admin.id, help_mark, timeout=5)

            press_mark = api.mark()
            first_kind = kinds["reply_markup"]["inline_keyboard"][0][0]["text"]
            api.user_presses(admin, first_kind, message=kinds)
            press_took = _replied(bot, admin.id, press_mark, timeout=5)

            notice = t("tg.saving_delayed")
            _replied(bot, worker.id, answer_mark, timeout=HOLD - 2, what=notice)
            noticed_after = time.monotonic() - locked_at
            assert holder.poll() is None, "the lock was released before the bot said saving is delayed"

            with api.lock:
                early = [text_of(c) for c in api.calls[answer_mark:] if c.chat_id == worker.id
                         and c.method in ("sendMessage", "editMessageText") and notice not in text_of(c)]
            assert not early, f"the waiting answer was acknowledged before it was written: {early}"
            with Session(bot.db) as s:
                (iv,) = interviews_of(s, worker.id)
                assert "name" not in (iv.state.get("answers") or {})  # still waiting for the lock
        finally:
            holder.wait(HOLD + 20)

        # once the lock is gone, the answer is written and the next question comes
        api.wait_for(lambda c: c.chat_id == worker.id and c.method == "sendMessage"
                     and notice not in text_of(c), since=answer_mark, timeout=40)
        with Session(bot.db) as s:
            (iv,) = interviews_of(s, worker.id)
            assert iv.state["answers"]["name"] == "王建国"
        print(f"\n{runtime}: /help in {help_took:.3f} s, read-only button in {press_took:.3f} s, "
              f"saving notice after {noticed_after:.1f} s of a {HOLD:.0f} s lock")
        assert help_took < 1.0 and press_took < 1.0
        assert 1.0 < noticed_after < HOLD
