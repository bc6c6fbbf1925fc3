"""Issue 13 in storage and the service: the SQL of the access rules agrees with flows.policy, invites, take-over."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot.service import AccessDenied, IntakeService
from flows import policy
from flows.outputs import Input
from storage import invites, repo, review
from storage.households import readable_filter, visible_filter
from storage.models import AuditLog, Interview, Invite, User
from tests.support.factory import OTHER_UNIT, UNIT, make_user
from tests.support.household import drive, submit
from tests.support.plans import WANG, household


def _ids(service: IntakeService, clause) -> set[int]:  # noqa: ANN001
    with Session(service.db) as s:
        return {iv.id for iv in s.exec(select(Interview).where(clause))}


def _all(service: IntakeService) -> list[Interview]:
    with Session(service.db) as s:
        return list(s.exec(select(Interview)))


def test_the_review_list_and_the_sql_agree_with_the_policy(service: IntakeService) -> None:
    worker = make_user(service, tg_id=501, name="王建国")
    self_report = submit(service, worker, kind="self")  # region 东宝区, no unit: it claims 东宝区总工会
    other_worker = make_user(service, tg_id=502, name="李秀英")
    drafting = drive(service, other_worker, household(name="李秀英", id_number="420802197806120412"),
                     kind="self", steps=3)
    surveyor = make_user(service, "surveyor", UNIT, local_name="s1")
    survey = submit(service, surveyor, household(name="赵国强", id_number="420802196805050016"))
    staff, other = make_user(service, "staff", UNIT, local_name="st"), make_user(service, "staff", OTHER_UNIT,
                                                                                 local_name="st2")
    admin = make_user(service, "admin", "", local_name="ad")
    with Session(service.db) as s:
        assert {iv.id for iv in review.submitted(s, user=staff)} == {self_report, survey}
        assert review.submitted(s, user=other) == [], "another unit's staff see neither"
        assert {iv.id for iv in review.submitted(s, user=admin)} == {self_report, survey}
    everything = _all(service)
    for user in (staff, other, admin, surveyor, worker, other_worker):
        assert _ids(service, readable_filter(user)) == {iv.id for iv in everything if policy.can_read(user, iv)}
    assert drafting not in _ids(service, readable_filter(staff)), "a self-report's draft is nobody else's"
    assert self_report not in _ids(service, visible_filter(staff)), "read only: not in what staff may change"


def test_staff_of_another_unit_neither_open_change_nor_take_over_a_self_report(service: IntakeService) -> None:
    worker = make_user(service, tg_id=511, name="王建国")
    iid = submit(service, worker, kind="self")
    other, staff = make_user(service, "staff", OTHER_UNIT, tg_id=512), make_user(service, "staff", UNIT, tg_id=513)
    for who in (other, staff):
        with pytest.raises(AccessDenied):
            service.handle(user=who, interview_id=iid, inp=Input("start"))
    with pytest.raises(AccessDenied):
        service.take_over(user=other, interview_id=iid)
    with Session(service.db) as s, pytest.raises(policy.AccessDenied):
        review.take_over(s, interview_id=iid, taker=other)  # storage checks it too
    service.take_over(user=staff, interview_id=iid)
    with Session(service.db) as s:
        iv = s.get(Interview, iid)
        taken = s.exec(select(AuditLog).where(AuditLog.action == "take_over")).one()
    assert iv is not None and (iv.unit, iv.kind, iv.created_by) == (UNIT, "survey", staff.id)
    assert taken.actor_id == staff.id and taken.detail["old_unit"] == "" and taken.detail["unit"] == UNIT


def test_a_demoted_surveyor_no_longer_opens_the_drafts_they_created(service: IntakeService) -> None:
    surveyor = make_user(service, "surveyor", UNIT, tg_id=521)
    iid = drive(service, surveyor, WANG, steps=2)
    service.handle(user=surveyor, interview_id=iid, inp=Input("start"))  # theirs while a surveyor
    demoted = make_user(service, "worker", UNIT, tg_id=521)
    assert demoted.role == "worker"
    with pytest.raises(AccessDenied):
        service.handle(user=demoted, interview_id=iid, inp=Input("text", text="群众"))
    assert service.resume_or_start(user=demoted).interview_id != iid, "not resumed as their active one"


def _invite(service: IntakeService, *, role: str, unit: str, by: User | None) -> str:
    with Session(service.db, expire_on_commit=False) as s:
        return invites.create_invite(s, role=role, unit=unit, created_by=by.id if by else None).code


def test_an_invite_never_lowers_a_role_nor_moves_a_unit_unconfirmed(service: IntakeService) -> None:
    inviter = make_user(service, "staff", "京山市总工会", tg_id=531)
    staff = make_user(service, "staff", UNIT, tg_id=532)
    surveyor = make_user(service, "surveyor", UNIT, tg_id=533)
    lower = _invite(service, role="surveyor", unit="京山市总工会", by=inviter)
    with Session(service.db, expire_on_commit=False) as s:
        with pytest.raises(invites.InviteError) as refused:
            invites.redeem_invite(s, code=lower, user=s.get(User, staff.id))
        with pytest.raises(invites.InviteError) as moving:
            invites.redeem_invite(s, code=lower, user=s.get(User, surveyor.id))
        assert s.get(Invite, lower).used_by is None, "a refused invite stays unused"
    assert (refused.value.reason, moving.value.reason) == ("lower", "other_unit")
    assert (service.user(tg_id=532).unit, service.user(tg_id=533).unit) == (UNIT, UNIT)

    by_admin = _invite(service, role="surveyor", unit="京山市总工会", by=None)
    with Session(service.db, expire_on_commit=False) as s:
        with pytest.raises(invites.InviteError) as unconfirmed:
            invites.redeem_invite(s, code=by_admin, user=s.get(User, surveyor.id))
        assert unconfirmed.value.reason == "confirm_move" and s.get(Invite, by_admin).used_by is None
        invites.redeem_invite(s, code=by_admin, user=s.get(User, surveyor.id), confirmed_move=True)
        moved = s.exec(select(AuditLog).where(AuditLog.action == "change_unit")).one()
    assert service.user(tg_id=533).unit == "京山市总工会"
    assert (moved.detail["old_unit"], moved.detail["unit"]) == (UNIT, "京山市总工会")


def test_the_duplicate_check_tells_another_unit_only_that_the_number_is_registered(service: IntakeService) -> None:
    owner = make_user(service, "surveyor", UNIT, tg_id=541)
    submit(service, owner)
    stranger = make_user(service, "surveyor", OTHER_UNIT, tg_id=542)
    iid = drive(service, stranger, household(name="孙立"), until="sex")
    iv = repo.load_interview(Session(service.db), interview_id=iid)
    assert iv is not None and iv.status == "draft" and iv.state["answers"]["id_number"] == WANG["id_number"]
    assert "已有档案登记" in iv.state["flags"]["id_number"] and "JM" not in iv.state["flags"]["id_number"]
    staff = make_user(service, "staff", UNIT, tg_id=543)
    found = service.duplicate_for(staff, service._duplicate(WANG["id_number"], None))
    assert found is not None and found["who"] == "王建国" and found["status"] == "已提交", "owners get details"
    assert service.duplicate_for(stranger, service._duplicate(WANG["id_number"], None)) == {"hidden": True}
