"""One storage contract, run on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, select

from bot.service import IntakeService
from flows import policy
from flows.engine import new_state
from flows.outputs import Input, Notice
from flows.policy import AccessDenied
from storage import households, repo
from storage.models import AnswerEvent, Interview, User
from storage.step_values import step_write
from tests.support.factory import UNIT, make_user
from tests.support.household import drive, follow
from tests.support.plans import WANG

import pytest


def test_every_accepted_answer_is_committed_with_its_journal_entry(service: IntakeService) -> None:
    user = make_user(service, "surveyor", UNIT, local_name="s1", name="张调查员")
    iid = drive(service, user, WANG, steps=6)
    with Session(service.db) as s:
        iv = s.get(Interview, iid)
        events = repo.journal(s, interview_id=iid)
    answers = iv.state["answers"]
    assert answers["name"] == "王建国" and answers["id_number"] == "420802197503141232"
    assert iv.worker_name == "王建国" and iv.id_number == "420802197503141232" and iv.status == "draft"
    assert [e.path for e in events][:4] == ["name", "ethnicity", "political_status", "id_number"]
    assert all(e.actor_id == user.id and e.at is not None for e in events)
    assert events[0].old is None and events[0].new == "王建国"


def test_a_change_is_journaled_with_old_and_new_value(service: IntakeService) -> None:
    user = make_user(service, "surveyor", UNIT, local_name="s1", name="张调查员")
    iid = drive(service, user, WANG, steps=2)
    service.handle(user=user, interview_id=iid, inp=Input("text", text="返回"))
    service.handle(user=user, interview_id=iid, inp=Input("text", text="回族"))
    with Session(service.db) as s:
        last = repo.journal(s, interview_id=iid)[-1]
    assert (last.path, last.old, last.new) == ("ethnicity", "汉族", "回族")


def test_submission_assigns_a_worker_number_and_stores_the_decision(service: IntakeService) -> None:
    user = make_user(service, "surveyor", UNIT, local_name="s1", name="张调查员")
    iid = drive(service, user, WANG)
    with Session(service.db) as s:
        iv = s.get(Interview, iid)
    assert iv.status == "submitted" and iv.ref and iv.ref.startswith("JM")
    assert iv.category == "低保边缘户" and iv.criterion == 3 and iv.household_size == 4
    assert iv.per_capita_income == "600.00" and "|无住房困难职工家庭|" in iv.tags
    assert iv.standards_version and iv.assessment["explanation"]
    assert iv.state["signature"]["name"] == "王建国"


def test_state_round_trips_through_the_database_unchanged(service: IntakeService) -> None:
    user = make_user(service, "surveyor", UNIT, local_name="s1", name="张调查员")
    iid = drive(service, user, WANG, steps=30)
    with Session(service.db) as s:
        stored = s.get(Interview, iid).state
    assert json.loads(json.dumps(stored)) == stored
    assert stored["answers"]["members"][0]["name"] == "李秀英"


def test_the_same_id_in_a_second_interview_is_caught(service: IntakeService) -> None:
    user = make_user(service, "surveyor", UNIT, local_name="s1", name="张调查员")
    first = drive(service, user, WANG)
    reply = service.start_interview(user=user, kind="survey")
    for text in ("王建国", "汉", "群众", "420802197503141232"):
        reply = service.handle(user=user, interview_id=reply.interview_id, inp=Input("text", text=text))
    menu = reply.outputs[-1]
    assert "已在另一份档案中登记" in menu.text
    reply = service.handle(user=user, interview_id=reply.interview_id, inp=Input("text", text="打开那份档案"))
    assert reply.interview_id == first


def test_a_worker_cannot_open_someone_elses_interview(service: IntakeService) -> None:
    user = make_user(service, "surveyor", UNIT, local_name="s1", name="张调查员")
    iid = drive(service, user, WANG, steps=3)
    stranger = service.user(tg_id=555, name="路人")
    with pytest.raises(AccessDenied):
        service.handle(user=stranger, interview_id=iid, inp=Input("text", text="张三"))


def test_an_update_is_claimed_once(db: Any) -> None:
    with Session(db) as s:
        assert repo.claim_update(s, update_id=10**12 + 7) is True
        assert repo.claim_update(s, update_id=10**12 + 7) is False
        assert repo.claim_update(s, update_id=8) is True


def test_users_are_created_once_and_admins_promoted(db: Any) -> None:
    with Session(db, expire_on_commit=False) as s:
        a = repo.get_or_create_user(s, tg_id=42, name="甲")
        b = repo.get_or_create_user(s, tg_id=42, name="甲")
        assert a.id == b.id and a.role == "worker"
        c = repo.get_or_create_user(s, tg_id=42, admin=True)
        assert c.role == "admin"


def test_drafts_are_listed_most_recent_first(service: IntakeService, registry: Any) -> None:
    user = make_user(service, "surveyor", UNIT, local_name="s1", name="张调查员")
    first = service.start_interview(user=user, kind="survey").interview_id
    second = service.start_interview(user=user, kind="survey").interview_id
    service.handle(user=user, interview_id=first, inp=Input("text", text="张三"))
    with Session(service.db) as s:
        drafts = repo.open_drafts(s, user_id=user.id)
    assert [d.id for d in drafts] == [first, second]


def test_override_keeps_both_values_and_needs_a_reason(service: IntakeService) -> None:
    user = make_user(service, "surveyor", UNIT, local_name="s1", name="张调查员")
    iid = drive(service, user, WANG)
    with Session(service.db, expire_on_commit=False) as s:
        iv = s.get(Interview, iid)
        with pytest.raises(ValueError):
            repo.override_category(s, interview=iv, category="意外致困户", reason="  ", actor_id=user.id)
        repo.override_category(s, interview=iv, category="意外致困户", reason="住院费用票据补交后复核", actor_id=user.id)
    with Session(service.db) as s:
        iv = s.get(Interview, iid)
    assert (iv.category, iv.override_category) == ("低保边缘户", "意外致困户")
    assert iv.override_reason == "住院费用票据补交后复核"


def test_a_stale_save_is_refused_and_the_service_applies_the_input_again(service: IntakeService,
                                                                          registry: Any) -> None:
    from flows.engine import advance
    user = make_user(service, "surveyor", UNIT, local_name="s1", name="张调查员")
    iid = drive(service, user, WANG, steps=1)
    store = service.steps
    with store.step(iid) as first:
        a = first.load(iid)
    with store.step(iid) as second:
        b = second.load(iid)
    ctx = registry.context(actor_id=str(user.id))
    form = registry.form("archive")
    step_a = advance(form, dict(a.state), Input("text", text="汉"), ctx)
    step_b = advance(form, dict(b.state), Input("text", text="回"), ctx)
    with store.step(iid) as tx:
        tx.commit(step_write(a, step_a, actor_id=user.id, update_id=None))
    with pytest.raises(repo.StaleInterview), store.step(iid) as tx:
        tx.commit(step_write(b, step_b, actor_id=user.id, update_id=None))
    with Session(service.db) as s:
        iv = s.get(Interview, iid)
    assert iv.state["answers"]["ethnicity"] == "汉族" and iv.version == 2  # created, one answer, then this one


def test_changes_after_submission_are_dated_for_the_daily_ledger(service: IntakeService) -> None:
    user = make_user(service, "surveyor", UNIT, local_name="s1", name="张调查员")
    iid = drive(service, user, WANG)
    with Session(service.db) as s:
        iv = s.get(Interview, iid)
    assert iv.status == "submitted" and iv.changed_at is not None and iv.submitted_at is not None


def test_old_update_ids_are_forgotten_recent_ones_kept(db: Any) -> None:
    from datetime import timedelta

    from storage.models import ProcessedUpdate, utcnow
    with Session(db) as s:
        s.add(ProcessedUpdate(update_id=1, at=utcnow() - timedelta(days=30)))
        s.add(ProcessedUpdate(update_id=2, at=utcnow() - timedelta(hours=2)))
        s.commit()
        assert repo.prune_processed_updates(s, older_than_days=14) == 1
        assert repo.claim_update(s, update_id=2) is False and repo.claim_update(s, update_id=1) is True


def test_an_accepted_file_is_linked_in_the_answers_own_transaction(service: IntakeService) -> None:
    from storage.models import Attachment
    from tests.support.plans import household

    meta = {"file_id": "AgADBAADr6cxG", "name": "身份证.jpg", "mime": "image/jpeg", "size": 1234,
            "path": "attachments/2026/11/id_front.jpg", "sha256": "ab" * 32}
    user = make_user(service, "surveyor", UNIT, local_name="s1", name="张调查员")
    reply = service.start_interview(user=user, kind="survey")
    iid = reply.interview_id
    early = service.handle(user=user, interview_id=iid, inp=Input("file", file=meta), attachment=meta)
    assert any(isinstance(o, Notice) for o in early.outputs)  # a file where a name is asked: refused, not linked
    plan = dict(household(), attachments=[{"file": meta, "type": "身份证", "name": "身份证正面"}])
    follow(service, user, reply, plan, until="attachments.0.file")  # fails if the file is never asked
    service.handle(user=user, interview_id=iid, inp=Input("file", file=meta), attachment=meta, update_id=777)
    with pytest.raises(repo.UpdateAlreadyApplied):  # delivered again: neither the answer nor the file twice
        service.handle(user=user, interview_id=iid, inp=Input("file", file=meta), attachment=meta, update_id=777)
    with Session(service.db) as s:
        rows = list(s.exec(select(Attachment).where(Attachment.interview_id == iid)))
    assert [(r.sha256, r.path, r.name) for r in rows] == [(meta["sha256"], meta["path"], meta["name"])]


# --- access: the SQL form of flows.policy agrees with the rule itself ----------------------

def _people_and_records(db: Any) -> tuple[list[User], list[Interview]]:
    from tests.flows.test_policy import PEOPLE, RECORDS

    with Session(db, expire_on_commit=False) as s:
        users = {pid: User(local_name=f"p{pid}", name=f"王{pid}", role=p.role, unit=p.unit)
                 for pid, p in PEOPLE.items()}
        s.add_all(users.values())
        s.commit()
        ids = {pid: u.id for pid, u in users.items()}  # the database's ids, not the table's
        records = [Interview(form_key="archive", status="submitted", kind=r.kind, unit=r.unit,
                             created_by=ids[r.created_by], worker_name=f"王{key}",
                             subject_user_id=ids[r.subject_user_id] if r.subject_user_id else None)
                   for key, r in RECORDS.items()]
        s.add_all(records)
        s.commit()
    return list(users.values()), records


def test_the_visibility_query_finds_exactly_the_records_policy_lets_open(db: Any) -> None:
    users, records = _people_and_records(db)
    with Session(db) as s:
        for user in users:
            query = select(Interview.id).where(households.visibility_clause(policy.visibility(user)))
            assert set(s.exec(query)) == {r.id for r in records if policy.visibility(user).allows(r)}, user.role


def test_a_surveyor_finds_and_opens_only_households_they_created(db: Any) -> None:
    """storage's search used to show surveyors their whole unit while can_open refused the record."""
    users, records = _people_and_records(db)
    by_name = {u.local_name: u for u in users}
    mine, colleague, survey_a = by_name["p4"], by_name["p5"], records[0]
    assert mine.unit == colleague.unit == survey_a.unit
    with Session(db) as s:
        assert [h.id for h in households.find_households(s, user=mine, query="王survey_a")] == [survey_a.id]
        assert households.find_households(s, user=colleague, query="王survey_a") == []
        with pytest.raises(AccessDenied):
            households.get_household(s, user=colleague, household_id=survey_a.id or 0)
        staff_found = households.find_households(s, user=by_name["p2"], query="王")
        assert {h.worker_name for h in staff_found} == {"王survey_a", "王taken_over_self"}  # not an unassigned one
        with pytest.raises(AccessDenied):
            households.find_households(s, user=by_name["p6"], query="王")


def test_a_worker_starting_a_survey_gets_the_workers_questions_throughout(service: IntakeService) -> None:
    """start_interview and later answers computed the engine role two ways (surveyor, then worker)."""
    worker = service.user(local_name="w1", name="王建国")
    reply = service.start_interview(user=worker, kind="survey")
    assert service.interview(reply.interview_id or 0).state["role"] == "worker"
    service.handle(user=worker, interview_id=reply.interview_id or 0, inp=Input("text", text="王建国"))
    assert service.interview(reply.interview_id or 0).state["role"] == "worker"
