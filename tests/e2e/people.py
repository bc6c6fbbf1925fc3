"""People on the test Telegram: type, press buttons, send photos, and fill a whole interview from a plan."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from flows.autofill import OFFER
from flows.form import Field, Form, Section
from tests.e2e.fake_bot_api import Call, FakeBotAPI, TgUser, _bare
from tests.support.plans import plan_value

_PROGRESS = re.compile(r"^(?:.+? · )?第 \d+ 部分，共 \d+ 部分 · \d+% · (.+)$")  # a household name in front for surveyors
_ITEM = re.compile(r"^第 (\d+) \S(.+)$")  # 第 1 位家庭成员, 第 1 个附件
_ASK = re.compile(r"^请填写：(.+)（(必填|可跳过)）$")
_GROUP_START = re.compile(r"现在登记“(.+?)”")
_GROUP_MENU = re.compile(r"已登记 (\d+) \S(.+?)：")
PROMPT_METHODS = ("sendMessage", "editMessageText")


@lru_cache(maxsize=4)
def shipped_form(key: str = "archive") -> Form:
    """A shipped form (archive, followup), read the way the bot reads it."""
    from flows.registry import load_registry

    return load_registry().form(key)


def archive_form() -> Form:
    """The shipped archive form."""
    return shipped_form("archive")


def buttons_of(call: Call) -> list[str]:
    """Button labels of a sendMessage / editMessageText call."""
    markup = call.params.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row] if isinstance(markup, dict) else []


def text_of(call: Call) -> str:
    """The text a call showed."""
    return str(call.params.get("text") or "")


@dataclass
class Person:
    """One Telegram user talking to the bot through the fake server."""

    api: FakeBotAPI
    user: TgUser

    @property
    def chat(self) -> int:
        """Their private chat with the bot."""
        return self.user.id

    def _is_prompt(self, call: Call) -> bool:
        return call.method in PROMPT_METHODS and call.status == 200 and call.chat_id == self.chat and (
            bool(buttons_of(call)) or "✅ 已提交" in text_of(call))

    def _is_text(self, call: Call) -> bool:
        return call.method in ("sendMessage", "editMessageText", "sendDocument") and call.status == 200 \
            and call.chat_id == self.chat

    def expect(self, since: int, *, prompt: bool = False, timeout: float = 20.0) -> Call:
        """The bot's first message to this person after call index ``since`` (a question, if ``prompt``)."""
        return self.api.wait_for(self._is_prompt if prompt else self._is_text, since=since, timeout=timeout)

    def says(self, text: str, *, prompt: bool = True, reply_to: dict[str, Any] | None = None,
             timeout: float = 20.0) -> Call:
        """Type a message; return the bot's next question (``prompt``) or its next message."""
        since = self.api.mark()
        self.api.user_sends_text(self.user, text, reply_to=reply_to)
        return self.api.wait_for(self._is_prompt if prompt else self._is_text, since=since, timeout=timeout)

    def presses(self, label: str, *, prompt: bool = True, timeout: float = 20.0) -> Call:
        """Press a button of the latest keyboard; return the bot's answer."""
        since = self.api.mark()
        self.api.user_presses(self.user, label)
        return self.api.wait_for(self._is_prompt if prompt else self._is_text, since=since, timeout=timeout)

    def sends_file(self, data: bytes | tuple[bytes, str, str], *, prompt: bool = True, timeout: float = 20.0) -> Call:
        """Send a photo (bytes) or a document ((bytes, file name, mime type)); return the bot's answer."""
        since = self.api.mark()
        if isinstance(data, tuple):
            self.api.user_sends_document(self.user, *data)
        else:
            self.api.user_sends_photo(self.user, data)
        return self.api.wait_for(self._is_prompt if prompt else self._is_text, since=since, timeout=timeout)

    def fill(self, prompt: Call, plan: Mapping[str, Any], *, stop_at: str | None = None,
             max_steps: int = 400, form: Form | None = None) -> Call:
        """Answer questions of ``form`` (the archive) from ``plan`` until submitted (or the question ``stop_at``)."""
        for _ in range(max_steps):
            text = text_of(prompt)
            if "✅ 已提交" in text:
                return prompt
            if stop_at is not None and f"请填写：{stop_at}（" in text:
                return prompt
            prompt = self.answer(prompt, plan, form)
        raise AssertionError(f"interview did not finish in {max_steps} steps; last: {text_of(prompt)[:200]}")

    def answer(self, prompt: Call, plan: Mapping[str, Any], form: Form | None = None) -> Call:
        """What a person following the plan does next: type, press, or send a photo."""
        form = form or archive_form()
        text, labels = text_of(prompt), buttons_of(prompt)
        for sign in ("确认签字提交", "确认提交"):
            if sign in labels:
                return self.presses(sign)
        if "确认填写" in text and "确认" in labels:
            return self.presses("确认")
        if "仍然新建" in labels:
            return self.presses("仍然新建")
        group = _group_menu(text, form)
        if group is not None:
            key, have = group
            want = len(plan.get(key) or [])
            add = next((b for b in labels if b.startswith(("添加第", "再添加一"))), None)
            done = next(b for b in labels if b in ("没有，跳过", "登记完毕"))
            return self.presses(add if have < want and add else done)
        field, path = _asked(text, form)
        value = plan_value(plan, path)
        if value is None:
            return self.presses("跳过") if "跳过" in labels else self.says("跳过")
        if value == OFFER:
            return self.presses(next(b for b in labels if b.startswith("✔ ")))
        if field.type == "file":
            return self.sends_file(value)
        if field.type == "yes_no" and value in ("是", "否"):
            return self.presses(value)
        if field.type == "choice" and value in [_bare(b) for b in labels]:
            return self.presses(value)
        if field.type == "multi_choice":
            return self._toggle(prompt, str(value), labels)
        return self.says(str(value))

    def _toggle(self, prompt: Call, value: str, labels: list[str]) -> Call:
        """Several choices: press each (the message is redrawn in place with ✅), then 完成."""
        wanted = [w.strip() for w in re.split(r"[,，、]", value) if w.strip()]
        picks = []
        for w in wanted:
            match = next((b for b in labels if _bare(b) == w or b.removeprefix("✅ ").startswith(f"{w}. ")), None)
            if match is None:
                return self.says(value)  # not on this page: type it
            picks.append(match)
        for label in picks:
            redrawn = self.presses(label)
            assert redrawn.method == "editMessageText", f"toggle should redraw in place, got {redrawn.method}"
            assert "✅" in " ".join(buttons_of(redrawn))
        return self.presses(next(b for b in buttons_of(redrawn) if b.startswith("完成")))


def _group_menu(text: str, form: Form) -> tuple[str, int] | None:
    m = _GROUP_START.search(text)
    if m:
        return next(s.key for s in form.sections if s.label == m.group(1)), 0
    m = _GROUP_MENU.search(text)
    if m:
        return next(s.key for s in form.sections if s.group and s.group.item == m.group(2)), int(m.group(1))
    return None


def _asked(text: str, form: Form) -> tuple[Field, str]:
    """The field a question asks and its path (``members.1.name``), read off the message."""
    section: Section | None = None
    index: int | None = None
    for line in text.splitlines():
        if (m := _PROGRESS.match(line)) is not None:
            section = next(s for s in form.sections if s.label == m.group(1))
        elif (m := _ITEM.match(line)) is not None and section is not None and section.group:
            index = int(m.group(1)) - 1
        elif (m := _ASK.match(line)) is not None and section is not None:
            fields = section.group.fields if section.group else section.fields
            field = next(f for f in fields if f.label == m.group(1))
            return field, f"{section.key}.{index}.{field.key}" if section.group else field.key
    raise AssertionError(f"not a question: {text[:300]}")

