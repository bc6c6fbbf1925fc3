"""kill -9 at random points during many interviews: nothing acknowledged is lost, nothing applied twice,
and every interview carries on at the right question after each restart."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.households import plan
from tests.e2e.conftest import our_errors
from tests.e2e.fake_bot_api import TgUser
from tests.reliability.outcome import check_outcome, references
from tests.reliability.people import Worker, run_workers
from tests.reliability.standin import Bot

SEED = int(os.environ.get("INTAKE_RELIABILITY_SEED", "20261129"))
FULL = os.environ.get("INTAKE_RELIABILITY_FULL") == "1"


@dataclass(frozen=True)
class Chaos:
    """How many interviews run at once and how many delivered updates pass between two kills."""

    runtime: str
    interviews: int
    every: tuple[int, int]


# aiogram needs ~2.7 s to start (importing aiogram.types builds its pydantic models), python-telegram-bot
# ~0.8 s: aiogram is killed every 40-100 delivered updates (about 27 restarts) so that `make test` stays
# short; INTAKE_RELIABILITY_FULL=1 kills it every 15-40 too (about 65 restarts, three minutes).
CASES = [Chaos("aiogram", 30, (15, 40) if FULL else (40, 100)), Chaos("ptb", 30 if FULL else 12, (15, 40))]


class KillSwitch(threading.Thread):
    """Kills the bot with SIGKILL after a random number of delivered updates, restarts it, again and again."""

    def __init__(self, bot: Bot, rng: random.Random, every: tuple[int, int]) -> None:
        super().__init__(name="kill-switch", daemon=True)
        self.bot, self.rng, self.every = bot, rng, every
        self.stopping = threading.Event()
        self.kills = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        api = self.bot.api
        try:
            while not self.stopping.is_set():
                due = api.deliveries + self.rng.randint(*self.every)
                while not api.wait_until(lambda: api.deliveries >= due or self.stopping.is_set(), timeout=1.0):
                    pass
                if self.stopping.is_set():
                    return
                time.sleep(self.rng.uniform(0, 0.03))  # somewhere in the middle of handling the last ones
                self.bot.kill()
                api.kills.append(time.monotonic())  # after it is dead: anything it confirmed is its own
                self.kills += 1
                self.bot.start()
        except BaseException as exc:  # noqa: BLE001 - re-raised by the test
            self.error = exc

    def stop(self) -> None:
        """No more kills; wait for a restart in progress to finish."""
        self.stopping.set()
        self.join(60)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.runtime for c in CASES])
def test_sigkill_at_random_points_loses_nothing_acknowledged(case: Chaos, tmp_path: Path) -> None:
    plans = [plan(i) for i in range(case.interviews)]
    assert len({p["id_number"] for p in plans}) == len(plans)
    expected = references(plans)
    bot = Bot(case.runtime, tmp_path)
    bot.start()
    workers = [Worker(bot.api, TgUser(710_001 + i, p["name"]), p, db=bot.db) for i, p in enumerate(plans)]
    switch = KillSwitch(bot, random.Random(SEED), case.every)
    switch.start()
    try:
        run_workers(workers, timeout=240)
    finally:
        switch.stop()
        code = bot.stop()
        log = bot.log()
        bot.close()
    assert switch.error is None, switch.error
    assert code in (0, None, -signal.SIGTERM), log[-3000:]

    redelivered = [u for u, n in bot.api.delivered.items() if n > 1]
    print(f"\n{case.runtime}: seed {SEED}, {case.interviews} interviews, {switch.kills} kills, "
          f"{bot.api.deliveries} deliveries, {len(redelivered)} updates redelivered after a kill, "
          f"{sum(w.resyncs - 1 for w in workers)} times a worker had to send /start again, "
          f"{log.count('already applied; not applied again')} redeliveries found already applied")
    assert switch.kills >= 8, "too few kills to mean anything"
    assert redelivered, "no kill ever caught an update in flight"
    assert any(w.resyncs > 1 for w in workers), "no kill ever lost a reply"

    problems = [p for w, ref in zip(workers, expected) for p in check_outcome(bot.db, w, ref)]
    assert not problems, "\n".join(problems[:20])
    assert not our_errors(log), our_errors(log)[:5]
