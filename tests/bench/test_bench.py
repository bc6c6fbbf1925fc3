"""The bench runs end to end on tiny sizes (peers, stall, growth included), and refuses a rate whose answers
were not all kept, intake's or a peer's."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bench import growth, stall, throughput
from bench.peers import fsm_peer, sql_peers
from bench.report import Report
from tests.conftest import PG_ADMIN_URL, pg_available

PEERS = ("peer: aiogram + SQLite (WAL), commit per answer", "peer: aiogram + PostgreSQL (psycopg), commit per answer",
         "peer: aiogram FSM + RedisStorage", "peer: aiogram FSM + MemoryStorage (not durable)",
         "peer: PTB ConversationHandler + PicklePersistence, default flush (not durable per answer)",
         "peer: PTB ConversationHandler + PicklePersistence, flushed every update")


@pytest.fixture(autouse=True)
def _thaw() -> object:
    """The bench freezes the heap as `intake run` does; give the test session its collector back."""
    import gc

    yield
    gc.unfreeze()


def _redis_answers() -> bool:
    async def probe() -> bool:
        got = await fsm_peer.redis_storage("intake-bench-probe")
        if got is not None:
            await got[0].close()
        return got is not None

    return asyncio.run(probe())


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> Report:
    """One tiny throughput run, intake and every peer (PostgreSQL when a server answers)."""
    import gc

    report = Report(quick=True)
    throughput.run(report, tmp_path_factory.mktemp("bench"), updates=150,
                   pg_url=PG_ADMIN_URL if pg_available() else None)
    gc.unfreeze()
    return report


def test_the_throughput_bench_prints_intake_and_every_peer_with_the_ratio_goals(tiny_run: Report,
                                                                                tmp_path: Path) -> None:
    report = tiny_run
    by_name = {f.name: f for f in report.figures}
    for expected in ("bare aiogram echo (the framework's ceiling)", "intake via aiogram, SQLite",
                     "intake engine and replies, no storage (aiogram)", "intake via python-telegram-bot, SQLite",
                     "intake via aiogram, PostgreSQL", *PEERS):
        assert expected in by_name
    sqlite_ratio = by_name["intake via aiogram, SQLite: ratio to best durable peer (SQLite)"]
    peer = by_name[PEERS[0]].value
    assert peer > 0 and sqlite_ratio.goal == ">= 1.0"
    assert sqlite_ratio.value == pytest.approx(by_name["intake via aiogram, SQLite"].value / peer)
    assert sqlite_ratio.met == (sqlite_ratio.value >= 1.0)
    assert "ratio to best durable peer (PostgreSQL)" in " ".join(by_name)
    assert not any(f.goal == ">= 0.5" for f in report.figures)  # the echo goal is retired (issue 16)
    if pg_available():
        assert by_name[PEERS[1]].value > 0
        assert by_name["intake via aiogram, PostgreSQL: ratio to best durable peer (PostgreSQL)"].met is not None
    report.write(tmp_path / "results.json")
    saved = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert "ratio to best durable peer (SQLite)" in json.dumps(saved, ensure_ascii=False)


def test_the_redis_peer_is_measured_when_redis_answers(tiny_run: Report) -> None:
    if not _redis_answers():
        pytest.skip("no Redis on 127.0.0.1:6379: the bench prints 'skipped: no Redis' (checked below)")
    redis = next(f for f in tiny_run.figures if f.name == "peer: aiogram FSM + RedisStorage")
    assert redis.value > 0 and "appendonly" in redis.detail["redis"]


def test_without_redis_the_line_says_skipped_never_a_silent_pass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fsm_peer, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    report = Report(quick=True)
    throughput.run(report, tmp_path, updates=60, pg_url=None)
    redis = next(f for f in report.figures if f.name == "peer: aiogram FSM + RedisStorage")
    assert redis.goal == "skipped: no Redis" and redis.met is None
    ratio = next(f for f in report.figures if "(Redis)" in f.name)
    assert ratio.met is None and ratio.detail.get("skipped")


def test_a_run_that_lost_answers_is_not_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.telegram.core import BotCore

    async def drop_some(self, inc, io):  # noqa: ANN001 - a bot that quietly skips every tenth update
        if inc.update_id % 10 == 0:
            return
        await original(self, inc, io)

    original = BotCore.handle
    monkeypatch.setattr(BotCore, "handle", drop_some)
    with pytest.raises(RuntimeError, match="were applied"):
        throughput.run(Report(quick=True), tmp_path, updates=150, pg_url=None)


def test_a_peer_that_lost_answers_is_not_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = sql_peers.SqliteStore.answer
    seen = []

    async def forget_some(self, uid, text):  # noqa: ANN001 - a peer that replies but skips every tenth write
        seen.append(uid)
        if len(seen) % 10 == 0:
            return len(seen)
        return await original(self, uid, text)

    monkeypatch.setattr(sql_peers.SqliteStore, "answer", forget_some)
    with pytest.raises(RuntimeError, match="aiogram \\+ SQLite: .* answers missing"):
        throughput.run(Report(quick=True), tmp_path, updates=150, pg_url=None)


def test_the_stall_figures_time_read_only_replies_and_count_the_answers_given(tmp_path: Path) -> None:
    report = Report(quick=True)
    stall.stalled(report, tmp_path, hold=0.6, users=4)
    p99, stored = report.figures
    assert p99.goal == "< 100 ms" and p99.met == (p99.value < 100) and p99.detail["reads"] >= 5
    assert stored.detail["given"] > 0 and stored.met == (stored.value == stored.detail["given"])
    assert stored.met  # a stall delays answers; it must not lose them


def test_the_growth_figures_say_where_throughput_bends(tmp_path: Path) -> None:
    report = Report(quick=True)
    growth.concurrency(report, tmp_path, sizes=(3, 12), updates=40, quick=True)
    growth.archive(report, tmp_path, households=(0, 60), updates=40, quick=True)
    names = [f.name for f in report.figures]
    assert "growth: 12 concurrent interviews (aiogram, SQLite)" in names
    assert "growth: 60 households already in the database (aiogram, SQLite)" in names
    verdicts = [n for n in names if n.startswith("growth with")]
    assert len(verdicts) == 2 and all(("bends at" in n or "no bend" in n) and "--quick" in n for n in verdicts)


def test_the_bend_is_the_first_size_below_four_fifths_of_the_smallest() -> None:
    assert growth._bend({10: 1000.0, 100: 900.0, 1000: 700.0}, "interviews").startswith("bends at 1,000 interviews")
    assert growth._bend({0: 1000.0, 100000: 950.0}, "households").startswith("no bend up to 100,000")
