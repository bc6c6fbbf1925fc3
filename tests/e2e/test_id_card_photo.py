"""An ID card photo at the 身份证号 question on Telegram (aiogram and ptb, the real bot process and the real
OCR): 正在识别证件 is said while reading; the person is asked once whether to keep the photo (kept: one
附件 of type 身份证 and its Attachment row, the file on disk; declined: nothing, no file); the number and later
the address are offered, confirmed with taps, and the ledger holds them; neither the photo nor the text read
is logged."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bench.id_cards import CARDS, FONT, draw_card
from flows.autofill import OFFER
from storage.models import Attachment, Interview, User
from tests.e2e.conftest import BotProcess
from tests.e2e.people import buttons_of, text_of
from tests.support.natural import ledger_rows, run_exports
from tests.support.plans import household

pytest.importorskip("rapidocr_onnxruntime")
CARD = CARDS[0]  # 王建国, the number of the Wang plan


@pytest.mark.skipif(not FONT.exists(), reason="fonts-noto-cjk is missing (.ci/run installs it)")
@pytest.mark.parametrize(("as_document", "keep"), [(False, True), (True, False)], ids=["photo-kept", "document-declined"])
def test_a_card_photo_at_the_id_question_fills_the_ledger_after_taps(bot: BotProcess, tmp_path: Path,
                                                                     as_document: bool, keep: bool) -> None:
    name = "王建国" if not as_document else "王建军"
    worker = bot.person(name)
    plan = household(name=name, id_number=OFFER, address=OFFER)
    prompt = worker.fill(worker.says("/start"), plan, stop_at="身份证号")
    assert "也可以直接拍身份证正面" in text_of(prompt)
    photo = draw_card(CARD, seed=3)
    since = bot.api.mark()
    asked = worker.sends_file((photo, "身份证.jpg", "image/jpeg") if as_document else photo, timeout=90)
    said = [text_of(c) for c in bot.api.sent_to(worker.chat, since=since) if c.n < asked.n]
    assert any("正在识别证件" in x for x in said), said  # told while the card is read
    assert buttons_of(asked)[:2] == ["保存为附件（身份证）", "不保存"], text_of(asked)
    reply = worker.presses("保存为附件（身份证）" if keep else "不保存")
    assert f"✔ {CARD.number}" in buttons_of(reply), text_of(reply)
    assert "请填写：身份证号" in text_of(reply)
    done = worker.fill(reply, plan)  # presses ✔ at 身份证号 and at 家庭住址
    assert "✅ 已提交" in text_of(done)
    with Session(bot.db) as s:
        user = s.exec(select(User).where(User.tg_id == worker.user.id)).one()
        iv = s.exec(select(Interview).where(Interview.created_by == user.id)).one()
        answers = iv.state["answers"]
        assert (answers["id_number"], answers["address"]) == (CARD.number, CARD.address)
        assert (answers["sex"], answers["birth_date"]) == ("男", CARD.birth)
        rows = s.exec(select(Attachment).where(Attachment.interview_id == iv.id)).all()
        kept = answers.get("attachments") or []
        if keep:  # one 附件 of type 身份证, its row, the very bytes on disk
            assert [a["type"] for a in kept] == ["身份证"] and len(rows) == 1
            assert Path(rows[0].path).read_bytes() == photo and rows[0].path == kept[0]["file"]["path"]
            assert rows[0].sha256 == hashlib.sha256(photo).hexdigest()
        else:
            assert rows == [] and kept == []
            assert not [p for p in bot.attachments.rglob("*") if p.is_file() and str(iv.id) in p.parts]
    row = next(r for r in ledger_rows(run_exports(bot.db_url, tmp_path)["xlsx"]) if r["姓名"] == name)
    assert CARD.number in row.values() and CARD.address in row.values(), row
    log = bot.log()
    assert CARD.address not in log and "象山大道" not in log and CARD.number not in log
