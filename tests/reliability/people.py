"""People in the reliability tests: read the bot's questions, answer them from a plan, and find their
place again (/start) when the bot dies under them or says it failed."""

from __future__ import annotations

import re
import threading
import time
import traceback
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Mapping

from sqlalchemy.engine import Engine
from sqlmodel import Session

from flows.registry import load_registry
from flows.autofill import OFFER
from flows.catalog import t
from flows.form import Field, Form
from storage.models import ProcessedUpdate
from tests.e2e.fake_bot_api import Call, TgUser, _bare
from tests.reliability.standin import StandInAPI
from tests.support.plans import plan_value

SUBMITTED = "✅ 已提交"
RESUMED = t("engine.resumed")
WELCOME = t("tg.welcome.worker")
FAILED = t("tg.error")
ALREADY_SUBMITTED = "当前状态："  # part of journey.status (/start after submitting), whose text carries the record number
PROMPT_METHODS = ("sendMessage", "editMessageText")
MAX_QUESTIONS = 400  # a whole archive takes under 100; more means the conversation goes round in circles
Sig = tuple[str, ...]

# (read off the messages as in tests/e2e/people.py; kept here so that file can change freely)
_PROGRESS = re.compile(r"^(?:.+? · )?第 \d+ 部分，共 \d+ 部分 · \d+% · (.+)$")  # a household name in front for surveyors
_ITEM = re.compile(r"^第 (\d+) \S(.+)$")  # 第 1 位家庭成员
_ASK = re.compile(r"^请填写：(.+)（(必填|可跳过)）$")
_GROUP_START = re.compile(r"现在登记“(.+?)”")
_GROUP_MENU = re.compile(r"已登记 (\d+) \S(.+?)：")


@lru_cache(maxsize=1)
def archive_form() -> Form:
    """The shipped archive form, as the bot loads it."""
    return load_registry().form("archive")


def buttons_of(call: Call) -> list[str]:
    """Button labels a sendMessage / editMessageText call showed."""
    markup = call.params.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row] if isinstance(markup, dict) else []


def text_of(call: Call) -> str:
    """The text a call showed."""
    return str(call.params.get("text") or "")


def group_menu(text: str) -> tuple[str, int] | None:
    """(group key, items so far) when the message is a group's add-or-finish menu."""
    form = archive_form()
    if (m := _GROUP_START.search(text)) is not None:
        return next(s.key for s in form.sections if s.label == m.group(1)), 0
    if (m := _GROUP_MENU.search(text)) is not None:
        return next(s.key for s in form.sections if s.group and s.group.item == m.group(2)), int(m.group(1))
    return None


def asked(text: str) -> tuple[Field, str] | None:
    """The field a question asks and its path (``members.1.name``), or None when it is no question."""
    section = None
    index: int | None = None
    for line in text.splitlines():
        if (m := _PROGRESS.match(line)) is not None:
            section = next((s for s in archive_form().sections if s.label == m.group(1)), None)
        elif (m := _ITEM.match(line)) is not None and section is not None and section.group:
            index = int(m.group(1)) - 1
        elif (m := _ASK.match(line)) is not None and section is not None:
            fields = section.group.fields if section.group else section.fields
            fld = next((f for f in fields if f.label == m.group(1)), None)
            if fld is not None:
                return fld, f"{section.key}.{index}.{fld.key}" if section.group else fld.key
    return None


def is_prompt(call: Call, chat: int) -> bool:
    """A question (a message with buttons) or the submitted notice, sent to this chat."""
    return call.method in PROMPT_METHODS and call.status == 200 and call.chat_id == chat and (
        bool(buttons_of(call)) or SUBMITTED in text_of(call))


def signature(text: str, labels: list[str]) -> Sig:
    """Which question a prompt asks, independent of notices and wording: ("ask", path), ("menu", key, n)…"""
    if SUBMITTED in text:
        return ("submitted",)
    if "确认签字提交" in labels:
        return ("review",)
    if "仍然新建" in labels:
        return ("duplicate",)
    if "确认填写" in text and "确认" in labels:
        return ("confirm", text.rsplit("确认填写", 1)[1].strip())
    group = group_menu(text)
    if group is not None:
        return ("menu", group[0], str(group[1]))
    question = asked(text)
    return ("ask", question[1]) if question is not None else ("other", text[:80])


