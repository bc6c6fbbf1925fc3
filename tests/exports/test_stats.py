"""附件2 统计表: SQL aggregation equals the hand count, on SQLite and PostgreSQL, laid out as in the seed."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from unittest import mock

import openpyxl
import pytest
from sqlalchemy import event
from sqlmodel import Session

from flows.registry import Registry
from bot.service import IntakeService
from exports.query import Filters
from exports.service import run_export, stats_rows
from exports.stats_xlsx import Reporter
from storage import review
from storage.models import Interview
from tests.support.export_cases import CASES, UNIT_A, UNIT_B, Case, expected_stats, populate

CATEGORIES = ("低保户", "低保边缘户", "意外致困户")
TAGS = ("零就业家庭", "下岗失业家庭", "因大病致困家庭", "因身体残疾致困家庭", "子女就读高中、大学困难职工家庭", "无住房困难职工家庭")


@pytest.fixture
def households(service: IntakeService) -> dict[str, Interview]:
    """Every case driven through the engine into the parametrised database."""
    return populate(service)


def _hand(cases: list[Case] | tuple[Case, ...]) -> list[tuple[int, str, int, int]]:
    return [(i, label, h, p) for i, (label, h, p) in enumerate(expected_stats(tuple(cases), CATEGORIES, TAGS), 1)]


def _read(path: Path) -> list[tuple[int, str, int, int]]:
    ws = openpyxl.load_workbook(path).active
    out = []
    for r in range(4, 24, 2):
        assert ws.cell(r, 3).value == "户数" and ws.cell(r + 1, 3).value == "人数"
        out.append((ws.cell(r, 1).value, ws.cell(r, 2).value, ws.cell(r, 4).value, ws.cell(r + 1, 4).value))
    return out


def test_tag_rows_follow_the_tag_rules(registry: Registry) -> None:
    assert registry.tags.tag_names() == TAGS
    assert registry.form("archive").field("hardship_category").choices == CATEGORIES


def test_stats_table_equals_the_hand_count(households: dict[str, Interview], service: IntakeService,
                                           registry: Registry, tmp_path: Path) -> None:
    out = tmp_path / "stats.xlsx"
    result = run_export(service.db, fmt="stats", out=out, actor_id=None, registry=registry,
                        reporter=Reporter(unit="荆门市总工会", contact="李干事", phone="0724-2372244"))
    expected = _hand(CASES)
    assert expected[-1][1:] == ("合计", 11, 28)  # 13 households, two of them not eligible
    assert expected[0][2:] == (4, 10)  # the overridden Wang household counts as 低保户 …
    assert expected[1][2:] == (5, 13)  # … and not as 低保边缘户
    assert _read(out) == expected
    assert result.rows == 11


def test_stats_layout_is_the_seeds(households: dict[str, Interview], service: IntakeService, registry: Registry,
                                   tmp_path: Path) -> None:
    out = tmp_path / "stats.xlsx"
    run_export(service.db, fmt="stats", out=out, actor_id=None, registry=registry,
               reporter=Reporter(unit="荆门市总工会", contact="李干事", phone="0724-2372244"))
    ws = openpyxl.load_workbook(out).active
    assert ws["A1"].value == "困难城镇职工情况统计表"
    assert (ws["A2"].value, ws["C2"].value, ws["D2"].value) == ("填报单位：荆门市总工会", "联系人：李干事",
                                                                "联系电话：0724-2372244")
    assert (ws["A3"].value, ws["B3"].value, ws["C3"].value) == ("序号", "类别", "数量")
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:D1", "C3:D3", "A4:A5", "B4:B5", "A22:A23", "B22:B23"} <= merged
    assert ws["B22"].value == "合计" and ws["D22"].data_type == "n"
    assert "只统计符合认定标准的家庭" in ws["A24"].value


FILTER_CASES = [
    (Filters(unit=UNIT_B), lambda c: c.unit == UNIT_B),
    (Filters(region="东宝区"), lambda c: c.key != "jingshan"),
    (Filters(date_from=date(2026, 11, 27), date_to=date(2026, 11, 28)), lambda c: c.day <= 28),
    (Filters(unit=UNIT_A, date_from=date(2026, 11, 29)), lambda c: c.unit == UNIT_A and c.day == 29),
    (Filters(status="approved"), lambda c: False),
]


def test_stats_follow_the_filters(households: dict[str, Interview], service: IntakeService,
                                  registry: Registry) -> None:
    for filters, pick in FILTER_CASES:  # one database for the whole table: building it is the slow part
        rows = stats_rows(service.db, filters, registry)
        got = [(r.no, r.label, r.households, r.people) for r in rows]
        assert got == _hand([c for c in CASES if pick(c)]), filters


def test_approved_households_count_and_drafts_do_not(households: dict[str, Interview], service: IntakeService,
                                                     registry: Registry, tmp_path: Path) -> None:
    staff = service.user(local_name="staff-a")
    approved_at = datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc)
    with Session(service.db, expire_on_commit=False) as s, mock.patch.object(review, "utcnow", lambda: approved_at):
        review.approve(s, interview_id=households["illness"].id or 0, reviewer=staff)
    both = stats_rows(service.db, Filters(), registry)
    assert both[-1].households == 11
    approved = stats_rows(service.db, Filters(status="approved"), registry)
    assert [(r.label, r.households, r.people) for r in approved if r.households] == [
        ("意外致困户", 1, 3), ("因大病致困家庭", 1, 3), ("合计", 1, 3)]
    day = date(2026, 11, 30)  # approving is a change: the daily ledger of that day picks the household up
    changed = stats_rows(service.db, Filters(date_from=day, date_to=day, by="activity"), registry)
    assert changed[-1].households == 1 and changed[2].households == 1
    assert stats_rows(service.db, Filters(date_from=day, date_to=day), registry)[-1].households == 0
    out = tmp_path / "approved.xlsx"
    assert run_export(service.db, fmt="xlsx", out=out, filters=Filters(status="approved"), actor_id=None,
                      registry=registry).rows == 1
    ws = openpyxl.load_workbook(out)["电子台账"]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, ws[2]))
    assert row["状态"].value == "已审核" and row["审核人"].value == "李干事"
    assert row["审核时间"].value == datetime(2026, 11, 30, 9, 0) and row["审核时间"].is_date


def test_ledger_streams_from_this_database_too(households: dict[str, Interview], service: IntakeService,
                                               registry: Registry, tmp_path: Path) -> None:
    out = tmp_path / "ledger.xlsx"
    result = run_export(service.db, fmt="xlsx", out=out, actor_id=None, registry=registry)
    ws = openpyxl.load_workbook(out)["电子台账"]
    assert result.rows == len(CASES) == ws.max_row - 1
    assert [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)] == [households[c.key].ref for c in CASES]
    assert ws.cell(2, 7).value == "42080219781120002X" and ws.cell(2, 7).data_type == "s"


def test_a_household_overridden_into_a_category_counts_in_its_tag_rows(
        households: dict[str, Interview], service: IntakeService, registry: Registry) -> None:
    from storage import repo

    before = {r.label: (r.households, r.people) for r in stats_rows(service.db, Filters(), registry)}
    with Session(service.db, expire_on_commit=False) as s:
        iv = s.get(Interview, households["laidoff_no"].id)
        assert iv is not None and iv.category is None and "下岗失业家庭" in iv.tags
        repo.override_category(s, interview=iv, category="意外致困户", reason="突发工伤，补充材料后复核", actor_id=1)
    after = {r.label: (r.households, r.people) for r in stats_rows(service.db, Filters(), registry)}
    assert after["意外致困户"] == (before["意外致困户"][0] + 1, before["意外致困户"][1] + 2)
    assert after["下岗失业家庭"] == (before["下岗失业家庭"][0] + 1, before["下岗失业家庭"][1] + 2)
    assert after["零就业家庭"] == before["零就业家庭"]
    assert after["合计"][0] == before["合计"][0] + 1


def test_stats_read_only_their_covering_index(service: IntakeService, registry: Registry) -> None:
    """附件2 scans ix_interview_stats, not the records (whose state JSON made 100,000 households take 1.8 s);
    with a unit filter too. SQLite's plan is checked; PostgreSQL's depends on its statistics."""
    if service.db.dialect.name != "sqlite":
        pytest.skip("the plan checked is SQLite's")  # before the households are built: they take the time
    populate(service)
    seen: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many) -> None:  # noqa: ANN001
        if "sum(" in statement:
            seen.append((statement, parameters))

    event.listen(service.db, "before_cursor_execute", keep)
    try:
        stats_rows(service.db, Filters(), registry)
        stats_rows(service.db, Filters(unit=UNIT_A), registry)
    finally:
        event.remove(service.db, "before_cursor_execute", keep)
    assert len(seen) == 2
    with service.db.connect() as conn:
        for statement, parameters in seen:
            plan = " | ".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
            assert "COVERING INDEX ix_interview_stats" in plan, plan
