"""Media at the right time, on the phone: a photo or an album sent at 现在登记“附件”… becomes one attachment per
photo (its type asked after, 身份证 offered); voice, stickers and contacts at the wrong time get a short reply and
the question again; a shared contact at 手机号码 is the phone number."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlmodel import Session, select

from storage.models import Attachment, Interview, User
from tests.e2e.conftest import BotProcess
from tests.e2e.people import Person, buttons_of, text_of
from tests.support.plans import household

FRONT = b"\xff\xd8\xff\xe0JFIF-id-front-" + bytes(range(256)) * 30
BACK = b"\xff\xd8\xff\xe0JFIF-id-back--" + bytes(range(255, -1, -1)) * 30


def _interview(bot: BotProcess, tg_id: int) -> Interview:
    with Session(bot.db) as s:
        user = s.exec(select(User).where(User.tg_id == tg_id)).one()
        iv = s.exec(select(Interview).where(Interview.created_by == user.id)).one()
        s.expunge(iv)
        return iv


def _stored(bot: BotProcess, interview_id: int) -> list[Attachment]:
    with Session(bot.db) as s:
        return list(s.exec(select(Attachment).where(Attachment.interview_id == interview_id)
                           .order_by(Attachment.id)).all())


def _at_attachments(worker: Person, plan: dict) -> None:
    """Answer from /start to the 附件 step (现在登记“附件”…)."""
    prompt = worker.fill(worker.says("/start"), plan, stop_at="银行卡号")
    menu = worker.answer(prompt, plan)
    assert "现在登记“附件”" in text_of(menu)


def test_a_photo_at_the_attachment_question_then_the_back_sent_at_once_are_two_attachments(bot: BotProcess) -> None:
    worker = bot.person("周建华")
    plan = household(attachments=[{"type": "@offer", "name": "@offer"}, {"type": "@offer", "name": "@offer"}])
    _at_attachments(worker, plan)
    asked = worker.sends_file(FRONT)  # no 添加 button pressed: the photo is the first attachment
    assert "请填写：附件类型" in text_of(asked) and "✔ 身份证" in buttons_of(asked)
    since = bot.api.mark()
    again = worker.sends_file(BACK)  # the back of the ID card, before the front's type is chosen
    assert "第 1 个附件" in text_of(again)  # the same question, edited in place (its buttons: the new step's)
    bot.api.wait_for(lambda c: c.chat_id == worker.user.id and "已收到第 2 个附件" in text_of(c), since=since)
    done = worker.fill(again, plan)
    assert "✅ 已提交" in text_of(done)
    iv = _interview(bot, worker.user.id)
    items = iv.state["answers"]["attachments"]
    assert [i["type"] for i in items] == ["身份证", "身份证"]
    stored = _stored(bot, iv.id or 0)
    assert [a.sha256 for a in stored] == [hashlib.sha256(FRONT).hexdigest(), hashlib.sha256(BACK).hexdigest()] \
        == [i["file"]["sha256"] for i in items]
    assert [Path(a.path).read_bytes() for a in stored] == [FRONT, BACK]


def test_an_album_of_three_photos_is_stored_as_three_attachments_with_one_reply(bot: BotProcess) -> None:
    worker = bot.person("吴丽华")
    plan = household(attachments=[{"type": "@offer", "name": "@offer"}, {"type": "户口簿", "name": "户口簿首页"},
                                  {"type": "户口簿", "name": "户口簿本人页"}])
    _at_attachments(worker, plan)
    third = FRONT[:64] + b"-hukou-" + FRONT[64:]
    since = bot.api.mark()
    for photo in (FRONT, BACK, third):  # Telegram: one update per photo, sharing the album's id
        bot.api.user_sends_photo(worker.user, photo, media_group_id="album-1")
    last = bot.api.wait_for(lambda c: c.chat_id == worker.user.id and "已收到这组照片 3 张" in text_of(c), since=since)
    bot.api.wait_idle()
    sent = bot.api.sent_to(worker.user.id, since=since, methods=("sendMessage", "editMessageText"))
    replies = [c for c in sent if c.method == "sendMessage"]
    assert len(replies) == 1 and "已收到第 1 个附件" in text_of(replies[0]), [text_of(c)[:40] for c in sent]
    edits = [c for c in sent if c.method == "editMessageText"]
    assert [text_of(c).splitlines()[0] for c in edits] == ["已收到这组照片 2 张，都已存为附件（第 1–2 个）",
                                                          "已收到这组照片 3 张，都已存为附件（第 1–3 个）"]
    assert {int(c.params["message_id"]) for c in edits} == {replies[0].result["message_id"]}, "the question, edited"
    assert "请填写：附件类型" in text_of(last) and "✔ 身份证" in buttons_of(last)
    done = worker.fill(worker.presses("✔ 身份证"), plan)  # the edited question's buttons are the live ones
    assert "✅ 已提交" in text_of(done)
    iv = _interview(bot, worker.user.id)
    items = iv.state["answers"]["attachments"]
    assert [(i["type"], i["name"]) for i in items][1:] == [("户口簿", "户口簿首页"), ("户口簿", "户口簿本人页")]
    assert [a.sha256 for a in _stored(bot, iv.id or 0)] == [hashlib.sha256(p).hexdigest() for p in (FRONT, BACK, third)]


def _state(bot: BotProcess, tg_id: int) -> dict:
    return dict(_interview(bot, tg_id).state)


def test_voice_sticker_video_and_a_contact_at_the_wrong_time_get_a_short_reply_and_the_question_again(
        bot: BotProcess) -> None:
    worker = bot.person("郑小红")
    worker.says("/start")
    worker.says("郑小红")  # now at 民族
    for send in (bot.api.user_sends_voice, bot.api.user_sends_sticker,
                 lambda u: bot.api.user_sends_contact(u, "13912345678", user_id=u.id)):
        since = bot.api.mark()
        send(worker.user)
        short = worker.expect(since)
        assert "请填写：民族" not in text_of(short) and len(text_of(short)) < 60
        again = worker.expect(since, prompt=True)
        assert "请填写：民族" in text_of(again), text_of(again)
    since = bot.api.mark()
    bot.api.user_sends_photo(worker.user, FRONT)  # a photo, not at the 附件 step
    assert "现在不需要发送文件" in text_of(worker.expect(since))
    assert "请填写：民族" in text_of(worker.expect(since, prompt=True))
    assert _state(bot, worker.user.id)["answers"] == {"name": "郑小红"}


def test_a_shared_contact_at_the_phone_question_is_the_phone_number_and_only_the_workers_own(bot: BotProcess) -> None:
    worker = bot.person("钱国强")
    plan = household(name="钱国强")
    since = bot.api.mark()
    prompt = worker.fill(worker.says("/start"), plan, stop_at="手机号码")
    offered = bot.api.wait_for(lambda c: c.chat_id == worker.user.id and c.method == "sendMessage" and "keyboard"
                               in (c.params.get("reply_markup") or {}), since=since)
    button = offered.params["reply_markup"]["keyboard"][0][0]
    assert button["request_contact"] is True and "手机号" in button["text"]
    since = bot.api.mark()
    bot.api.user_sends_contact(worker.user, "+86 139 8765 4321", first_name="张三", user_id=worker.user.id + 999)
    assert "本人" in text_of(worker.expect(since))  # someone else's number is not the worker's
    assert "请填写：手机号码" in text_of(worker.expect(since, prompt=True))
    assert "phone" not in _state(bot, worker.user.id)["answers"]
    since = bot.api.mark()
    bot.api.user_sends_contact(worker.user, "8613987654321", user_id=worker.user.id)
    nxt = worker.expect(since, prompt=True)
    assert "请填写：其他联系方式" in text_of(nxt)
    assert _state(bot, worker.user.id)["answers"]["phone"] == "13987654321"
    assert prompt is not None
    _keyboard_removed_before(bot, worker, since, nxt)


def _keyboard_removed_before(bot: BotProcess, worker: Person, since: int, question: object) -> None:
    """The share button (a reply keyboard) is taken off with one short line, sent before the next question."""
    bot.api.wait_idle()
    sent = [c for c in bot.api.sent_to(worker.user.id, since=since, methods=("sendMessage",))]
    removals = [c for c in sent if (c.params.get("reply_markup") or {}).get("remove_keyboard") is True]
    assert len(removals) == 1 and len(text_of(removals[0])) < 20, [text_of(c) for c in sent]
    assert sent[-1] is question and removals[0].n < sent[-1].n, "the chat still ends on the question"


def test_a_typed_phone_number_takes_the_share_button_off_the_screen(bot: BotProcess) -> None:
    worker = bot.person("孙建军")
    plan = household(name="孙建军")
    worker.fill(worker.says("/start"), plan, stop_at="手机号码")
    since = bot.api.mark()
    nxt = worker.says("139 8765 4321")  # typed as people type, not the button
    assert "请填写：其他联系方式" in text_of(nxt)
    assert _state(bot, worker.user.id)["answers"]["phone"] == "13987654321"
    _keyboard_removed_before(bot, worker, since, nxt)
    since = bot.api.mark()
    worker.says("13712345678")  # the next answers send no more removals
    bot.api.wait_idle()
    assert not [c for c in bot.api.sent_to(worker.user.id, since=since, methods=("sendMessage",))
                if "remove_keyboard" in (c.params.get("reply_markup") or {})]


def test_a_member_is_opened_and_removed_from_the_final_review_on_the_phone(bot: BotProcess) -> None:
    worker = bot.person("冯志强")
    plan = household(name="冯志强")
    prompt = worker.says("/start")
    for _ in range(200):
        if "确认签字提交" in buttons_of(prompt):
            break
        prompt = worker.answer(prompt, plan)
    family = worker.presses("👪 家庭成员（3 位）")
    assert "共 3 位" in text_of(family) and "2. 王小明（子）" in buttons_of(family)
    member = worker.presses("2. 王小明（子）")
    assert "单位或学校：武汉大学" in text_of(member)
    confirm = worker.presses("➖ 删除这位成员")
    assert "王小明" in text_of(confirm) and buttons_of(confirm)[:2] == ["确定删除", "不删除"]
    again = worker.presses("确定删除")
    assert "请填写：家庭年度总收入" in text_of(again)  # what was computed from the members, offered again
    assert [m["name"] for m in _state(bot, worker.user.id)["answers"]["members"]] == ["李秀英", "赵桂兰"]
    done = worker.fill(again, plan)
    assert "✅ 已提交" in text_of(done)
    assert _interview(bot, worker.user.id).state["answers"]["household_size"] == 3
