"""A worker's self-report is taken over by staff, who complete the help plan; the worker's signature stays."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot.service import AccessDenied, IntakeService
from flows.outputs import Completed
from storage import review
from storage.models import AuditLog, Interview
from tests.support.factory import UNIT, make_user
from tests.support.household import follow


def test_staff_take_over_a_self_report_and_complete_the_help_plan(service: IntakeService) -> None:
    worker = make_user(service, tg_id=1001, name="王建国")
    staff = make_user(service, "staff", UNIT, tg_id=2001, name="刘干事")
    other = make_user(service, "surveyor", UNIT, tg_id=2002, name="周干事")
    done = follow(service, worker, service.resume_or_start(user=worker))
    iid = done.interview_id
    assert any(isinstance(o, Completed) for o in done.outputs)
    with Session(service.db) as s:
        before = s.get(Interview, iid)
        waiting = [iv.id for iv in review.submitted(s, user=staff)]
    assert "relief_target" not in before.state["answers"] and before.unit == "" and iid in waiting
    with pytest.raises(AccessDenied):
        service.take_over(user=other, interview_id=iid)  # a surveyor cannot take over from /review

    reply = service.take_over(user=staff, interview_id=iid)
    asked = [o for o in reply.outputs if hasattr(o, "path")]
    assert asked and asked[-1].path == "relief_target", "the first staff question comes next"
    reply = follow(service, staff, reply)
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