def collapse(sigs: list[Sig]) -> list[Sig]:
    """Consecutive repeats folded (a redrawn toggle or a re-shown question is the same question)."""
    return [s for i, s in enumerate(sigs) if i == 0 or sigs[i - 1] != s]


@dataclass(frozen=True)
class Move:
    """What a person does next: type text or press the button with this label."""

    kind: str  # "text" or "press"
    value: str


def decide(text: str, labels: list[str], plan: Mapping[str, Any]) -> Move:
    """The move of a person following ``plan`` at this prompt (files are not part of these plans)."""
    if "确认签字提交" in labels:
        return Move("press", "确认签字提交")
    if "确认填写" in text and "确认" in labels:
        return Move("press", "确认")
    if "仍然新建" in labels:
        return Move("press", "仍然新建")
    group = group_menu(text)
    if group is not None:
        key, have = group
        add = next((b for b in labels if b.startswith(("添加第", "再添加一"))), None)
        done = next(b for b in labels if b in ("没有，跳过", "登记完毕"))
        return Move("press", add if have < len(plan.get(key) or []) and add else done)
    question = asked(text)
    if question is None:
        raise AssertionError(f"not a question: {text[:300]}")
    fld, path = question
    value = plan_value(plan, path)
    if value is None:
        return Move("press", "跳过") if "跳过" in labels else Move("text", "跳过")
    if value == OFFER:
        return Move("press", next(b for b in labels if b.startswith("✔ ")))
    if fld.type == "file":
        raise AssertionError("reliability plans carry no files")
    if fld.type == "yes_no" and value in ("是", "否"):
        return Move("press", value)
    if fld.type == "choice":
        label = next((b for b in labels if _bare(b) == value), None)
        if label is not None:
            return Move("press", label)
    if fld.type == "multi_choice":
        wanted = [w.strip() for w in str(value).replace("，", ",").replace("、", ",").split(",") if w.strip()]
        found = [next((b for b in labels if _bare(b) == w or b.removeprefix("✅ ").startswith(f"{w}. ")), None)
                 for w in wanted]
        if None not in found:
            unchecked = [b for b in found if b is not None and not b.startswith("✅ ")]
            if unchecked:
                return Move("press", unchecked[0])  # one toggle per step: the redraw shows the others
            return Move("press", next(b for b in labels if b.startswith("完成")))
    return Move("text", str(value))


