"""The chat's live question (bot.telegram.live): whose message is edited into which record, and the 48 h limit."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.service import IntakeService, Reply
from bot.telegram.actions import EditMessage, SendMessage
from bot.telegram.live import LiveQuestions
from flows.outputs import Answered, Ask, Button
from storage import pending
from storage.live_rows import LiveRow, LiveRows
from storage.models import PendingReply, utcnow

CHAT = 4242


def _ask(path: str) -> Ask:
    return Ask(path=path, label=path, text=f"请填写：{path}", progress=(1, 9), section="s",
               buttons=((Button("返回", "3:back"),),), required=True)


def _set(service: IntakeService, *, user_id: int, key: str, message_id: int) -> None:
    LiveRows(service.steps).set(LiveRow(chat_id=CHAT, user_id=user_id, interview_id=7, message_id=message_id,
                                        payload={"key": key}))


def _answered(interview_id: int) -> Reply:
    return Reply(interview_id, [Answered("ethnicity", "✔ 民族：汉族"), _ask("political_status")])


def test_an_answer_edits_its_own_question_into_the_record_and_the_next_one_becomes_live(service: IntakeService) -> None:
    live = LiveQuestions(service)
    _set(service, user_id=0, key="ask:ethnicity", message_id=50)
    actions = live.tidy(CHAT, _answered(7), fresh=False)
    assert actions[0] == EditMessage(CHAT, 50, "✔ 民族：汉族", ())
    send = actions[1]
    assert isinstance(send, SendMessage) and send.live is not None and send.live.key == "ask:political_status"


def test_another_drafts_question_only_loses_its_keyboard(service: IntakeService) -> None:
    live = LiveQuestions(service)
    _set(service, user_id=0, key="ask:ethnicity", message_id=50)
    actions = live.tidy(CHAT, _answered(8), fresh=False)  # an answer in draft 8: message 50 shows draft 7
    assert actions[0] == EditMessage(CHAT, 50, None, ())


def test_a_question_older_than_telegram_allows_editing_is_sent_anew(service: IntakeService) -> None:
    live = LiveQuestions(service)
    _set(service, user_id=0, key="ask:ethnicity", message_id=50)
    with Session(service.db) as s:
        row = s.exec(select(PendingReply).where(PendingReply.kind == pending.LIVE)).one()
        row.created_at = utcnow() - timedelta(hours=47, minutes=5)
        s.add(row)
        s.commit()
    actions = live.tidy(CHAT, _answered(7), fresh=False)
    assert not any(isinstance(a, EditMessage) for a in actions)
    assert isinstance(actions[-1], SendMessage) and "请填写：political_status" in actions[-1].text
    assert LiveRows(service.steps).get(CHAT) is None


def test_the_live_row_is_never_read_as_a_prompt_waiting_for_a_typed_reply(service: IntakeService) -> None:
    _set(service, user_id=3, key="ask:ethnicity", message_id=50)
    with Session(service.db) as s:
        assert pending.answered_by(s, chat_id=CHAT, user_id=3, message_id=50) is None
    _set(service, user_id=3, key="ask:name", message_id=51)
    with Session(service.db) as s:
        assert len(s.exec(select(PendingReply).where(PendingReply.chat_id == CHAT)).all()) == 1, "one row per chat"


def _rows(service: IntakeService) -> list[tuple[int, int | None]]:
    with Session(service.db) as s:
        return [(r.chat_id, r.message_id) for r in s.exec(select(PendingReply).where(
            PendingReply.kind == pending.LIVE)).all()]


def test_write_behind_keeps_rows_in_memory_and_writes_them_in_one_batch(service: IntakeService) -> None:
    """One process on SQLite: a kept row is exact at once and reaches the database with the next batch."""
    from bot.telegram.actions import Live

    live = LiveQuestions(service, write_behind=True)
    live.keep(CHAT, Live(7, "ask:ethnicity", 1), 50)
    live.keep(CHAT + 1, Live(8, "ask:name", 2), 60)
    assert _rows(service) == []  # no write of its own per answer
    current = live.current(CHAT)
    assert current is not None and current.message_id == 50
    assert live.tidy(CHAT, _answered(7), fresh=False)[0] == EditMessage(CHAT, 50, "✔ 民族：汉族", ())
    live.flush()
    assert sorted(_rows(service)) == [(CHAT, 50), (CHAT + 1, 60)]  # (CHAT's next question replaces it when sent)
    live.forget(CHAT + 1)
    live.flush()
    assert _rows(service) == [(CHAT, 50)]
    again = LiveQuestions(service, write_behind=True)  # a restart reads what the last batch wrote
    row = again.current(CHAT)
    assert row is not None and row.message_id == 50 and again.current(CHAT + 1) is None
