"""Random input at every question type of the archive form never crashes a handler.

BotCore runs in-process on SQLite with a recording BotIO. Each example puts one interview back at a
question of a given kind (a snapshot taken while filling in the whole form), then sends one to four
random updates: text of any kind and length, commands, replies to the bot's prompts, button presses
with made-up or nearly right callback data, photos and documents where none is expected, stickers,
group chats, strangers, updates delivered twice. Whatever comes, no error is logged (BotCore.handle
swallows exceptions, so an error log is how a crash shows), every new update from a private chat is
answered, every press is answered once, every action is one Telegram accepts, and the interview
state in the database stays one the engine can carry on from.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, col, select

from flows.registry import Registry, load_registry
from bot.service import IntakeService
from bot.settings import Settings
from bot.telegram.actions import Action, AnswerCallback, EditMessage, FileInfo, Incoming, SendDocument, SendMessage
from bot.telegram.core import MAX_TEXT, BotCore
from flows.autofill import next_input
from flows.catalog import t
from flows.engine import advance, new_state
from flows.form import Form
from flows.outputs import Ask, Completed, Context, Input, Menu, Output, Review
from storage import repo
from storage.db import make_engine
from storage.migrate import ensure_schema
from storage.models import STATUSES, Interview, User
from tests.support.factory import UNIT, make_user
from tests.support.plans import household

TOKEN = "123456:FUZZ-TOKEN-abcdefghijklmnopqrstuvwxyz"
ME, STRANGER = 880_001, 880_002
EXAMPLES = int(os.environ.get("INTAKE_FUZZ_EXAMPLES", "40"))  # per kind of question
RANDOM = os.environ.get("INTAKE_FUZZ_RANDOM") == "1"  # new examples each run (default: the same ones, for CI)
ENGINE_STATUSES = ("draft", "submitted", "cancelled")
PHOTO = {"file_id": "F1", "name": "身份证.jpg", "mime": "image/jpeg", "size": 2048, "sha256": "0" * 64,
         "path": "/nonexistent/F1.jpg", "kind": "photo"}


def _fields(form: Form) -> list[Any]:
    return [f for s in form.sections for f in (s.group.fields if s.group else s.fields) if not f.system]


FORM = load_registry().form("archive")
FIELD_TYPES = sorted({f.type for f in _fields(FORM)})
KINDS = [f"ask:{k}" for k in FIELD_TYPES] + [
    "offer", "group:members", "group:attachments", "group:more", "pending:value", "pending:cancel", "pending:duplicate",
    "review", "submitted", "cancelled"]


# --- the interview at every kind of question ----------------------------------------------------------

def _field_type(path: str) -> str:
    parts = path.split(".")
    section = FORM.section_of(parts[0]) if len(parts) == 3 else None
    fields = section.group.fields if section is not None and section.group else _fields(FORM)
    return next(f.type for f in fields if f.key == parts[-1])


def _kinds(outputs: list[Output], state: dict[str, Any]) -> list[str]:
    """The kinds of question this reply leaves the interview at."""
    pending = state.get("pending")
    if pending:
        return [f"pending:{pending['kind']}"]
    prompt = next((o for o in reversed(outputs) if isinstance(o, (Ask, Menu, Review, Completed))), None)
    if isinstance(prompt, Completed):
        return ["submitted"]
    if isinstance(prompt, Review):
        return ["review"] if prompt.final else []
    if isinstance(prompt, Menu):
        if prompt.key not in ("members", "attachments"):
            return []
        return [f"group:{prompt.key}"] + (["group:more"] if len(state["answers"].get(prompt.key) or ()) > 1 else [])
    if isinstance(prompt, Ask):
        offered = any(b.label.startswith("✔ ") for row in prompt.buttons for b in row)
        return [f"ask:{_field_type(prompt.path)}"] + (["offer"] if offered else [])
    return []


def _walk(service: IntakeService, user: User) -> tuple[int, dict[str, tuple[dict[str, Any], str]]]:
    """A surveyor fills in a whole archive (with detours); the state at the first question of each kind."""
    plan = household(attachments=[{"file": "photo", "type": "身份证", "name": "@offer"}],
                     receives_dibao="否", monthly_income="0", other_income_annual="0", months_below_standard="8",
                     remarks="入户核查\n属实")
    for member in plan["members"]:
        member["monthly_income"] = "0"  # below the 低保 standard: 连续低于标准的月数 (months) is asked
    detours = {"name": ["取消"], "household_annual_income": ["9999999"]}  # then 否 to the confirmation
    reply = service.start_interview(user=user, kind="survey")
    iid = reply.interview_id or 0
    snapshots: dict[str, tuple[dict[str, Any], str]] = {}
    for _ in range(400):
        iv = service.interview(iid)
        assert iv is not None
        kinds = _kinds(reply.outputs, iv.state)
        for kind in kinds:
            snapshots.setdefault(kind, (copy.deepcopy(iv.state), iv.status))
        ask = next((o for o in reversed(reply.outputs) if isinstance(o, Ask)), None)
        if ask is not None and detours.get(ask.path):
            inp: Input | None = Input("text", text=detours[ask.path].pop(0))
        elif ask is not None and ask.path.endswith(".file"):
            inp = Input("file", file=PHOTO)
        elif kinds == ["pending:duplicate"]:
            inp = Input("text", text="仍然新建")
        elif kinds in (["pending:cancel"], ["pending:value"]):
            inp = Input("text", text="否")
        else:
            inp = next_input(reply.outputs, plan)
        if inp is None:
            break
        reply = service.handle(user=user, interview_id=iid, inp=inp)
    draft = next(state for kind, (state, status) in snapshots.items() if kind == "ask:text")
    snapshots["cancelled"] = ({**copy.deepcopy(draft), "status": "cancelled", "pending": None}, "cancelled")
    return iid, snapshots


@dataclass
class RecordingIO:
    """A BotIO that keeps every action; downloads give bytes or fail, as the example says."""

    actions: list[Action] = field(default_factory=list)
    download_fails: bool = False

    async def perform(self, action: Action) -> None:
        """Keep it."""
        self.actions.append(action)

    async def download(self, file_id: str) -> bytes:
        """Some bytes (or a permanent failure)."""
        if self.download_fails:
            raise RuntimeError("download refused")
        return b"\xff\xd8\xff" + file_id.encode()[:64]


class ErrorLog(logging.Handler):
    """Collects ERROR records of the bot's own loggers."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class Desk:
    """Everything an example needs: the core, its database and the snapshots."""

    core: BotCore
    service: IntakeService
    loop: asyncio.AbstractEventLoop
    errors: ErrorLog
    interview_id: int
    snapshots: dict[str, tuple[dict[str, Any], str]]
    ctx: Context
    update_ids: Iterator[int] = field(default_factory=lambda: itertools.count(10_000))

    def reset(self, kind: str, role: str) -> dict[str, Any]:
        """Put the interview back at a question of this kind; the user gets this role."""
        state, status = self.snapshots[kind]
        with Session(self.service.db) as s:
            iv = s.get(Interview, self.interview_id)
            user = s.exec(select(User).where(User.tg_id == ME)).one()
            assert iv is not None
            iv.state, iv.status, iv.version = copy.deepcopy(state), status, iv.version + 1
            user.role, user.active_interview_id = role, self.interview_id
            s.add(iv)
            s.add(user)
            s.commit()
        return state


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> Iterator[Desk]:
    """A BotCore on a scratch SQLite database, with the snapshots taken."""
    tmp = tmp_path_factory.mktemp("fuzz")
    engine = make_engine(f"sqlite:///{tmp / 'fuzz.db'}")
    ensure_schema(engine)
    service = IntakeService(engine, registry)
    settings_ = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=TOKEN, DATABASE_URL=str(engine.url),
                         INTAKE_ATTACHMENTS_DIR=str(tmp / "attachments"), INTAKE_ADMIN_IDS="")
    core = BotCore(service, settings_, bot_username="intake_fuzz_bot")
    me = make_user(service, "surveyor", UNIT, tg_id=ME, name="调查员甲")
    service.user(tg_id=STRANGER, name="路人")  # a person the fuzz also speaks as
    with service.session() as s:
        # an earlier survey of the same surveyor holding WANG's ID number: one they may open, so the walk
        # meets the duplicate offer (打开那份档案 / 仍然新建); a record they may not read is only named
        state = new_state(FORM, role="surveyor")
        state["answers"] = {"name": "王建国", "id_number": "420802197503141232"}
        holder = repo.create_interview(s, form_key="archive", form_version=FORM.version, state=state,
                                       created_by=me.id or 0, kind="survey", unit=UNIT)
        holder.id_number = "420802197503141232"
        s.add(holder)
        s.commit()
    interview_id, snapshots = _walk(service, me)
    errors = ErrorLog()
    logging.getLogger("bot").addHandler(errors)
    loop = asyncio.new_event_loop()
    ctx = registry.context()
    try:
        yield Desk(core, service, loop, errors, interview_id, snapshots, ctx)
    finally:
        logging.getLogger("bot").removeHandler(errors)
        loop.close()
        engine.dispose()


