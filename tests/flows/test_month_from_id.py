"""A birth date given as a month only (1975年3月, 75年3月) where the ID number gives the day (issue 12):
the day is offered from the ID number and stored once confirmed; another month is asked again."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.service import IntakeService
from flows.outputs import Input, Menu, Notice
from storage.models import User
from tests.support.factory import load, make_service
from tests.support.household import follow
from tests.support.plans import WANG, sex_typed


@pytest.fixture
def service(tmp_path: Path) -> IntakeService:
    return make_service(f"sqlite:///{tmp_path / 'intake.db'}")


def _at(service: IntakeService, user: User, path: str) -> int:
    return follow(service, user, service.start_interview(user=user, kind="survey"), sex_typed(WANG),
                  until=path).interview_id or 0


@pytest.mark.parametrize("path,typed,day", [("birth_date", "1975年3月", "1975-03-14"),
                                            ("birth_date", "75年3月", "1975-03-14"),
                                            ("members.0.birth_date", "78年6月", "1978-06-12")])
def test_a_month_the_id_number_agrees_with_offers_its_day(service: IntakeService, surveyor: User, path: str,
                                                          typed: str, day: str) -> None:
    iid = _at(service, surveyor, path)
    asked = service.handle(user=surveyor, interview_id=iid, inp=Input("text", text=typed))
    confirm = next(o for o in asked.outputs if isinstance(o, Menu))
    assert day in confirm.text and confirm.key == "confirm:value"
    service.handle(user=surveyor, interview_id=iid, inp=Input("text", text="对"))
    answers = load(service, iid).state["answers"]
    stored = answers["birth_date"] if path == "birth_date" else answers["members"][0]["birth_date"]
    assert stored == day


def test_another_month_is_asked_again(service: IntakeService, surveyor: User) -> None:
    iid = _at(service, surveyor, "birth_date")
    reply = service.handle(user=surveyor, interview_id=iid, inp=Input("text", text="1975年4月"))
    assert [o for o in reply.outputs if isinstance(o, Notice) and o.level == "error"]
    assert "birth_date" not in load(service, iid).state["answers"]
