"""Separation of duties from the answer journal: whoever edited a record's 帮扶计划 does not approve it."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.service import IntakeService
from flows import policy
from flows.outputs import Input
from storage import review
from storage.models import AnswerEvent
from tests.support.factory import UNIT, load, make_team, make_user
from tests.support.household import finish, submit
from tests.support.plans import WANG


def test_a_staff_member_who_edited_the_help_plan_may_not_approve_it(service: IntakeService) -> None:
    team = make_team(service)
    editor = make_user(service, "staff", UNIT, local_name="st3")
    iid = submit(service, team["surveyor"])
    with service.session() as s:
        review.return_to_author(s, interview_id=iid, reviewer=team["staff"], comment="帮扶责任人有误",
                                paths=["help_person"])
    # another staff member of the unit opens the returned record and corrects 帮扶责任人 (a help-plan field)
    reply = service.handle(user=editor, interview_id=iid, inp=Input("start"), require_open=True)
    finish(service, editor, reply, dict(WANG, help_person="周帮扶"))
    iv = load(service, iid)
    assert iv.created_by == team["surveyor"].id and iv.state["answers"]["help_person"] == "周帮扶"
    with service.session() as s:
        assert review.plan_editors(s, [iid])[iid] >= {editor.id, team["surveyor"].id}
        assert not review.may_approve(s, editor, iv) and review.may_approve(s, team["staff"], iv)
        with pytest.raises(policy.AccessDenied):
            review.approve(s, interview_id=iid, reviewer=editor)
    assert load(service, iid).status == "submitted"
    with service.session() as s:
        done = review.approve(s, interview_id=iid, reviewer=team["staff"])  # only returned it: may approve
    assert done.status == "approved" and review.SELF_APPROVAL_KEY not in done.state


def test_editing_outside_the_help_plan_does_not_count(service: IntakeService) -> None:
    team = make_team(service)
    editor = make_user(service, "staff", UNIT, local_name="st4")
    iid = submit(service, team["surveyor"])
    with service.session() as s:
        review.return_to_author(s, interview_id=iid, reviewer=team["staff"], comment="手机号码有误", paths=["phone"])
    reply = service.handle(user=editor, interview_id=iid, inp=Input("start"), require_open=True)
    finish(service, editor, reply, dict(WANG, phone="13900001111"))
    with service.session() as s:
        paths = {e.path for e in s.exec(select(AnswerEvent).where(AnswerEvent.interview_id == iid,
                                                                   AnswerEvent.actor_id == editor.id))}
        assert "phone" in paths and not paths & policy.help_plan_paths(service.registry.archive_form()), paths
        assert review.may_approve(s, editor, load(service, iid))


def test_an_admin_who_edited_the_help_plan_approves_and_it_is_marked(service: IntakeService) -> None:
    team = make_team(service)
    iid = submit(service, team["surveyor"])
    with service.session() as s:
        review.return_to_author(s, interview_id=iid, reviewer=team["staff"], comment="帮扶单位有误", paths=["help_unit"])
    reply = service.handle(user=team["admin"], interview_id=iid, inp=Input("start"), require_open=True)
    finish(service, team["admin"], reply, dict(WANG, help_unit="掇刀区总工会"))
    with service.session() as s:
        assert review.is_self_approval(s, team["admin"], load(service, iid))
        done = review.approve(s, interview_id=iid, reviewer=team["admin"], name="王管理")
    assert done.state[review.SELF_APPROVAL_KEY]["by"] == "王管理"