# --- random updates -------------------------------------------------------------------------------

WORDS = ["返回", "跳过", "查看", "取消", "帮助", "继续", "是", "否", "对", "确认", "完成", "添加", "删除", "仍然新建",
         "确认签字提交", "1", "3", "0", "-5", "1,3", "1，2、3", "1.2万", "壹仟", "420802197503141232",
         "42080219750314123X", "19800503", "1980-02-30", "1995年7月", "汉", "汉族", "东宝区", "139 1234 5678",
         "6222021234567890128", "448000", " ", "\u200b", "\x00", "🙂" * 30, "第3项", "99999999999", "NaN", "1e309",
         "<b>粗体</b>", "{name}", "%s", "' OR 1=1 --", "①", "修改②", "²", "3²", "２", "١", "99999999999999999999"]
ODD_NUMBERS = ["①", "²", "٣", "２", "99999999999999999999", "9223372036854775808", "-1", "00"]
COMMANDS = ["start", "new", "drafts", "review", "cancel", "help", "invite", "role", "back", "skip", "export",
            "find", "followup", "candidates", "notice", "foo", "START", "start@intake_fuzz_bot", "start@other_bot"]
ENGINE_ACTIONS = ["c", "yn", "t", "done", "offer", "q", "keep", "pg", "back", "cancel", "review", "skip", "yes",
                  "no", "rm", "dup", "g", "e", "rs", "cont", "sign", "", "zz"]
