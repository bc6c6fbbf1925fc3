"""A forward clock jump once marked a future day delivered: the daily delivery must not stop until then."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from bot.service import IntakeService
from bot.telegram.daily_task import check_once
from exports.daily import JOB, last_run
from storage.models import JobRun, User

TZ = "Asia/Shanghai"


def test_a_future_last_run_is_set_back_and_today_is_delivered(service: IntakeService, tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    now = datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo(TZ))
    jumped = now.date() + timedelta(days=200)  # the day the clock said when the delivery last ran
    with Session(service.db) as s:
        s.add(JobRun(name=JOB, last_run=jumped.isoformat()))
        s.add(JobRun(name=f"{JOB}:user:1", last_run=jumped.isoformat()))
        s.commit()
    sent: list[tuple[User, Path, str]] = []
    core = SimpleNamespace(service=service)
    with caplog.at_level(logging.WARNING, logger="bot.telegram.daily_task"):
        check_once(core, lambda u, p, c: sent.append((u, p, c)), at="08:00", tz=TZ, now=now)  # type: ignore[arg-type]
    assert last_run(service.db) == now.date()  # today's delivery ran (no staff here: nothing to send)
    with Session(service.db) as s:
        mark = s.get(JobRun, f"{JOB}:user:1")
        assert mark is not None and mark.last_run < now.date().isoformat()
    assert "clock had jumped ahead" in caplog.text and jumped.isoformat() in caplog.text


def test_a_mark_of_today_is_left_alone(service: IntakeService) -> None:
    now = datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo(TZ))
    with Session(service.db) as s:
        s.add(JobRun(name=JOB, last_run=now.date().isoformat()))
        s.commit()
    assert check_once(SimpleNamespace(service=service), lambda *a: None, at="08:00", tz=TZ,  # type: ignore[arg-type]
                      now=now) == 0
    assert last_run(service.db) == now.date()
