"""Two `intake run --webhook` workers on one PostgreSQL database, updates of the same people arriving at
both (some at both at once, some again later): no answer lost or applied twice, each person's order kept."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import traceback
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

from bench.households import plan
from storage.db import make_engine
from storage.migrate import current_revision, head_revision
from tests.e2e.conftest import REPO, our_errors
from tests.e2e.fake_bot_api import Call, TgUser
from tests.reliability.outcome import check_outcome, references
from tests.reliability.people import (
    MAX_QUESTIONS, Move, Sig, buttons_of, decide, is_prompt, signature, text_of,
)
from tests.reliability.standin import Bot, StandInAPI

USERS = 8


def post(url: str, secret: str, update: dict[str, Any]) -> int:
    """Deliver one update the way Telegram does; the HTTP status (200 once it has been processed)."""
    req = urllib.request.Request(url, data=json.dumps(update).encode(), method="POST", headers={
        "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


@dataclass
class HookUser:
    """A worker whose updates Telegram delivers by webhook, alternately to two bot workers.

    About one update in five goes to both workers at the same moment; now and then an update
    answered long ago is delivered again to the other worker (a Telegram retry after a timeout).
    """

    api: StandInAPI
    user: TgUser
    plan: dict[str, Any]
    urls: list[str]
    secret: str
    rng: random.Random
    pool: ThreadPoolExecutor
    sigs: list[Sig] = field(default_factory=list)
    answered: list[tuple[int, Move, Sig]] = field(default_factory=list)
    sent: list[int] = field(default_factory=list)
    both: int = 0
    stale: int = 0
    error: str | None = None

    @property
    def chat(self) -> int:
        """Their private chat."""
        return self.user.id

    def run(self) -> None:
        """Fill the whole interview."""
        try:
            turn = self.rng.randrange(2)
            prompt = self.exchange(lambda: self.api.user_sends_text(self.user, "/start"), turn)
            while True:
                sig = signature(text_of(prompt), buttons_of(prompt))
                self.sigs.append(sig)
                if sig == ("submitted",) or len(self.sigs) > MAX_QUESTIONS:
                    return
                move = decide(text_of(prompt), buttons_of(prompt), self.plan)
                turn += 1
                shown = prompt
                if move.kind == "text":
                    prompt = self.exchange(lambda: self.api.user_sends_text(self.user, move.value), turn)
                else:
                    prompt = self.exchange(lambda: self.api.user_presses(self.user, move.value,
                                                                         message=shown.result), turn)
                self.answered.append((self.sent[-1], move, sig))
        except BaseException:  # noqa: BLE001 - reported by the test
            self.error = traceback.format_exc()

    def exchange(self, make: Callable[[], int], turn: int) -> Call:
        """Deliver a new update (to one worker or both) and return the question it brought."""
        since = self.api.mark()
        uid = make()  # numbered and kept by the stand-in server (holding), delivered here by POST
        self.sent.append(uid)
        update = self.api.sent_updates[uid]
        targets = [0, 1] if self.rng.random() < 0.2 else [turn % 2]
        self.both += len(targets) == 2
        statuses = list(self.pool.map(lambda k: post(self.urls[k], self.secret, update), targets))
        assert statuses == [200] * len(targets), statuses
        prompt = self.api.wait_call(lambda c: is_prompt(c, self.chat), since=since, timeout=10)
        assert prompt is not None, f"no question after update {uid}"
        if len(self.sent) > 2 and self.rng.random() < 0.15:
            old = self.api.sent_updates[self.rng.choice(self.sent[:-1])]
            assert post(self.urls[(turn + 1) % 2], self.secret, old) == 200
            self.stale += 1
        return prompt


def _start_together(bots: list[Bot]) -> None:
    """Start the workers at the same moment (both bring the empty database's schema up to date)."""
    errors: list[BaseException] = []

    def start(b: Bot) -> None:
        try:
            b.start(webhook=True)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(b,)) for b in bots]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    if errors:
        raise errors[0]


@pytest.mark.slow
@pytest.mark.pg
def test_two_webhook_workers_share_postgresql_without_losing_or_doubling(pg_url: str, tmp_path: Path) -> None:
    plans = [plan(300 + i) for i in range(USERS)]
    expected = references(plans)
    api = StandInAPI().start()
    api.holding = True  # nobody polls: updates are numbered and kept, and delivered by POST here
    workers = [Bot("aiogram", tmp_path / "a", db_url=pg_url, api=api),
               Bot("ptb", tmp_path / "b", db_url=pg_url, api=api)]
    engine = make_engine(pg_url)
    try:
        _start_together(workers)
        urls = [f"http://127.0.0.1:{w.webhook_port}/tg/hook" for w in workers]
        rng = random.Random(11)
        with ThreadPoolExecutor(max_workers=2 * USERS) as pool:
            people = [HookUser(api, TgUser(730_001 + i, p["name"]), p, urls, workers[0].secret,
                               random.Random(rng.random()), pool) for i, p in enumerate(plans)]
            threads = [threading.Thread(target=h.run, daemon=True) for h in people]
            for th in threads:
                th.start()
            for th in threads:
                th.join(180)
        assert not any(th.is_alive() for th in threads), "a person is still waiting"
        failed = [h.error for h in people if h.error]
        assert not failed, failed[0]
        codes = [w.stop() for w in workers]
        logs = [w.log() for w in workers]

        print(f"\n{USERS} people, {sum(len(h.sent) for h in people)} updates, {sum(h.both for h in people)} "
              f"delivered to both workers at once, {sum(h.stale for h in people)} old ones delivered again")
        assert sum(h.both for h in people) > 40 and sum(h.stale for h in people) > 20
        for w, code, log in zip(workers, codes, logs):
            assert code in (0, None, -signal.SIGTERM), log[-3000:]
            assert not our_errors(log), our_errors(log)[:5]
        problems = [p for h, ref in zip(people, expected) for p in check_outcome(engine, h, ref)]
        assert not problems, "\n".join(problems[:20])
        for h in people:  # one question per update: anything applied twice would have shown one more
            questions = [c for c in api.calls if is_prompt(c, h.chat)]
            assert len(questions) == len(set(h.sent)), h.user.id
    finally:
        for w in workers:
            w.close()
        engine.dispose()
        api.stop()


@pytest.mark.pg
def test_workers_started_together_on_an_empty_database_all_come_up(pg_url: str) -> None:
    """Every worker upgrades the schema as it starts (`intake run`, `intake db upgrade`): at once, they queue."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "DATABASE_URL": pg_url}
    procs = [subprocess.Popen([sys.executable, "-m", "bot.cli", "db", "upgrade"], env=env, cwd=REPO,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(6)]
    outputs = [(p.wait(60), p.stdout.read().decode(errors="replace") if p.stdout else "") for p in procs]
    for code, out in outputs:
        assert code == 0, out[-3000:]
    engine = make_engine(pg_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