BOT_ACTIONS = ["o", "rv", "ra", "rr", "dl", "oc", "to", "ef", "eg", "fc", "fd", "fh", "fj", "fo", "fr", "fu", "zz"]
MARKERS = [t("tg.review.return_marker"), t("tg.override.marker"), t("rec.close.marker"), t("rec.reopen.marker")]

short_text = st.text(max_size=40)
numberish = st.one_of(st.integers(-5, 40).map(str), st.integers().map(str), st.sampled_from(ODD_NUMBERS), short_text)


@st.composite
def callback_data(draw: st.DrawFn, iid: int, seq: int) -> str:
    """Made-up data, or data shaped like the bot's own with a right or wrong interview, seq and argument."""
    shape = draw(st.sampled_from(["engine", "engine", "engine", "bot", "random"]))
    if shape == "random":
        return draw(st.text(max_size=80))
    arg = draw(numberish)
    if shape == "bot":
        return f"x:{draw(st.sampled_from(BOT_ACTIONS))}:{draw(st.sampled_from([str(iid), arg]))}" + \
            draw(st.sampled_from(["", ":0", ":all", f":{arg}"]))
    target = draw(st.sampled_from([iid, iid, iid + 1, 0, 10**12]))
    seq_ = draw(st.sampled_from([seq, seq, seq - 1, seq + 1, -1]))
    action = draw(st.sampled_from(ENGINE_ACTIONS))
    return f"i{target}:{seq_}:{action}" + draw(st.sampled_from(["", f":{arg}", ":add", ":done", ":open", ":new"]))


