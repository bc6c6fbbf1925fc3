"""A card's reading at the 姓名 / 身份证号 question: each value offered at its question, stored only once
confirmed (tap or 对), a 不对 asks for the right one, the number wins over the card's printed date."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from bench.id_cards import CARDS, draw_card
from bot.service import IntakeService
from bot.terminal import TerminalChat
from flows.autofill import OFFER
from flows.catalog import t
from flows.idcard_text import CardReading
from flows.outputs import Ask, Input, Notice
from storage.models import User
from tests.support.factory import load, make_service
from tests.support.household import follow
from tests.support.plans import WANG

CARD = CARDS[0]  # 王建国, 420802197503141232: the number of the WANG plan
READ = CardReading(name=CARD.name, sex=CARD.sex, ethnicity="汉族", birth_date=CARD.birth, address=CARD.address,
                   id_number=CARD.number)
BY_CARD = {**WANG, "name": OFFER, "ethnicity": OFFER, "id_number": OFFER, "address": OFFER}


@pytest.fixture
def service(tmp_path: Path) -> IntakeService:
    return make_service(f"sqlite:///{tmp_path / 'intake.db'}")


def _at(service: IntakeService, user: User, path: str) -> int:
    return follow(service, user, service.start_interview(user=user, kind="survey"), WANG, until=path).interview_id or 0


def _send(service: IntakeService, user: User, iid: int, reading: dict[str, Any]):
    return service.handle(user=user, interview_id=iid, inp=Input("file", file={"card": reading}))


def _ask(reply) -> Ask:
    return next(o for o in reply.outputs if isinstance(o, Ask))


def test_the_worker_s_questions_say_a_card_photo_may_be_sent(service: IntakeService, surveyor: User) -> None:
    reply = service.start_interview(user=surveyor, kind="survey")
    assert t("ocr.hint") in _ask(reply).text


def test_the_terminal_asks_for_a_path_instead_of_a_photo(service: IntakeService, surveyor: User,
                                                         tmp_path: Path) -> None:
    out = io.StringIO()
    chat = TerminalChat(service, surveyor, out=out, attachments=tmp_path / "files")
    chat.show(service.start_interview(user=surveyor, kind="survey"))
    shown = out.getvalue()
    assert shown.count(t("ocr.hint_terminal")) == 1
    assert t("ocr.hint") not in shown  # no camera in a terminal: the chat's "拍…发过来" line is replaced


def test_a_card_at_the_name_question_offers_each_field_and_stores_only_the_confirmed(
        service: IntakeService, surveyor: User) -> None:
    iid = _at(service, surveyor, "name")
    reply = _send(service, surveyor, iid, READ.as_state())
    assert "name" not in load(service, iid).state["answers"]  # offered, not stored
    ask = _ask(reply)
    assert ask.path == "name" and f"✔ {CARD.name}" in [b.label for row in ask.buttons for b in row]
    # tap the ✔ button of the offer
    button = next(b for row in ask.buttons for b in row if b.label == f"✔ {CARD.name}")
    reply = service.handle(user=surveyor, interview_id=iid, inp=Input("button", data=button.data))
    assert _ask(reply).path == "ethnicity" and "汉族" in _ask(reply).text
    follow(service, surveyor, reply, BY_CARD, until="health")
    answers = load(service, iid).state["answers"]
    assert (answers["name"], answers["ethnicity"], answers["id_number"]) == (CARD.name, "汉族", CARD.number)
    assert (answers["sex"], answers["birth_date"]) == ("男", "1975-03-14")
    follow(service, surveyor, _ask_again(service, surveyor, iid), BY_CARD, until="employer")
    assert load(service, iid).state["answers"]["address"] == CARD.address


def _ask_again(service: IntakeService, user: User, iid: int):
    return service.handle(user=user, interview_id=iid, inp=Input("start"))


def test_no_to_an_offer_asks_for_the_right_value(service: IntakeService, surveyor: User) -> None:
    iid = _at(service, surveyor, "name")
    _send(service, surveyor, iid, READ.as_state())
    reply = service.handle(user=surveyor, interview_id=iid, inp=Input("text", text="不对"))
    assert _ask(reply).path == "name"
    service.handle(user=surveyor, interview_id=iid, inp=Input("text", text="王建军"))
    assert load(service, iid).state["answers"]["name"] == "王建军"


def test_a_member_s_card_at_the_member_s_id_question(service: IntakeService, surveyor: User) -> None:
    iid = _at(service, surveyor, "members.0.id_number")
    member = CARDS[1]
    reading = CardReading(name=member.name, sex=member.sex, birth_date=member.birth, id_number=member.number)
    reply = _send(service, surveyor, iid, reading.as_state())
    assert _ask(reply).path == "members.0.id_number" and member.number in _ask(reply).text
    reply = service.handle(user=surveyor, interview_id=iid, inp=Input("text", text="对"))
    assert load(service, iid).state["answers"]["members"][0]["id_number"] == member.number
    assert load(service, iid).state["answers"]["id_number"] == WANG["id_number"]  # the worker's is untouched
    assert member.birth in _ask(follow(service, surveyor, reply, WANG, until="members.0.sex")).text  # 性别 and 出生日期 offered together (flows.id_offers)


def test_a_wrong_check_digit_and_a_disagreeing_birth_date_are_told(service: IntakeService, surveyor: User) -> None:
    iid = _at(service, surveyor, "id_number")
    reply = _send(service, surveyor, iid, {"values": {"name": CARD.name}, "conflicts": ["birth_date"],
                                           "rejected_number": True})
    notes = [o.text for o in reply.outputs if isinstance(o, Notice)]
    assert t("ocr.number_unsure") in notes and t("ocr.conflict.birth_date") in notes
    assert _ask(reply).path == "id_number" and "✔" not in _ask(reply).text


def test_where_reading_is_unavailable_the_question_goes_on(service: IntakeService, surveyor: User) -> None:
    iid = _at(service, surveyor, "id_number")
    reply = _send(service, surveyor, iid, {"problem": "unavailable"})
    assert t("ocr.unavailable") in [o.text for o in reply.outputs if isinstance(o, Notice)]
    assert _ask(reply).path == "id_number"
    service.handle(user=surveyor, interview_id=iid, inp=Input("text", text=WANG["id_number"]))
    assert load(service, iid).state["answers"]["id_number"] == WANG["id_number"]


def test_a_card_elsewhere_is_not_taken(service: IntakeService, surveyor: User) -> None:
    iid = _at(service, surveyor, "phone")
    reply = _send(service, surveyor, iid, READ.as_state())
    assert t("ocr.not_here") in [o.text for o in reply.outputs if isinstance(o, Notice)]
    assert "card" not in load(service, iid).state or not load(service, iid).state["card"]


def test_the_terminal_reads_a_photo_path_at_the_id_question(service: IntakeService, surveyor: User, card_reader,
                                                            tmp_path: Path) -> None:
    photo = tmp_path / "card.jpg"
    photo.write_bytes(draw_card(CARD, seed=0))
    out = io.StringIO()
    chat = TerminalChat(service, surveyor, out=out, attachments=tmp_path / "files")
    chat.interview_id = _at(service, surveyor, "id_number")
    chat.answer(str(photo))  # first: keep the photo as an attachment? (tests/ocr/test_keep_photo.py)
    reply = chat.answer("不要")
    assert _ask(reply).path == "id_number" and f"✔ {CARD.number}" in [b.label for row in _ask(reply).buttons
                                                                          for b in row]
    chat.show(reply)
    assert t("ocr.hint_terminal") in out.getvalue()
    chat.answer("对")
    assert load(service, chat.interview_id).state["answers"]["id_number"] == CARD.number
    assert not [p for p in (tmp_path / "files").rglob("*") if p.is_file()]  # the photo is not kept


def test_a_member_s_card_is_forgotten_once_the_member_s_questions_are_left(service: IntakeService,
                                                                             surveyor: User) -> None:
    iid = _at(service, surveyor, "members.0.name")
    member = CARDS[1]
    _send(service, surveyor, iid, CardReading(name=member.name, id_number=member.number).as_state())
    assert load(service, iid).state["card"]["offers"]["members.0.id_number"] == member.number
    reply = follow(service, surveyor, _ask_again(service, surveyor, iid), WANG, until="members.1.name")
    assert "card" not in load(service, iid).state  # the member list was shown: members.0 may change
    assert "✔" not in _ask(reply).text
