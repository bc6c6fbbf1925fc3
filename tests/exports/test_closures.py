"""The 脱困档案库 says when, why and by whom a household left, and its whole 脱困 / 返贫 history; the daily
delivery brings that day's 脱困 (which left the ledger) in that layout."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any
from unittest import mock

import openpyxl
from sqlalchemy.engine import Engine

from bot import followups
from bot.service import IntakeService
from exports.daily import run_daily
from exports.query import Filters
from exports.service import run_export
from storage import households as store
from tests.support.factory import TZ, UNIT, load, make_team
from tests.support.household import approved


def _table(path: Path) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def test_the_closed_archive_has_date_reason_who_and_the_reopen_history(service: IntakeService, tmp_path: Path) -> None:
    team = make_team(service)
    with service.session() as s:
        staff = s.merge(team["staff"])
        staff.registered_name = "李干事"
        s.add(staff)
        s.commit()
    hid = approved(service, team["surveyor"], team["staff"])
    followups.close(service, user=team["staff"], household_id=hid, on=date(2026, 10, 8), reason="就业增收")
    followups.reopen(service, user=team["admin"], household_id=hid, reason="再次失业", on=date(2026, 11, 2))
    followups.close(service, user=team["staff"], household_id=hid, on=date(2026, 11, 20), reason="子女毕业就业")
    out = tmp_path / "closed.xlsx"
    result = run_export(service.db, fmt="xlsx", out=out, filters=Filters(status="closed"), actor_id=None,
                        registry=service.registry)
    assert result.rows == 1
    (row,) = _table(out)
    assert row["脱困日期"] == datetime(2026, 11, 20) and row["脱困原因"] == "子女毕业就业" and row["办理人"] == "李干事"
    admin = team["admin"].registered_name or team["admin"].name
    assert row["脱困/返贫记录"] == (f"2026-10-08 脱困：就业增收（李干事）\n2026-11-02 返贫：再次失业（{admin}）\n"
                                 "2026-11-20 脱困：子女毕业就业（李干事）")
    ledger = tmp_path / "ledger.xlsx"
    run_export(service.db, fmt="xlsx", out=ledger, filters=Filters(), actor_id=None, registry=service.registry)
    assert "脱困日期" not in openpyxl.load_workbook(ledger).worksheets[0][1][0].value, "only the 脱困档案库 has them"


def test_the_daily_delivery_brings_that_days_closures(service: IntakeService, tmp_path: Path) -> None:
    team = make_team(service)
    staff = team["staff"]
    with service.session() as s:
        staff = s.merge(staff)
        staff.tg_id = 4242
        s.add(staff)
        s.commit()
    with mock.patch.object(store, "utcnow", lambda: datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)):
        hid = approved(service, team["surveyor"], team["staff"])
    day_after = datetime(2026, 11, 21, 3, 0, tzinfo=timezone.utc)
    with mock.patch.object(store, "utcnow", lambda: day_after):
        followups.close(service, user=team["staff"], household_id=hid, on=date(2026, 11, 21), reason="就业增收")
    sent: list[tuple[Path, str]] = []
    engine: Engine = service.db
    run_daily(engine, service.registry, datetime(2026, 11, 21, 18, 5, tzinfo=TZ),
              lambda user, path, caption: sent.append((path, caption)), at="18:00", out_dir=tmp_path)
    captions = [c for _, c in sent]
    assert any("办理脱困的家庭" in c and "1 户" in c for c in captions), captions
    closed = next(p for p, c in sent if "办理脱困" in c)
    (row,) = _table(closed)
    assert row["脱困原因"] == "就业增收" and row["脱困日期"] == datetime(2026, 11, 21)
    assert UNIT in "".join(captions)


def test_the_daily_delivery_marks_that_days_reopened_households(service: IntakeService, tmp_path: Path) -> None:
    team = make_team(service)
    with service.session() as s:
        staff = s.merge(team["staff"])
        staff.tg_id, staff.registered_name = 4242, "李干事"
        s.add(staff)
        s.commit()

    def at(day: int) -> Any:
        return mock.patch.object(store, "utcnow", lambda: datetime(2026, 11, day, 3, 0, tzinfo=timezone.utc))

    with at(1):
        back = approved(service, team["surveyor"], team["staff"])
        stays = approved(service, team["surveyor"], team["staff"])
    with at(5):
        followups.close(service, user=team["staff"], household_id=back, on=date(2026, 11, 5), reason="就业增收")
        followups.close(service, user=team["staff"], household_id=stays, on=date(2026, 11, 5), reason="就业增收")
    with at(21):  # recorded on the 21st, naming the 19th as the day it happened
        followups.reopen(service, user=team["staff"], household_id=back, reason="再次失业", on=date(2026, 11, 19))
    sent: list[tuple[Path, str]] = []
    run_daily(service.db, service.registry, datetime(2026, 11, 21, 18, 5, tzinfo=TZ),
              lambda user, path, caption: sent.append((path, caption)), at="18:00", out_dir=tmp_path)
    reopened = [(p, c) for p, c in sent if "返贫" in c]
    assert len(reopened) == 1 and "1 户" in reopened[0][1] and UNIT in reopened[0][1], [c for _, c in sent]
    (row,) = _table(reopened[0][0])
    assert row["职工编号"] == load(service, back).ref, "only the household reopened that day"
    assert row["本期变动"] == "返贫" and row["返贫日期"] == datetime(2026, 11, 19)
    assert row["返贫原因"] == "再次失业" and row["办理人"] == "李干事"
    assert row["脱困/返贫记录"] == "2026-11-05 脱困：就业增收（李干事）\n2026-11-19 返贫：再次失业（李干事）"
    headers = list(row)
    assert headers.index("本期变动") <= 3, "the mark is read first, next to the name"
    assert not any("办理脱困" in c for _, c in sent), "nothing was closed that day"