@st.composite
def updates(draw: st.DrawFn, desk: Desk, iid: int, seq: int, earlier: list[Incoming]) -> Incoming:
    """One random update; now and then one of this example's earlier ones, delivered again."""
    if earlier and draw(st.integers(0, 5)) == 0:
        return earlier[draw(st.integers(0, len(earlier) - 1))]
    update_id = next(desk.update_ids)
    user = draw(st.sampled_from([ME, ME, ME, ME, ME, ME, STRANGER, None]))
    chat_type = draw(st.sampled_from(["private"] * 8 + ["group", "supergroup", "channel"]))
    chat = (user or ME) if chat_type == "private" else -100_123
    base: dict[str, Any] = {"update_id": update_id, "user_id": user, "first_name": draw(short_text),
                            "last_name": draw(st.sampled_from(["", "王"])), "chat_id": chat, "chat_type": chat_type}
    what = draw(st.sampled_from(["text", "text", "text", "command", "press", "press", "press", "file", "other"]))
    if what == "press":
        return Incoming(**base, callback_id=f"cb{update_id}", callback_data=draw(callback_data(iid, seq)),
                        message_id=draw(st.sampled_from([None, 1, 999_999])))
    if what == "file":
        kind = draw(st.sampled_from(["photo", "document"]))
        info = FileInfo(draw(st.text(min_size=1, max_size=20)), "u", kind, draw(st.text(max_size=200)),
                        draw(st.sampled_from(["", "image/jpeg", "application/pdf", "x/y"])),
                        draw(st.sampled_from([0, 1, 20 * 1024 * 1024, 20 * 1024 * 1024 + 1, 2**40])))
        return Incoming(**base, file=info, text=draw(st.one_of(st.none(), short_text)))
    if what == "other":
        return Incoming(**base, other=draw(st.sampled_from(["sticker", "voice", "location", "contact", "poll"])))
    if what == "command":
        text = "/" + draw(st.sampled_from(COMMANDS)) + draw(st.sampled_from(["", " ", " 1", " admin", " x y"]))
        text += draw(st.sampled_from(["", "", " " + draw(st.sampled_from(ODD_NUMBERS)) + " staff"]))
        text += draw(st.one_of(st.just(""), st.builds(lambda s: " " + s, short_text)))
    else:
        text = draw(st.one_of(
            st.sampled_from(WORDS), st.text(max_size=120), st.text(alphabet="0123456789.-,，、 年月日X", max_size=24),
            st.integers(0, 4).map(lambda n: "很" * (MAX_TEXT - 2 + n)), st.integers(1, 6000).map(lambda n: "字" * n),
            st.builds(lambda c: "/" + c, st.text(max_size=30))))
    reply_to = draw(st.one_of(
        st.none(), st.none(), st.none(), short_text,
        st.builds(lambda m, n, tail: f"{m}档案#{n}{tail}", st.sampled_from(MARKERS), st.sampled_from([iid, 0, 10**9]),
                  st.sampled_from(["", "→低保户：", "→不存在：", "原因：就业增收。", "原因：乱写。", f" #{iid}"]))))
    return Incoming(**base, text=text, reply_to_text=reply_to)


# --- what must hold ---------------------------------------------------------------------------------

def _check_actions(inc: Incoming, actions: list[Action], fresh: bool) -> None:
    for a in actions:
        if isinstance(a, SendMessage):
            assert a.text.strip() and len(a.text) <= 4096, f"unsendable text ({len(a.text)} chars)"
        elif isinstance(a, EditMessage):
            assert a.text is None or (a.text.strip() and len(a.text) <= 4096), "unsendable edit"
        elif isinstance(a, AnswerCallback):
            assert a.callback_id == inc.callback_id, "answered somebody else's button"
            assert len(a.text) <= 200, "callback answers are at most 200 characters"
        elif isinstance(a, SendDocument):
            assert a.data and a.filename
        for row in getattr(a, "buttons", ()) or ():
            for label, data in row:
                assert label.strip(), "a button without a label"
                assert 1 <= len(data.encode()) <= 64, f"callback data Telegram refuses: {data!r}"
    if inc.user_id is None:
        assert actions == [], "an update without a user was answered"
        return
    if inc.chat_type == "private" and fresh:
        assert actions, f"no answer to {inc!r}"
        assert not any(isinstance(a, SendMessage) and a.text == t("tg.error") for a in actions), "handler failed"
    if inc.callback_id is not None:
        answers = sum(isinstance(a, AnswerCallback) for a in actions)
        assert answers == 1 if fresh else answers <= 1, "a press must be answered exactly once"


def _check_database(desk: Desk, form: Form) -> None:
    with Session(desk.service.db) as s:
        user = s.exec(select(User).where(User.tg_id == ME)).one()
        interviews = s.exec(select(Interview).where(col(Interview.created_by) == user.id)).all()
    for iv in interviews:
        assert iv.status in STATUSES, iv.status
        state = json.loads(json.dumps(iv.state))  # the state is plain JSON
        assert state.get("status") in ENGINE_STATUSES, state.get("status")
        if iv.status in ("draft", "submitted", "cancelled"):
            assert state["status"] == iv.status, (iv.status, state["status"])
        step = advance(form, state, Input("start"), desk.ctx)  # the engine can carry on from it
        assert step.outputs


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@pytest.mark.parametrize("kind", KINDS)
def test_random_updates_at_every_question_type_never_crash_a_handler(desk: Desk, kind: str) -> None:
    if kind not in desk.snapshots:
        pytest.fail(f"filling in the archive never reached a question of kind {kind}: extend the walk")

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        role = data.draw(st.sampled_from(["surveyor", "surveyor", "worker", "staff", "admin"]), label="role")
        state = desk.reset(kind, role)
        sent: list[Incoming] = []
        for n in range(data.draw(st.integers(1, 4), label="updates")):
            with Session(desk.service.db) as s:
                iv = s.get(Interview, desk.interview_id)
                seq = int((iv.state if iv else state).get("seq", 0))
            inc = data.draw(updates(desk, desk.interview_id, seq, sent), label=f"update {n}")
            fresh = inc not in sent
            sent.append(inc)
            io = RecordingIO(download_fails=data.draw(st.booleans(), label="download fails"))
            desk.errors.records.clear()
            desk.loop.run_until_complete(desk.core.handle(inc, io))
            assert not desk.errors.records, desk.errors.format(desk.errors.records[0])
            _check_actions(inc, io.actions, fresh)
        _check_database(desk, FORM)

    run()


