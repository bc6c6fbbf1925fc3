"""After a card is read, the person is asked once whether to keep the photo as an attachment of type 身份证:
agreed → one 附件 item (身份证) and one Attachment row, the file on disk; declined → nothing kept, the file
deleted. Either way the question the photo was sent at comes next, with what was read offered."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from bench.id_cards import CARDS, draw_card
from bot.service import IntakeService
from bot.telegram.actions import FileInfo
from bot.telegram.files import AttachmentStore
from bot.terminal import TerminalChat
from flows.catalog import t
from flows.idcard_text import CardReading
from flows.outputs import Ask, Input, Menu
from storage.models import Attachment, User
from tests.support.factory import load, make_service
from tests.support.household import follow
from tests.support.plans import WANG

ID = t("ocr.doc.id_card")

CARD = CARDS[0]
READ = CardReading(name=CARD.name, sex=CARD.sex, ethnicity="汉族", birth_date=CARD.birth, address=CARD.address,
                   id_number=CARD.number)


@pytest.fixture
def service(tmp_path: Path) -> IntakeService:
    return make_service(f"sqlite:///{tmp_path / 'intake.db'}")


def _at(service: IntakeService, user: User, path: str) -> int:
    return follow(service, user, service.start_interview(user=user, kind="survey"), WANG, until=path).interview_id or 0


def _photo(tmp_path: Path, iid: int, data: bytes = b"\xff\xd8 a card photo") -> dict[str, Any]:
    info = FileInfo("tg-file-1", "uniq-1", "photo", "", "image/jpeg", len(data))
    return AttachmentStore(tmp_path / "attachments").save(interview_id=iid, data=data, info=info, name="照片.jpg")


def _send(service: IntakeService, user: User, iid: int, photo: dict[str, Any] | None):
    return service.handle(user=user, interview_id=iid, inp=Input("file", file={"card": READ.as_state(),
                                                                                "photo": photo}))


def _menu(reply) -> Menu:
    return next(o for o in reply.outputs if isinstance(o, Menu))


def _ask(reply) -> Ask:
    return next(o for o in reply.outputs if isinstance(o, Ask))


def _rows(service: IntakeService, iid: int) -> list[Attachment]:
    with Session(service.db) as s:
        return list(s.exec(select(Attachment).where(Attachment.interview_id == iid)).all())


def _press(service: IntakeService, user: User, iid: int, reply, label: str):
    button = next(b for row in _menu(reply).buttons for b in row if b.label == label)
    return service.handle(user=user, interview_id=iid, inp=Input("button", data=button.data))


def test_keeping_the_photo_adds_a_card_attachment_with_its_row(service: IntakeService, surveyor: User,
                                                               tmp_path: Path) -> None:
    iid = _at(service, surveyor, "id_number")
    photo = _photo(tmp_path, iid)
    reply = _send(service, surveyor, iid, photo)
    menu = _menu(reply)
    assert menu.text == t("ocr.keep_photo", doc=ID)
    assert [b.label for b in menu.buttons[0]] == [t("ocr.keep_yes", doc=ID), t("ocr.keep_no")]
    assert "attachments" not in load(service, iid).state["answers"] and _rows(service, iid) == []  # asked first
    reply = _press(service, surveyor, iid, reply, t("ocr.keep_yes", doc=ID))
    ask = _ask(reply)
    assert ask.path == "id_number" and f"✔ {CARD.number}" in [b.label for row in ask.buttons for b in row]
    [item] = load(service, iid).state["answers"]["attachments"]
    assert (item["type"], item["name"]) == ("身份证", f"身份证正面-{CARD.name}")
    assert item["file"]["sha256"] == hashlib.sha256(b"\xff\xd8 a card photo").hexdigest()
    [row] = _rows(service, iid)
    assert (row.sha256, row.path, row.size) == (photo["sha256"], photo["path"], photo["size"])
    assert Path(row.path).read_bytes() == b"\xff\xd8 a card photo"
    assert "id_number" not in load(service, iid).state["answers"]  # the read number is still only offered


@pytest.mark.parametrize("word", ["不要", "不保存"])
def test_declining_keeps_nothing_and_deletes_the_file(service: IntakeService, surveyor: User, tmp_path: Path,
                                                      word: str) -> None:
    iid = _at(service, surveyor, "name")
    photo = _photo(tmp_path, iid)
    reply = _send(service, surveyor, iid, photo)
    if word == "不要":  # typed, as on a phone
        reply = service.handle(user=surveyor, interview_id=iid, inp=Input("text", text=word))
    else:
        reply = _press(service, surveyor, iid, reply, t("ocr.keep_no"))
    assert _ask(reply).path == "name" and f"✔ {CARD.name}" in _ask(reply).text
    assert not Path(photo["path"]).exists()
    assert "attachments" not in load(service, iid).state["answers"] and _rows(service, iid) == []


def test_a_typed_yes_keeps_it_once(service: IntakeService, surveyor: User, tmp_path: Path) -> None:
    iid = _at(service, surveyor, "id_number")
    _send(service, surveyor, iid, _photo(tmp_path, iid))
    service.handle(user=surveyor, interview_id=iid, inp=Input("text", text="要"))
    reply = service.handle(user=surveyor, interview_id=iid, inp=Input("text", text="对"))  # the offered number
    assert load(service, iid).state["answers"]["id_number"] == CARD.number
    assert len(load(service, iid).state["answers"]["attachments"]) == 1 and len(_rows(service, iid)) == 1
    assert not any(isinstance(o, Menu) and o.text == t("ocr.keep_photo", doc=ID) for o in reply.outputs)  # asked once


def test_nothing_read_means_no_question_and_no_file(service: IntakeService, surveyor: User, tmp_path: Path) -> None:
    iid = _at(service, surveyor, "id_number")
    photo = _photo(tmp_path, iid)
    reply = service.handle(user=surveyor, interview_id=iid,
                           inp=Input("file", file={"card": {"values": {}}, "photo": photo}))
    assert _ask(reply).path == "id_number" and not Path(photo["path"]).exists()


def test_a_photo_already_attached_is_not_deleted_when_declined(service: IntakeService, surveyor: User,
                                                               tmp_path: Path) -> None:
    iid = _at(service, surveyor, "id_number")
    photo = _photo(tmp_path, iid)
    _send(service, surveyor, iid, photo)
    service.handle(user=surveyor, interview_id=iid, inp=Input("text", text="要"))
    _send(service, surveyor, iid, photo)  # the same bytes again: the same file on disk
    service.handle(user=surveyor, interview_id=iid, inp=Input("text", text="不要"))
    assert Path(photo["path"]).exists() and len(_rows(service, iid)) == 1


@pytest.mark.parametrize("keep", [True, False], ids=["kept", "declined"])
def test_the_terminal_keeps_the_path_s_file_only_if_agreed(service: IntakeService, surveyor: User, card_reader,
                                                           tmp_path: Path, keep: bool) -> None:
    photo = tmp_path / "card.jpg"
    photo.write_bytes(draw_card(CARD, seed=0))
    chat = TerminalChat(service, surveyor, out=io.StringIO(), attachments=tmp_path / "files")
    chat.interview_id = iid = _at(service, surveyor, "id_number")
    reply = chat.answer(str(photo))
    assert _menu(reply).text == t("ocr.keep_photo", doc=ID)
    chat.show(reply)
    reply = chat.answer("要" if keep else "不要")
    assert _ask(reply).path == "id_number"
    stored = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    rows = _rows(service, iid)
    assert photo.exists()  # the person's own file is never touched
    if keep:
        assert [Path(r.path) for r in rows] == stored and stored[0].read_bytes() == photo.read_bytes()
        assert rows[0].sha256 == hashlib.sha256(photo.read_bytes()).hexdigest()
        assert (stored[0].stat().st_mode & 0o777) == 0o600 or (stored[0].stat().st_mode & 0o077) == 0
        assert load(service, iid).state["answers"]["attachments"][0]["type"] == "身份证"
    else:
        assert stored == [] and rows == []


@pytest.mark.parametrize("command", ["跳过", "返回", "取消"])
def test_a_command_at_the_keep_question_keeps_nothing_and_leaves_no_file(service: IntakeService, surveyor: User,
                                                                        tmp_path: Path, command: str) -> None:
    iid = _at(service, surveyor, "id_number")
    photo = _photo(tmp_path, iid)
    _send(service, surveyor, iid, photo)
    reply = service.handle(user=surveyor, interview_id=iid, inp=Input("text", text=command))
    assert t("ocr.photo_dropped", doc=ID) in [getattr(o, "text", "") for o in reply.outputs]
    assert not Path(photo["path"]).exists() and _rows(service, iid) == []
    assert (load(service, iid).state.get("pending") or {}).get("kind") != "card_photo"
