"""Two processes polling one token: Telegram answers getUpdates with 409 Conflict. The bot says so in one
clear line and exits, instead of repeating the library's message forever."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.catalog import t
from tests.e2e.conftest import RUNTIMES
from tests.reliability.standin import Bot


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_a_409_conflict_on_get_updates_ends_the_bot_with_one_clear_message(runtime: str, tmp_path: Path) -> None:
    bot = Bot(runtime, tmp_path)
    bot.api.fail_next("getUpdates", times=10_000, status=409)  # the other poller never goes away
    try:
        with pytest.raises(AssertionError, match="bot exited with 3"):
            bot.start()
        log = bot.log()
    finally:
        bot.close()
    assert log.count(t("cli.polling_conflict")) == 1, log[-3000:]
    with bot.api.lock:
        polls = [c for c in bot.api.calls if c.method == "getUpdates"]
    assert 1 <= len(polls) <= 3, f"{len(polls)} getUpdates calls after the first 409"