def test_the_walk_reaches_every_kind(desk: Desk) -> None:
    """The snapshots cover every field type the archive form has, plus menus, confirmations and the end."""
    assert set(KINDS) <= set(desk.snapshots), sorted(set(KINDS) - set(desk.snapshots))
    assert date(2026, 11, 29) == desk.ctx.today  # the registry fixture's fixed clock


ODD = [  # (kind, role, update): numbers a person can type or a client can send that int() or the database refuse
    ("review", "surveyor", {"text": "①"}), ("review", "surveyor", {"text": "修改²"}),
    ("group:more", "surveyor", {"text": "①"}), ("ask:text", "surveyor", {"callback_data": "i{iid}:{seq}:c:²"}),
    ("ask:choice", "surveyor", {"callback_data": "i{iid}:{seq}:c:①"}),
    ("ask:multi_choice", "surveyor", {"callback_data": "i{iid}:{seq}:t:²"}),
    ("ask:text", "surveyor", {"callback_data": "i{iid}:{seq}:q:³"}),
    ("ask:choice", "surveyor", {"callback_data": "i{iid}:{seq}:pg:²"}),
    ("review", "surveyor", {"callback_data": "i{iid}:{seq}:e:99999999999999999999"}),
    ("ask:text", "surveyor", {"callback_data": "i99999999999999999999:1:c:0"}),
    ("ask:text", "surveyor", {"callback_data": "i²:1:c:0"}),
    ("ask:text", "surveyor", {"callback_data": "x:o:9223372036854775808"}),
    ("ask:text", "surveyor", {"callback_data": "x:o:²"}),
    ("submitted", "staff", {"callback_data": "x:rv:99999999999999999999"}),
    ("submitted", "staff", {"callback_data": "x:ra:①"}),
    ("submitted", "staff", {"callback_data": "x:fh:99999999999999999999"}),
    ("submitted", "staff", {"callback_data": "x:fr:1:²"}),
    ("submitted", "staff", {"callback_data": "x:fj:²"}),
    ("submitted", "admin", {"text": "/role 99999999999999999999 staff"}),
    ("submitted", "admin", {"text": "/role ² staff"}),
]


@pytest.mark.parametrize(("kind", "role", "fields"), ODD, ids=[f"{k}-{n}" for n, (k, _, _) in enumerate(ODD)])
def test_odd_digits_and_huge_numbers_get_an_answer_not_an_error(desk: Desk, kind: str, role: str,
                                                               fields: dict[str, str]) -> None:
    state = desk.reset(kind, role)
    if kind == "group:more":  # 删除 asks which member: answer with a circled number
        press = Incoming(next(desk.update_ids), ME, "甲", chat_id=ME, chat_type="private", callback_id="rm",
                         callback_data=f"i{desk.interview_id}:{state['seq']}:g:remove", message_id=1)
        desk.loop.run_until_complete(desk.core.handle(press, RecordingIO()))
        state = desk.service.interview(desk.interview_id).state  # type: ignore[union-attr]
        assert (state.get("pending") or {}).get("kind") == "remove_pick", state.get("pending")
        fields = {"text": "①"}
    values = {k: v.format(iid=desk.interview_id, seq=state.get("seq", 0)) for k, v in fields.items()}
    if "callback_data" in values:
        values.update(callback_id="odd", message_id=1)
    inc = Incoming(next(desk.update_ids), ME, "甲", chat_id=ME, chat_type="private", **values)
    io = RecordingIO()
    desk.errors.records.clear()
    desk.loop.run_until_complete(desk.core.handle(inc, io))
    assert not desk.errors.records, desk.errors.format(desk.errors.records[0])
    _check_actions(inc, io.actions, fresh=True)
    _check_database(desk, FORM)