@dataclass
class Worker:
    """A worker filling in their own archive through the stand-in server, the way a person would.

    They answer the question on screen from their plan and wait for the next one. When no answer
    comes because the bot died after taking the update (or it said it failed), they send /start
    and carry on from the question the bot shows. Every question they saw is kept.
    """

    api: StandInAPI
    user: TgUser
    plan: Mapping[str, Any]
    db: Engine | None = None  # the bot's database, to tell a redelivery that was applied before
    grace: float = 3.0  # seconds a redelivered, already applied update may stay unanswered
    on_answered: Callable[[int], None] | None = None  # called with each update id once its reply arrived
    patience: float = 90.0  # seconds without any answer before the test fails
    sigs: list[Sig] = field(default_factory=list)
    answered: list[tuple[int, Move, Sig]] = field(default_factory=list)  # updates whose reply arrived
    sent: list[int] = field(default_factory=list)
    resyncs: int = 0
    failures_seen: int = 0
    _applied_seen: dict[int, float] = field(default_factory=dict)
    done: bool = False
    error: str | None = None

    @property
    def chat(self) -> int:
        """Their private chat with the bot."""
        return self.user.id

    def run(self) -> None:
        """Fill the whole interview (for a thread); failures are kept in ``error``."""
        try:
            prompt = self.resync()
            while prompt is not None:
                sig = signature(text_of(prompt), buttons_of(prompt))
                self.sigs.append(sig)
                if len(self.sigs) > MAX_QUESTIONS:
                    raise AssertionError(f"still not submitted after {MAX_QUESTIONS} questions")
                if sig == ("submitted",):
                    break
                move = decide(text_of(prompt), buttons_of(prompt), self.plan)
                since = self.api.mark()
                uid = self.send(move, prompt)
                reply = self.reply(uid, since)
                if reply is None:
                    prompt = self.resync()
                else:
                    self.answered.append((uid, move, sig))
                    if self.on_answered is not None:
                        self.on_answered(uid)
                    prompt = reply
            else:
                self.sigs.append(("submitted",))
            self.done = True
        except BaseException:  # noqa: BLE001 - reported by the test with the worker's name
            self.error = traceback.format_exc()

    def send(self, move: Move, prompt: Call) -> int:
        """Type or press; the update id."""
        if move.kind == "text":
            uid = self.api.user_sends_text(self.user, move.value)
        else:
            uid = self.api.user_presses(self.user, move.value, message=prompt.result)
        self.sent.append(uid)
        return uid

    def _prompt(self, call: Call) -> bool:
        return is_prompt(call, self.chat)

    def _said(self, call: Call, *texts: str) -> bool:
        return call.method == "sendMessage" and call.status == 200 and call.chat_id == self.chat and any(
            s in text_of(call) for s in texts)

    def _gave_up(self, uid: int, since: int, started: float) -> bool:
        """True only when no answer to ``uid`` can come any more, so a /start cannot cross an old reply.

        That is when the bot said it failed; when the update was confirmed (offset) by a process
        that has since been killed; or when it was delivered again after a kill, the database
        already holds it (applied by the dead process: the new one replies nothing) and no
        answer came for a while.
        """
        if self.api.wait_call(lambda c: self._said(c, FAILED), since=since, timeout=0) is not None:
            self.failures_seen += 1
            time.sleep(0.2)  # the database may still be down: do not hammer it
            return True
        acked = self.api.acked(uid)
        if acked is None:
            if time.monotonic() - started > self.patience:
                raise AssertionError(f"update {uid} was never fetched")
            return False
        if self.api.kills and acked < self.api.kills[-1]:
            return True
        if self.db is not None and self.api.times_delivered(uid) > 1:
            if uid not in self._applied_seen:
                with Session(self.db) as s:
                    if s.get(ProcessedUpdate, uid) is None:
                        return False
                self._applied_seen[uid] = time.monotonic()
            return time.monotonic() - self._applied_seen[uid] > self.grace
        return False

    def reply(self, uid: int, since: int) -> Call | None:
        """The bot's next question after update ``uid``, or None when it will not come."""
        started = time.monotonic()
        while True:
            call = self.api.wait_call(self._prompt, since=since, timeout=0.25)
            if call is not None:
                return call
            if self._gave_up(uid, since, started):
                return None
            if time.monotonic() - started > self.patience:
                raise AssertionError(f"no reply to update {uid} in {self.patience} s")

    def resync(self) -> Call | None:
        """Send /start and return the question the bot resumes at (None: the record is already submitted)."""
        while True:
            since = self.api.mark()
            uid = self.api.user_sends_text(self.user, "/start")
            self.sent.append(uid)
            self.resyncs += 1
            started = time.monotonic()
            while True:
                marker = self.api.wait_call(lambda c: self._said(c, RESUMED, WELCOME, ALREADY_SUBMITTED),
                                            since=since, timeout=0.25)
                if marker is not None or self._gave_up(uid, since, started):
                    break
            if marker is None:
                continue
            if ALREADY_SUBMITTED in text_of(marker):
                return None
            # Nothing sent before can still be answered (see _gave_up), so the first question
            # after the marker is the one the bot now waits on.
            prompt = self.reply(uid, marker.n + 1)
            if prompt is not None:
                return prompt


def run_workers(workers: list[Worker], *, timeout: float) -> None:
    """Run every worker in its own thread; fail with their stories if any fails or hangs."""
    threads = [threading.Thread(target=w.run, name=f"worker-{w.user.id}", daemon=True) for w in workers]
    for th in threads:
        th.start()
    end = time.monotonic() + timeout
    for th in threads:
        th.join(max(0.0, end - time.monotonic()))
    stuck = [w for w, th in zip(workers, threads) if th.is_alive()]
    failed = [w for w in workers if w.error]
    if stuck or failed:
        stories = [f"worker {w.user.id} ({w.user.first_name}) after {len(w.sigs)} questions, last {w.sigs[-3:]}:"
                   f"\n{w.error or 'still running'}" for w in failed + stuck]
        raise AssertionError("\n\n".join(stories[:5]))
