"""精准帮扶 follow-ups, 脱困 / 返贫 and the 公示 list, driven through the real engine on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from sqlmodel import Session, select

from bot import followups
from bot.service import IntakeService
from flows.policy import AccessDenied
from flows.autofill import OFFER
from flows.form import FormError, parse_form
from storage import households
from storage.households import HouseholdError
from storage.models import AuditLog, Interview, User
from exports.notice import mask_name, write_notice
from tests.support.factory import FIXED_NOW, TZ, UNIT, approve, load, make_team, override
from tests.support.household import approved, followup, submit, walk
from tests.support.plans import ALL_MET, NOT_YET, followup_plan, household

TODAY = FIXED_NOW.date()


def in_current(service: IntakeService, household_id: int, on: date) -> bool:
    with Session(service.db) as s:
        ids = s.exec(select(Interview.id).where(households.current_filter(on, TZ))).all()
    return household_id in ids


def in_closed(service: IntakeService, household_id: int, on: date) -> bool:
    with Session(service.db) as s:
        ids = s.exec(select(Interview.id).where(households.closed_filter(on, TZ))).all()
    return household_id in ids


@pytest.fixture
def team(service: IntakeService) -> dict[str, User]:
    return make_team(service)


# --- the form file -------------------------------------------------------------------

def _followup_data() -> dict[str, Any]:
    return yaml.safe_load(resources.files("flows").joinpath("forms/followup.yaml").read_text(encoding="utf-8"))


def test_followup_form_loads_and_its_guarantees_are_the_seven_the_candidates_check(registry: Any) -> None:
    form = parse_form(_followup_data())
    assert registry.form("followup").title == form.title == "精准帮扶工作情况回访表"
    guarantees = form.section_of("guarantees")
    yes_no = [f for f in guarantees.fields if f.type == "yes_no"]
    assert [f.label for f in yes_no] == ["有吃", "有穿", "就业有保障", "就医有保障", "就学有保障", "社会保险有保障",
                                        "住房有保障"]
    assert tuple(f.key for f in yes_no) == households.GUARANTEE_KEYS
    for f in yes_no:
        note = form.field(f"{f.key}_note")
        assert note.when_text == f"{f.key} == 否" and note.required
    assert all(f.audience == "staff" for _, f in form.all_fields()), "a self-report never sees the follow-up"
    assert form.field("five_batches").choices[-1] == form.field("action_plans").choices[-1] == "其他"


def test_a_broken_copy_of_the_followup_form_reports_every_problem() -> None:
    data = _followup_data()
    guarantees = next(s for s in data["sections"] if s["key"] == "guarantees")["fields"]
    guarantees[0]["type"] = "yesno"
    guarantees[1]["when"] = "has_fod == 否"
    guarantees[3]["key"] = "has_clothing"  # has_clothing_note renamed: a second has_clothing
    visit = data["sections"][0]["fields"]
    del visit[1]["choices"]
    visit[0]["audience"] = "public"
    with pytest.raises(FormError) as err:
        parse_form(data)
    problems = err.value.problems
    expected = ["type “yesno” 不存在", "不存在的字段 “has_fod”", "字段 key “has_clothing” 与前面的字段重复",
                "followup_method", "audience 只能是 worker 或 staff"]
    for text in expected:
        assert any(text in p for p in problems), (text, problems)
    assert len(problems) >= len(expected)


def test_a_note_is_asked_only_for_a_guarantee_that_is_not_met(registry: Any) -> None:
    form = registry.form("followup")
    ctx = registry.context(actor_id="1", actor_name="张调查员")
    done = walk(form, NOT_YET, ctx, role="surveyor")
    assert done.state["status"] == "submitted"
    notes = [p for p in done.asked if p.endswith("_note")]
    assert notes == ["employment_secured_note", "medical_secured_note"]
    answers = done.state["answers"]
    assert answers["employment_secured"] is False and answers["has_food"] is True
    assert answers["five_batches"] == ["就业创业发展", "纳入助学帮扶救助"]
    assert answers["action_plans_other"] == "社区公益岗位安置" and "five_batches_other" not in answers


def test_mask_name_keeps_the_surname_and_the_last_character() -> None:
    cases = {"王建国": "王*国", "李明": "李*", "欧阳娜娜": "欧阳*娜", "司马光": "司马*", "诸葛孔明": "诸葛*明",
             "上官婉儿": "上官*儿", "皇甫嵩": "皇甫*", "东方明珠": "东方*珠", "王小明明": "王**明", "欧阳": "欧*",
             "阿依古丽·买买提": "阿***·**提", "王": "王", "": ""}
    assert {name: mask_name(name) for name in cases} == cases


# --- follow-ups, history, candidates --------------------------------------------------

def test_followups_are_linked_dated_records_shown_in_date_order(service: IntakeService, team: dict) -> None:
    hid = approved(service, team["surveyor"], team["staff"])
    later = followup(service, team["surveyor"], hid, ALL_MET)
    earlier = followup(service, team["staff"], hid, NOT_YET)  # a paper visit entered afterwards
    fu = load(service, later)
    assert (fu.form_key, fu.household_id, fu.unit, fu.status) == ("followup", hid, UNIT, "submitted")
    assert fu.state["answers"]["surveyor"] == "s1的名字"
    assert [m["name"] for m in fu.state["answers"]["measures"]] == ["春节送温暖慰问金", "金秋助学金"]
    assert fu.state["answers"]["measures"][1]["date"] == "2026-09"
    with Session(service.db, expire_on_commit=False) as s:
        visits = households.followups(s, tz=TZ, user=team["staff"], household_id=hid)
    assert [v.id for v in visits] == [earlier, later]
    card = followups.history_text(service, user=team["staff"], household_id=hid)
    assert card.index("2026-03-10") < card.index("2026-11-20")
    assert "5/7" in card and "7/7" in card
    # a follow-up is not a household: not in the archive counts, not found by search
    assert not in_current(service, later, TODAY)
    assert [h.household_id for h in followups.find(service, user=team["staff"], query="王建国")] == [hid]


def test_all_guarantees_met_suggests_closure_but_moves_nothing(service: IntakeService, team: dict) -> None:
    hid = approved(service, team["surveyor"], team["staff"])
    with Session(service.db, expire_on_commit=False) as s:
        assert households.closure_candidates(s, tz=TZ, user=team["staff"], on=TODAY) == []
    followup(service, team["surveyor"], hid, NOT_YET)
    with Session(service.db, expire_on_commit=False) as s:
        assert households.closure_candidates(s, tz=TZ, user=team["staff"], on=TODAY) == []
    followup(service, team["surveyor"], hid, ALL_MET)
    with Session(service.db, expire_on_commit=False) as s:
        found = households.closure_candidates(s, tz=TZ, user=team["staff"], on=TODAY)
        elsewhere = households.closure_candidates(s, tz=TZ, user=team["other_staff"], on=TODAY)
    assert [c.household.id for c in found] == [hid] and elsewhere == []
    assert "王建国" in followups.candidates_text(service, user=team["staff"])
    assert load(service, hid).status == "approved" and in_current(service, hid, TODAY)
    # a newer visit that finds housing not secured withdraws the suggestion
    followup(service, team["surveyor"], hid, followup_plan(followup_date="2026-11-28", housing_secured="否",
                                                              housing_secured_note="租住房屋被鉴定为危房"))
    with Session(service.db, expire_on_commit=False) as s:
        assert households.closure_candidates(s, tz=TZ, user=team["staff"], on=TODAY) == []


def test_closing_moves_the_household_out_of_the_current_archive_from_its_date(service: IntakeService,
                                                                              team: dict) -> None:
    hid = approved(service, team["surveyor"], team["staff"])
    followup(service, team["surveyor"], hid, ALL_MET)
    closed_on = date(2026, 11, 25)
    text = followups.close(service, user=team["staff"], household_id=hid, on=closed_on, reason="就业增收")
    assert "2026-11-25" in text and "就业增收" in text
    hh = load(service, hid)
    assert (hh.status, hh.closed_reason, households.closed_on(hh, TZ)) == ("closed", "就业增收", closed_on)
    assert in_current(service, hid, date(2026, 11, 24)) and not in_closed(service, hid, date(2026, 11, 24))
    assert not in_current(service, hid, closed_on) and not in_current(service, hid, TODAY)
    assert in_closed(service, hid, closed_on) and in_closed(service, hid, TODAY)
    # still searchable, with its history
    for query in ("王建国", "建国", "420802197503141232", "141232", hh.ref or ""):
        found = followups.find(service, user=team["staff"], query=query)
        assert [(h.household_id, h.status) for h in found] == [(hid, "已脱困")], query
    assert found[0].masked_id == "420802********1232" and found[0].last_followup == date(2026, 11, 20)
    with Session(service.db, expire_on_commit=False) as s:
        assert len(households.followups(s, tz=TZ, user=team["staff"], household_id=hid)) == 1
        history = households.record_history(s, tz=TZ, user=team["staff"], interview_id=hid)
        audit = s.exec(select(AuditLog).where(AuditLog.action == "close_household")).all()
        assert households.closure_candidates(s, tz=TZ, user=team["staff"], on=TODAY) == []
    assert history[-1].kind == "status" and history[-1].action == "close" and "就业增收" in history[-1].note
    assert [(a.actor_id, a.detail["interview_id"], a.detail["date"]) for a in audit] == \
        [(team["staff"].id, hid, "2026-11-25")]
    # 返贫: back in, with the status it had
    text = followups.reopen(service, user=team["staff"], household_id=hid, reason="再次失业，收入低于低保标准")
    hh = load(service, hid)
    assert (hh.status, hh.closed_at, hh.closed_reason) == ("approved", None, None) and "已审核" in text
    assert in_current(service, hid, TODAY) and not in_closed(service, hid, TODAY)
    with Session(service.db, expire_on_commit=False) as s:
        actions = [c.action for c in households.status_changes(s, household_id=hid)]
        reopened = s.exec(select(AuditLog).where(AuditLog.action == "reopen_household")).one()
    assert actions == ["close", "reopen"] and reopened.detail["closed_on"] == "2026-11-25"
    assert "脱困" in followups.history_text(service, user=team["staff"], household_id=hid)


def test_closing_checks_state_reason_and_date(service: IntakeService, team: dict) -> None:
    hid = submit(service, team["surveyor"])
    staff = team["staff"]
    with Session(service.db, expire_on_commit=False) as s:
        for kwargs, key in [({"reason": "发财了"}, "fu.close.bad_reason"), ({"reason": "其他"}, "fu.close.need_note"),
                            ({"reason": "就业增收", "on": date(2026, 12, 1)}, "fu.close.future")]:
            with pytest.raises(HouseholdError) as err:
                households.close_household(s, tz=TZ, user=staff, household_id=hid, as_of=TODAY,
                                           **{"on": date(2026, 11, 1), **kwargs})
            assert err.value.key == key and "例如" in str(err.value)
        with pytest.raises(HouseholdError) as err:
            households.reopen_household(s, tz=TZ, user=staff, household_id=hid, reason="再次失业", as_of=TODAY)
        assert err.value.key == "fu.reopen.not_closed"
    text = followups.close(service, user=staff, household_id=hid, on=date(2026, 11, 1), reason="其他",
                           note="家庭成员病愈后恢复就业")
    assert "其他：家庭成员病愈后恢复就业" in text
    with Session(service.db, expire_on_commit=False) as s:
        with pytest.raises(HouseholdError) as err:
            households.reopen_household(s, tz=TZ, user=staff, household_id=hid, reason="", as_of=TODAY)
        assert err.value.key == "fu.reopen.need_reason"
        with pytest.raises(HouseholdError) as err:
            households.reopen_household(s, tz=TZ, user=staff, household_id=hid, reason="再次失业",
                                        on=date(2026, 10, 1), as_of=TODAY)
        assert err.value.key == "fu.reopen.before_close"
        assert households.reopen_household(s, tz=TZ, user=staff, household_id=hid, reason="再次失业",
                                           as_of=TODAY).status == "submitted"


def test_only_staff_of_the_unit_and_admins_close_reopen_and_see_candidates(service: IntakeService,
                                                                          team: dict) -> None:
    hid = approved(service, team["surveyor"], team["staff"])
    for who in ("worker", "surveyor", "other_staff"):
        with Session(service.db, expire_on_commit=False) as s:
            with pytest.raises(AccessDenied):
                households.close_household(s, tz=TZ, user=team[who], household_id=hid, on=TODAY, reason="就业增收",
                                           as_of=TODAY)
    for who in ("worker", "surveyor"):
        with Session(service.db, expire_on_commit=False) as s:
            with pytest.raises(AccessDenied):
                households.closure_candidates(s, tz=TZ, user=team[who], on=TODAY)
    with pytest.raises(AccessDenied):
        followups.find(service, user=team["worker"], query="王建国")
    with pytest.raises(AccessDenied):
        followups.start_followup(service, user=team["worker"], household_id=hid)
    with pytest.raises(AccessDenied):
        followups.history_text(service, user=team["other_staff"], household_id=hid)
    assert followups.find(service, user=team["other_staff"], query="王建国") == []
    assert load(service, hid).status == "approved"
    followups.close(service, user=team["admin"], household_id=hid, on=TODAY, reason="子女毕业就业")
    for who in ("worker", "surveyor", "other_staff"):
        with Session(service.db, expire_on_commit=False) as s:
            with pytest.raises(AccessDenied):
                households.reopen_household(s, tz=TZ, user=team[who], household_id=hid, reason="再次失业", as_of=TODAY)
    assert load(service, hid).status == "closed"


def test_the_journal_says_who_changed_what_and_masks_numbers(service: IntakeService, team: dict) -> None:
    hid = submit(service, team["surveyor"])
    with Session(service.db, expire_on_commit=False) as s:
        history = households.record_history(s, tz=TZ, user=team["staff"], interview_id=hid)
    assert history[0].path == "name" and history[0].new == "王建国" and history[0].actor_name == "s1的名字"
    text = followups.journal_text(service, user=team["staff"], interview_id=hid)
    assert "s1的名字：姓名" in text and "家庭成员1·姓名" in text and "420802********1232" in text
    assert "420802197503141232" not in text and "6222021234567890128" not in text
    with pytest.raises(AccessDenied):
        followups.journal_text(service, user=team["worker"], interview_id=hid)


# --- the 公示 list ----------------------------------------------------------------------

def _sensitive(iv: Interview) -> list[str]:
    a = iv.state["answers"]
    members = [m["id_number"] for m in a["members"] if m.get("id_number")] + [m["name"] for m in a["members"]]
    return [a["id_number"], a["id_number"][-6:], a["phone"], a["address"], "象山大道", a["bank_card"],
            a["monthly_income"], a["household_annual_income"], a["other_income_annual"], "1200", "2400",
            iv.per_capita_income or "", "600.00", "王建国", *members]


def _xlsx_text(path: Path) -> str:
    sheet = openpyxl.load_workbook(path).active
    return "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)


def test_the_notice_lists_approved_households_with_masked_names_and_nothing_private(
        service: IntakeService, team: dict, tmp_path: Path) -> None:
    hid = approved(service, team["surveyor"], team["staff"])
    pending = submit(service, team["surveyor"], household(
        name="李明", id_number="42080219800101123X", phone="13812345678", address="荆门市掇刀区白庙路8号"))
    gone = approved(service, team["surveyor"], team["staff"], household(
        name="欧阳娜娜", id_number="420802198506062227", phone="13700001111"))
    followups.close(service, user=team["staff"], household_id=gone, on=TODAY, reason="就业增收")
    override(service, hid, category="低保户", reason="入户核实后改认定", actor=team["staff"])
    wang = load(service, hid)
    xlsx, html = tmp_path / "notice.xlsx", tmp_path / "notice.html"
    assert write_notice(service.db, unit=UNIT, out_path=xlsx, fmt="xlsx", actor_id=team["staff"].id or 0) == 1
    assert write_notice(service.db, unit=UNIT, out_path=html, fmt="html", actor_id=team["admin"].id or 0) == 1
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(xlsx).active.iter_rows()]
    header = rows.index(["序号", "姓名", "工作单位", "困难类别", "家庭人口"])
    listed = [r for r in rows[header + 1:] if isinstance(r[0], int)]
    assert listed == [[1, "王*国", "荆门市某某机械厂", "低保户", 4]], "the pending and the closed one are not listed"
    page = html.read_text(encoding="utf-8")
    for text in (_xlsx_text(xlsx), page):
        assert "王*国" in text and "荆门市某某机械厂" in text and "低保户" in text and UNIT in text
        for secret in _sensitive(wang) + ["李*", "欧阳*娜", "42080219800101123X", "13812345678"]:
            assert secret not in text, secret
    assert "<td>4</td>" in page
    with Session(service.db, expire_on_commit=False) as s:
        audits = s.exec(select(AuditLog).where(AuditLog.action == "export_notice")).all()
    assert [(a.actor_id, a.detail["format"], a.detail["households"]) for a in audits] == \
        [(team["staff"].id, "xlsx", 1), (team["admin"].id, "html", 1)]
    assert load(service, pending).status == "submitted"


def test_the_notice_as_pdf_holds_the_same_public_columns(service: IntakeService, team: dict,
                                                         tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    pypdf = pytest.importorskip("pypdf")
    hid = approved(service, team["surveyor"], team["staff"])
    out = tmp_path / "notice.pdf"
    write_notice(service.db, unit=UNIT, out_path=out, fmt="pdf", actor_id=team["staff"].id or 0)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(out).pages).replace(" ", "")
    assert "王*国" in text and "公示" in text
    for secret in _sensitive(load(service, hid)):
        assert secret not in text, secret


def test_workers_surveyors_and_other_units_cannot_produce_the_notice(service: IntakeService, team: dict,
                                                                    tmp_path: Path) -> None:
    hid = submit(service, team["surveyor"])
    out = tmp_path / "notice.html"
    for who in ("worker", "surveyor", "other_staff"):
        with pytest.raises(AccessDenied):
            write_notice(service.db, unit=UNIT, out_path=out, fmt="html", actor_id=team[who].id or 0)
    assert not out.exists()
    assert write_notice(service.db, unit=UNIT, out_path=out, fmt="html", actor_id=team["staff"].id or 0) == 0
    page = out.read_text(encoding="utf-8")
    assert "王*国" not in page and "暂无" in page, "nobody is listed before approval"
    approve(service, hid, team["staff"])
    assert write_notice(service.db, unit=UNIT, out_path=out, fmt="html", actor_id=team["staff"].id or 0) == 1
    assert "王*国" in out.read_text(encoding="utf-8")


def test_a_closed_household_leaves_the_ledger_and_the_statistics_but_stays_in_the_closed_archive(
        service: IntakeService, team: dict, registry: Any, tmp_path: Path) -> None:
    from exports.query import Filters
    from exports.service import run_export, stats_rows

    hid = approved(service, team["surveyor"], team["staff"])
    other = approved(service, team["surveyor"], team["staff"],
                               household(name="李四", id_number="42080219781120002X", sex=OFFER))
    total = {r.no: r for r in stats_rows(service.db, Filters(), registry)}[10]
    assert total.households == 2
    followups.close(service, user=team["staff"], household_id=hid, on=date(2026, 11, 25), reason="就业增收")

    after = {r.no: r for r in stats_rows(service.db, Filters(), registry)}
    assert (after[10].households, after[10].people) == (1, load(service, other).household_size)

    ledger = run_export(service.db, fmt="xlsx", out=tmp_path / "ledger.xlsx", filters=Filters(), actor_id=None,
                        registry=registry)
    closed = run_export(service.db, fmt="xlsx", out=tmp_path / "closed.xlsx", filters=Filters(status="closed"),
                        actor_id=None, registry=registry)
    assert (ledger.rows, closed.rows) == (1, 1)
    names = lambda p: {c.value for row in openpyxl.load_workbook(p).worksheets[0].iter_rows() for c in row}  # noqa: E731
    assert "李四" in names(tmp_path / "ledger.xlsx") and "王建国" not in names(tmp_path / "ledger.xlsx")
    assert "王建国" in names(tmp_path / "closed.xlsx")

    followups.reopen(service, user=team["staff"], household_id=hid, reason="再次失业")
    assert {r.no: r for r in stats_rows(service.db, Filters(), registry)}[10].households == 2
