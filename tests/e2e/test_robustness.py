"""Crashes, redeliveries, Bot API errors and webhooks: no accepted answer lost, nothing applied twice."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlmodel import Session, select

from storage.models import AnswerEvent, Interview, ProcessedUpdate, User
from tests.e2e.conftest import RUNTIMES, BotProcess, our_errors
from tests.e2e.people import Person, text_of


def _interview(bot: BotProcess, person: Person) -> Interview:
    with Session(bot.db) as s:
        user = s.exec(select(User).where(User.tg_id == person.user.id)).one()
        iv = s.get(Interview, user.active_interview_id)
        assert iv is not None
        return iv


def _events(bot: BotProcess, interview_id: int, path: str) -> list[AnswerEvent]:
    with Session(bot.db) as s:
        return list(s.exec(select(AnswerEvent).where(AnswerEvent.interview_id == interview_id,
                                                     AnswerEvent.path == path)))


def _delivered(bot: BotProcess) -> None:
    """Wait until the bot has fetched every queued update and gone quiet."""
    end = time.monotonic() + 10
    while bot.api.forced and time.monotonic() < end:
        time.sleep(0.02)
    bot.api.wait_idle()


def test_sigkill_mid_interview_then_restart_continues_at_the_same_question(bot: BotProcess) -> None:
    worker = bot.person("周八")
    worker.says("/start")
    worker.says("周八")
    worker.says("汉族")
    id_q = worker.presses("群众")
    assert "请填写：身份证号" in text_of(id_q)

    bot.kill()
    since = bot.api.mark()
    bot.api.user_sends_text(worker.user, "420802197503141232")  # typed while the bot is down
    bot.start()
    sex_q = worker.expect(since, prompt=True)
    assert "请填写：性别" in text_of(sex_q)
    iv = _interview(bot, worker)
    assert iv.state["answers"] == {"name": "周八", "ethnicity": "汉族", "political_status": "群众",
                                   "id_number": "420802197503141232"}
    assert "请填写：健康状况" in text_of(worker.presses("✔ 男 · 1975-03-14"))  # 性别 and 出生日期, one tap


def test_the_same_update_delivered_twice_is_applied_once(bot: BotProcess) -> None:
    worker = bot.person("吴九")
    worker.says("/start")
    since = bot.api.mark()
    typed = bot.api.user_sends_text(worker.user, "吴九")
    assert "请填写：民族" in text_of(worker.expect(since, prompt=True))
    bot.api.redeliver(typed)  # applied twice, "吴九" would be rejected as an ethnicity
    _delivered(bot)
    worker.says("汉族")
    since = bot.api.mark()
    pressed = bot.api.user_presses(worker.user, "3. 群众")
    assert "请填写：身份证号" in text_of(worker.expect(since, prompt=True))
    bot.api.redeliver(pressed)  # applied twice, the press would be answered as a stale button
    _delivered(bot)
    after = bot.api.mark()
    assert [c.method for c in bot.api.sent_to(worker.chat, since=since)].count("sendMessage") == 1

    iv = _interview(bot, worker)
    assert iv.state["answers"] == {"name": "吴九", "ethnicity": "汉族", "political_status": "群众"}
    assert [e.new for e in _events(bot, iv.id or 0, "name")] == ["吴九"]
    assert [e.new for e in _events(bot, iv.id or 0, "political_status")] == ["群众"]
    with Session(bot.db) as s:
        assert s.get(ProcessedUpdate, typed) is not None and s.get(ProcessedUpdate, pressed) is not None
    assert "请填写：性别" in text_of(worker.says("420802197503141232"))
    assert bot.api.sent_to(worker.chat, since=after)


def test_429_and_502_are_retried_and_the_reply_arrives(bot: BotProcess) -> None:
    worker = bot.person("郑十")
    worker.says("/start")
    since = bot.api.mark()
    bot.api.fail_next("sendMessage", 1, status=429, retry_after=1)
    reply = worker.says("郑十")
    assert "请填写：民族" in text_of(reply)
    limited = next(c for c in bot.api.calls[since:] if c.method == "sendMessage" and c.status == 429)
    assert limited.params["text"] == reply.params["text"]
    assert reply.at - limited.at >= 0.9, "retry_after was not honoured"

    since = bot.api.mark()
    bot.api.fail_next("sendMessage", 2, status=502)
    bot.api.fail_next("answerCallbackQuery", 1, status=502)
    bot.api.fail_next("editMessageText", 1, status=429, retry_after=1)  # the answered question becoming its record
    assert "请填写：政治面貌" in text_of(worker.says("汉族"))
    assert "请填写：身份证号" in text_of(worker.presses("3. 群众"))
    # the callback's answer goes side by side with the chat's messages (its retry holds no message back)
    bot.api.wait_for(lambda c: c.method == "answerCallbackQuery" and c.status == 200, since=since)
    statuses = [(c.method, c.status) for c in bot.api.calls[since:] if c.chat_id in (worker.chat, None)]
    assert statuses.count(("sendMessage", 502)) == 2
    assert ("answerCallbackQuery", 502) in statuses and ("answerCallbackQuery", 200) in statuses
    assert ("editMessageText", 429) in statuses and ("editMessageText", 200) in statuses

    bot.api.fail_next("getUpdates", 1, status=502)
    assert "请填写：性别" in text_of(worker.says("420802197503141232", timeout=30))
    assert _interview(bot, worker).state["answers"]["political_status"] == "群众"


@pytest.mark.parametrize("runtime", RUNTIMES)
def test_webhook_checks_the_secret_and_applies_an_update_once(runtime: str, tmp_path: Path) -> None:
    hook = BotProcess(runtime, tmp_path)
    hook.start(webhook=True)
    try:
        url = f"http://127.0.0.1:{hook.webhook_port}/tg/hook"
        user = {"id": 810001, "is_bot": False, "first_name": "钱一"}
        update = {"update_id": 42, "message": {"message_id": 1, "date": int(time.time()), "text": "/start",
                                               "chat": {"id": 810001, "type": "private"}, "from": user,
                                               "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}

        def post(secret: str, body: dict) -> int:
            req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
                "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret})
            try:
                with urllib.request.urlopen(req, timeout=20) as resp:
                    return resp.status
            except urllib.error.HTTPError as exc:
                return exc.code

        assert post("wrong", update) == 401
        assert hook.api.sent_to(810001) == []
        assert post(hook.secret, update) == 200  # answered after the update was processed
        assert any("请填写：姓名" in str(c.params.get("text")) for c in hook.api.sent_to(810001))
        sent = len(hook.api.sent_to(810001))
        assert post(hook.secret, update) == 200  # Telegram retried: not applied again
        assert len(hook.api.sent_to(810001)) == sent
        assert post(hook.secret, {"no": "update"}) == 400
        assert [c.method for c in hook.api.calls if c.method == "deleteWebhook"] == []
    finally:
        code = hook.stop()
        log = hook.log()
        hook.close()
    assert not our_errors(log), log
    assert code in (0, None), log


def test_a_burst_of_messages_is_applied_one_at_a_time_in_order(bot: BotProcess) -> None:
    worker = bot.person("冯十一")
    worker.says("/start")
    since = bot.api.mark()
    for text in ("冯十一", "汉族", "群众", "420802197503141232"):  # typed faster than the bot answers
        bot.api.user_sends_text(worker.user, text)
    bot.api.wait_for(lambda c: c.chat_id == worker.chat and "请填写：性别" in str(c.params.get("text")), since=since)
    bot.api.wait_idle()
    questions = [text_of(c).split("请填写：")[1].split("（")[0] for c in bot.api.sent_to(worker.chat, since=since)
                 if "请填写：" in text_of(c)]
    assert questions == ["民族", "政治面貌", "身份证号", "性别"]
    assert _interview(bot, worker).state["answers"] == {
        "name": "冯十一", "ethnicity": "汉族", "political_status": "群众", "id_number": "420802197503141232"}
