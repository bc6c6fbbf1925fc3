"""A tidy chat on the phone (both runtimes): answered questions are edited into one-line records with their
keyboards removed, a wrong answer gets a brief reply while the same question message stays live (also across a
restart), the progress counter never goes back, and no row of buttons is wider than a phone shows."""

from __future__ import annotations

import re

from flows.keyboard import row_fits
from tests.e2e.conftest import BotProcess
from tests.e2e.fake_bot_api import Call
from tests.e2e.people import text_of
from tests.support.plans import household

_PROGRESS = re.compile(r"^第 (\d+) 部分，共 (\d+) 部分 · (\d+)%", re.MULTILINE)


def _rows(call: Call) -> list[list[str]]:
    markup = call.params.get("reply_markup") or {}
    return [[b["text"] for b in row] for row in markup.get("inline_keyboard", [])] if isinstance(markup, dict) else []


def test_a_whole_interview_reads_like_the_filled_form(bot: BotProcess) -> None:
    worker = bot.person("王建国")
    since = bot.api.mark()
    prompt = worker.says("/start")
    done = worker.fill(prompt, household(attachments=[]))
    assert "✅ 已提交" in text_of(done)
    calls = bot.api.sent_to(worker.chat, since=since)
    sent = [c for c in calls if c.method == "sendMessage"]
    edits = [c for c in calls if c.method == "editMessageText"]
    records = [text_of(c) for c in edits if text_of(c).startswith("✔ ") and not _rows(c)]
    assert "✔ 民族：汉族" in records and "✔ 性别：男" in records and "✔ 家庭成员2·姓名：王小明" in records
    assert len(records) >= 60, f"every answered question became its record ({len(records)})"
    # the chat as it now reads: one-line records, no keyboard left live once the record is submitted
    chat = sorted(bot.api.messages[worker.chat].values(), key=lambda m: m["message_id"])
    assert [m["message_id"] for m in chat if m.get("reply_markup")] == []
    assert sum(1 for m in chat if m.get("text", "").startswith("✔ ")) == len(set(
        int(c.params["message_id"]) for c in edits if text_of(c).startswith("✔ ") and not _rows(c)))
    # progress: section n of N, a percentage that never goes back, N fixed for the whole interview
    seen = [tuple(map(int, m.groups())) for c in calls for m in _PROGRESS.finditer(text_of(c))]
    assert len(seen) >= 60
    percents = [p for _, _, p in seen]
    assert percents == sorted(percents), percents
    assert len({total for _, total, _ in seen}) == 1
    # every keyboard the interview showed fits a phone
    wide = [row for c in calls for row in _rows(c) if not row_fits(row)]
    assert wide == []
    print(f"\n{bot.runtime}: {len(sent)} messages sent, {len(edits)} edits for a 3-person household")


def test_a_wrong_answer_gets_a_brief_reply_and_the_same_question_stays_live_across_a_restart(bot: BotProcess) -> None:
    worker = bot.person("赵大军")
    worker.says("/start")
    question = worker.says("赵大军")
    assert "请填写：民族" in text_of(question)
    live = question.result["message_id"]
    since = bot.api.mark()
    again = worker.says("12345")
    assert again.method == "editMessageText" and int(again.params["message_id"]) == live, "the same message stays"
    bot.api.wait_idle()
    sent = [c for c in bot.api.sent_to(worker.chat, since=since) if c.method == "sendMessage"]
    assert len(sent) == 1 and not _rows(sent[0]), "one brief reply, without the question or its buttons"
    assert text_of(sent[0]).startswith("❌") and "请填写：民族" not in text_of(sent[0])

    bot.stop()
    bot.start()
    since = bot.api.mark()
    nxt = worker.says("汉族")  # the live question, answered after the restart
    assert "请填写：政治面貌" in text_of(nxt)
    bot.api.wait_idle()
    record = next(c for c in bot.api.sent_to(worker.chat, since=since) if c.method == "editMessageText")
    assert int(record.params["message_id"]) == live and text_of(record) == "✔ 民族：汉族" and not _rows(record)
    since = bot.api.mark()
    third = worker.presses("3. 群众")
    bot.api.wait_idle()
    edit = next(c for c in bot.api.sent_to(worker.chat, since=since) if c.method == "editMessageText")
    assert int(edit.params["message_id"]) == nxt.result["message_id"] and text_of(edit) == "✔ 政治面貌：群众"
    assert "请填写：身份证号" in text_of(third)
