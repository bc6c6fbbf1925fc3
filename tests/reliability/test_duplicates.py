"""The stand-in server delivers updates twice, out of order and again after the bot's offset goes back:
each update is applied exactly once and the answers come out right."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from bench.households import plan
from storage.models import ProcessedUpdate
from tests.e2e.conftest import RUNTIMES, running
from tests.e2e.fake_bot_api import TgUser
from tests.reliability.outcome import check_outcome, interviews_of, journal_of, references
from tests.reliability.people import SUBMITTED, Worker, buttons_of, run_workers, signature, text_of
from tests.reliability.standin import Bot


@pytest.fixture(scope="module", params=RUNTIMES)
def bot(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    """One bot process per runtime for this module."""
    with running(Bot(request.param, tmp_path_factory.mktemp(f"dup-{request.param}"))) as proc:
        yield proc


def _questions(bot: Bot, chat: int, since: int) -> list[tuple[str, ...]]:
    """The questions (prompts) the bot sent to a chat since a call index."""
    with bot.api.lock:
        calls = [c for c in bot.api.calls[since:] if c.chat_id == chat and c.status == 200
                 and c.method in ("sendMessage", "editMessageText") and (buttons_of(c) or SUBMITTED in text_of(c))]
    return [signature(text_of(c), buttons_of(c)) for c in calls]


def _journal(bot: Bot, tg_id: int) -> list[tuple[str, str, object]]:
    with Session(bot.db) as s:
        (iv,) = interviews_of(s, tg_id)
        return journal_of(s, iv.id or 0)


def test_out_of_order_repeated_and_rewound_batches_apply_each_update_once(bot: Bot) -> None:
    api = bot.api
    base = 720_000 + 100 * RUNTIMES.index(bot.runtime)
    a, b, c = (TgUser(base + k, n) for k, n in ((1, "甲"), (2, "乙"), (3, "丙")))
    for person in (a, b, c):
        since = api.mark()
        api.user_sends_text(person, "/start")
        assert api.wait_call(lambda call, p=person: call.chat_id == p.id and _questions(bot, p.id, call.n),
                             since=since, timeout=20) is not None
    since = api.mark()
    api.holding = True  # numbered now, delivered only as scripted below
    try:
        u1 = api.user_sends_text(a, "甲一")  # A: 姓名
        u2 = api.user_sends_text(b, "乙二")  # B: 姓名
        u3 = api.user_sends_text(c, "丙三")  # C: 姓名
        u4 = api.user_sends_text(a, "汉族")  # A: 民族
        u5 = api.user_sends_text(b, "回族")  # B: 民族
    finally:
        api.holding = False

    # u2 before u1, u2 twice in one batch; the bot then confirms offset u2+1, so u3 comes again.
    api.script([u2, u1, u3, u2])
    assert api.wait_until(lambda: all(len(_questions(bot, p.id, since)) == 1 for p in (a, b, c)), timeout=20)
    # u5 before u4 and the stale u1 last: the bot's offset goes back to u1+1, so u4 and u5 come again.
    api.script([u5, u4, u1])
    assert api.wait_until(lambda: all(len(_questions(bot, p.id, since)) == 2 for p in (a, b)), timeout=20)
    assert api.wait_until(lambda: all(api.acked(u) is not None for u in (u1, u2, u3, u4, u5)), timeout=20)
    api.wait_idle(quiet=0.6)

    assert {u: api.times_delivered(u) for u in (u1, u2, u3, u4, u5)} == {u1: 2, u2: 2, u3: 2, u4: 2, u5: 2}
    assert any(later < earlier for earlier, later in zip(api.offsets, api.offsets[1:])), "no offset rewind"
    assert _questions(bot, a.id, since) == [("ask", "ethnicity"), ("ask", "political_status")]
    assert _questions(bot, b.id, since) == [("ask", "ethnicity"), ("ask", "political_status")]
    assert _questions(bot, c.id, since) == [("ask", "ethnicity")]
    assert _journal(bot, a.id) == [("name", "set", "甲一"), ("ethnicity", "set", "汉族")]
    assert _journal(bot, b.id) == [("name", "set", "乙二"), ("ethnicity", "set", "回族")]
    assert _journal(bot, c.id) == [("name", "set", "丙三")]
    with Session(bot.db) as s:
        assert all(s.get(ProcessedUpdate, u) is not None for u in (u1, u2, u3, u4, u5))


def test_whole_interviews_with_old_updates_delivered_again_come_out_right(bot: Bot) -> None:
    """After each answer some earlier update (the last one or an older one) is delivered again."""
    api = bot.api
    rng = random.Random(7)
    base = 721_000 + 100 * RUNTIMES.index(bot.runtime)
    plans = [plan(200 + i) for i in range(4)]
    expected = references(plans)
    workers: list[Worker] = []

    def echo(worker_index: int):  # noqa: ANN202
        def again(uid: int) -> None:
            w = workers[worker_index]
            if rng.random() < 0.6:
                api.redeliver(uid if rng.random() < 0.5 else rng.choice(w.sent))
        return again

    workers.extend(Worker(api, TgUser(base + i, p["name"]), p, db=bot.db, on_answered=echo(i))
                   for i, p in enumerate(plans))
    since = api.mark()
    run_workers(workers, timeout=120)
    api.wait_idle(quiet=0.6)

    redelivered = [u for w in workers for u in w.sent if api.times_delivered(u) > 1]
    assert len(redelivered) > 60, "too few redeliveries to mean anything"
    for w, ref in zip(workers, expected):
        assert check_outcome(bot.db, w, ref) == []
        assert w.resyncs == 1, "a duplicate disturbed the conversation"
        # one question per distinct update: a duplicate applied again would show one more
        assert len(_questions(bot, w.chat, since)) == len(set(w.sent))
