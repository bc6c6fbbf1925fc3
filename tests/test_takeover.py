"""A worker's self-report is taken over by staff, who complete the help plan; the worker's signature stays."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session, select

from bot.service import AccessDenied, IntakeService
from flows.autofill import next_input
from flows.outputs import Completed, Notice
from storage import repo, review
from storage.models import AuditLog, Interview
from tests.plans import WANG


def finish(service: IntakeService, user: Any, reply: Any) -> Any:
    for _ in range(200):
        inp = next_input(reply.outputs, WANG)
        if inp is None:
            break
        reply = service.handle(user=user, interview_id=reply.interview_id, inp=inp)
        assert not [o for o in reply.outputs if isinstance(o, Notice) and o.level == "error"]
    return reply


def test_staff_take_over_a_self_report_and_complete_the_help_plan(service: IntakeService) -> None:
    worker = service.user(tg_id=1001, name="王建国")
    staff = service.user(tg_id=2001, name="刘干事")
    other = service.user(tg_id=2002, name="周干事")
    with Session(service.db, expire_on_commit=False) as s:
        repo.set_role(s, user=staff, role="staff", unit="东宝区总工会", actor_id=None)
        repo.set_role(s, user=other, role="surveyor", unit="东宝区总工会", actor_id=None)
    done = finish(service, worker, service.resume_or_start(user=worker))
    iid = done.interview_id
    assert any(isinstance(o, Completed) for o in done.outputs)
    with Session(service.db) as s:
        before = s.get(Interview, iid)
        waiting = [iv.id for iv in review.submitted(s, unit="东宝区总工会")]
    assert "relief_target" not in before.state["answers"] and before.unit == "" and iid in waiting
    with pytest.raises(AccessDenied):
        service.take_over(user=other, interview_id=iid)  # a surveyor cannot take over from /review

    reply = service.take_over(user=staff, interview_id=iid)
    asked = [o for o in reply.outputs if hasattr(o, "path")]
    assert asked and asked[-1].path == "relief_target", "the first staff question comes next"
    reply = finish(service, staff, reply)
    assert any(isinstance(o, Completed) and "确认人：刘干事" in o.text for o in reply.outputs)
    with Session(service.db) as s:
        iv = s.get(Interview, iid)
        audit = [a.action for a in s.exec(select(AuditLog)).all()]
    a = iv.state["answers"]
    assert iv.status == "submitted" and iv.unit == "东宝区总工会" and iv.created_by == staff.id
    assert a["relief_target"] is True and a["filed_by"] == "刘干事" and a["key_groups"]
    assert iv.state["signature"]["name"] == "王建国", "the worker's signature is kept"
    assert iv.state["completed"]["name"] == "刘干事" and "take_over" in audit
    assert iv.ref and iv.category == "低保边缘户"
