"""A worker fills in their own archive on the phone: typing, pressing buttons, sending a photo."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlmodel import Session, select

from storage.models import AnswerEvent, Attachment, Interview, User
from tests.e2e.conftest import BotProcess
from tests.support.plans import household

PHOTO = b"\xff\xd8\xff\xe0JFIF-test-photo-" + bytes(range(256)) * 40
PDF = b"%PDF-1.4\n% test receipt\n" + b"0123456789" * 500


def test_worker_self_reports_a_full_interview_with_a_photo(bot: BotProcess) -> None:
    worker = bot.person("王建国")
    prompt = worker.says("/start")
    assert "请填写：姓名" in prompt.params["text"]
    plan = household(attachments=[{"file": PHOTO, "type": "身份证", "name": "@offer"},
                                  {"file": (PDF, "住院费用票据.pdf", "application/pdf"), "type": "医疗费票据",
                                   "name": "@offer", "note": "2026年住院"}])
    done = worker.fill(prompt, plan)
    assert "✅ 已提交" in done.params["text"] and "王建国" in done.params["text"]

    with Session(bot.db) as s:
        user = s.exec(select(User).where(User.tg_id == worker.user.id)).one()
        iv = s.exec(select(Interview).where(Interview.created_by == user.id)).one()
        assert (iv.status, iv.kind, iv.worker_name) == ("submitted", "self", "王建国")
        answers = iv.state["answers"]
        assert answers["id_number"] == "420802197503141232"
        assert answers["sex"] == "男" and answers["birth_date"] == "1975-03-14"
        assert [m["name"] for m in answers["members"]] == ["李秀英", "王小明", "赵桂兰"]
        assert answers["secondary_causes"] == ["重特大疾病", "子女上学"]
        assert "relief_target" not in answers  # the staff part is not asked in a self-report
        photo, pdf = (item["file"] for item in answers["attachments"])
        stored = s.exec(select(Attachment).where(Attachment.interview_id == iv.id).order_by(Attachment.id)).all()
        events = s.exec(select(AnswerEvent).where(AnswerEvent.interview_id == iv.id)).all()
    assert [a.sha256 for a in stored] == [photo["sha256"], pdf["sha256"]] == \
        [hashlib.sha256(PHOTO).hexdigest(), hashlib.sha256(PDF).hexdigest()]  # the full-size photo, not the thumbnail
    assert [Path(a.path).read_bytes() for a in stored] == [PHOTO, PDF]
    assert all(Path(a.path).is_relative_to(bot.attachments / str(iv.id)) for a in stored)
    assert (stored[0].size, photo["kind"], pdf["kind"], pdf["mime"]) == \
        (len(PHOTO), "photo", "document", "application/pdf")
    assert [(i["type"], i["name"]) for i in answers["attachments"]][1] == ("医疗费票据", "住院费用票据")
    assert answers["attachments"][0]["name"].startswith("照片")
    assert len({e.path for e in events if e.action == "set"}) >= 40
    log = bot.log()
    assert "420802197503141232" not in log and "6222021234567890128" not in log and "13912345678" not in log


def test_startup_sets_the_command_menu_and_drops_the_webhook(bot: BotProcess) -> None:
    menu = next(c for c in bot.api.calls if c.method == "setMyCommands" and not c.params.get("scope"))
    # the default menu (every private chat) is the worker's; others get their own per chat
    assert {c["command"] for c in menu.params["commands"]} == {"start", "cancel", "help"}
    assert any(c.method == "deleteWebhook" for c in bot.api.calls)
    assert bot.api.refused == []


def _state(bot: BotProcess, tg_id: int) -> dict:
    with Session(bot.db) as s:
        user = s.exec(select(User).where(User.tg_id == tg_id)).one()
        iv = s.get(Interview, user.active_interview_id)
        assert iv is not None
        return dict(iv.state)


def test_an_old_button_does_no_harm(bot: BotProcess) -> None:
    worker = bot.person("李四")
    name_q = worker.says("/start")
    worker.says("李四")
    party_q = worker.says("汉族")
    assert "请填写：政治面貌" in party_q.params["text"]
    id_q = worker.presses("3. 群众")
    assert "请填写：身份证号" in id_q.params["text"]
    before = _state(bot, worker.user.id)

    since = bot.api.mark()
    bot.api.user_presses(worker.user, "1. 中共党员", message=party_q.result)  # the question already answered
    again = worker.expect(since, prompt=True)
    assert "按钮已过期" in again.params["text"] and "请填写：身份证号" in again.params["text"]
    since = bot.api.mark()
    bot.api.user_presses(worker.user, "返回", message=name_q.result)  # 返回 on the first question
    again = worker.expect(since, prompt=True)
    assert "请填写：身份证号" in again.params["text"]

    after = _state(bot, worker.user.id)
    assert after["answers"] == before["answers"] == {"name": "李四", "ethnicity": "汉族", "political_status": "群众"}
    assert after.get("cursor") is None


def test_a_worker_is_refused_staff_commands(bot: BotProcess) -> None:
    worker = bot.person("赵六")
    worker.says("/start")
    for command, refusal in (("/review", "只有工会工作人员"), ("/invite surveyor", "只有工会工作人员"),
                             ("/role 1 admin", "只有管理员"), ("/new", "只有调查员和工作人员")):
        reply = worker.says(command, prompt=False)
        assert refusal in reply.params["text"], command
    with Session(bot.db) as s:
        user = s.exec(select(User).where(User.tg_id == worker.user.id)).one()
        assert user.role == "worker"
        assert len(s.exec(select(Interview).where(Interview.created_by == user.id)).all()) == 1


def test_stickers_locations_huge_texts_and_groups_get_a_friendly_reply(bot: BotProcess) -> None:
    worker = bot.person("孙七")
    worker.says("/start")
    since = bot.api.mark()
    bot.api.user_sends_sticker(worker.user)
    assert "贴纸、语音、位置" in worker.expect(since).params["text"]
    assert "请填写：姓名" in worker.expect(since, prompt=True).params["text"]  # and the question again
    since = bot.api.mark()
    bot.api.user_sends_location(worker.user)
    assert "贴纸、语音、位置" in worker.expect(since).params["text"]
    assert "请填写：姓名" in worker.expect(since, prompt=True).params["text"]
    assert "太长" in worker.says("很" * 3000, prompt=False).params["text"]
    group = {"id": -100777, "type": "group", "title": "工会群"}
    since = bot.api.mark()
    bot.api.user_sends_text(worker.user, "/start", chat=group)
    reply = bot.api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == -100777, since=since)
    assert "私聊" in reply.params["text"]
    assert _state(bot, worker.user.id)["answers"] == {}
    assert "请填写：姓名" in worker.says("/start").params["text"]  # still at the first question
    assert "请填写：民族" in worker.says("孙七").params["text"]
    since = bot.api.mark()
    bot.api.user_sends_photo(worker.user, PHOTO)  # not at the 附件 step, nor at 姓名 / 身份证号 (an ID card is read there)
    assert "现在不需要发送文件" in worker.expect(since).params["text"]
    assert "请填写：民族" in worker.expect(since, prompt=True).params["text"]


def test_garbage_buttons_and_unknown_commands_get_an_answer_not_a_crash(bot: BotProcess) -> None:
    worker = bot.person("陈十二")
    prompt = worker.says("/start")
    for n, data in enumerate(("", "i999999:1:c:0", "i:1", "x:rv:abc", "x:zz", "i1", "垃圾")):
        since = bot.api.mark()
        bot.api.push({"callback_query": {"id": f"g{n}", "from": worker.user.as_dict(), "chat_instance": "x",
                                         "data": data, "message": prompt.result}})
        answered = bot.api.wait_for(lambda c, i=f"g{n}": c.method == "answerCallbackQuery"
                                    and c.params.get("callback_query_id") == i, since=since)
        assert answered.status == 200
    assert "没有 /foo 这个命令" in worker.says("/foo bar", prompt=False).params["text"]
    assert "请填写：民族" in worker.says("陈十二").params["text"]  # still answering the right question
