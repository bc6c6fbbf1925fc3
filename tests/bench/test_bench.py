"""The throughput benchmark runs end to end on tiny sizes, and refuses a rate whose answers were not all kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import throughput
from bench.report import Report


@pytest.fixture(autouse=True)
def _thaw() -> object:
    """The bench freezes the heap as `intake run` does; give the test session its collector back."""
    import gc

    yield
    gc.unfreeze()


def test_the_throughput_bench_prints_every_figure_with_its_goal(tmp_path: Path) -> None:
    report = Report(quick=True)
    throughput.run(report, tmp_path, updates=150, pg_url=None)
    names = [f.name for f in report.figures]
    for expected in ("bare aiogram echo", "intake via aiogram, SQLite", "throughput ratio (aiogram, SQLite)",
                     "ratio without any storage (aiogram): the ceiling", "throughput ratio (ptb, SQLite)",
                     "throughput ratio (aiogram, SQLite, one at a time)"):
        assert expected in names
    goal = next(f for f in report.figures if f.name == "throughput ratio (aiogram, SQLite)")
    assert goal.goal == ">= 0.5" and goal.met == (goal.value >= 0.5) and goal.value > 0
    report.write(tmp_path / "results.json")
    saved = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert "throughput ratio (aiogram, SQLite)" in json.dumps(saved, ensure_ascii=False)


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
