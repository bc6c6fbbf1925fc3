"""The Telegram bot's parts in-process: invites, review, idempotent steps, locks, retries, files, field names."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from flows.registry import Registry
from bot.service import IntakeService
from bot.telegram.actions import FileInfo, SendMessage, bind
from bot.telegram.locks import UserLocks
from bot.telegram.delivery import Transient, with_retries
from bot.telegram.files import AttachmentStore
from bot.telegram.staff import named_paths
from bot.render import Message
from flows.catalog import t
from flows.outputs import Input
from storage import invites, repo, review
from storage.models import AnswerEvent, AuditLog, User, utcnow
from tests.support.factory import make_user
from tests.support.household import finish, submit
from tests.support.plans import household


# --- storage: invites ------------------------------------------------------------------

def test_an_invite_is_used_once_and_grants_its_role_and_unit(service: IntakeService) -> None:
    admin = make_user(service, "admin", "", tg_id=1)
    with service.session() as s:
        code = invites.create_invite(s, role="surveyor", unit="东宝区总工会", created_by=admin.id).code
    first, second = make_user(service, tg_id=2), make_user(service, tg_id=3)
    with service.session() as s:
        invites.redeem_invite(s, code=code, user=first)
        with pytest.raises(invites.InviteError) as used:
            invites.redeem_invite(s, code=code, user=second)
        with pytest.raises(invites.InviteError) as unknown:
            invites.redeem_invite(s, code="nope", user=second)
    assert (used.value.reason, unknown.value.reason) == ("used", "unknown")
    assert (service.user(tg_id=2).role, service.user(tg_id=2).unit) == ("surveyor", "东宝区总工会")
    assert service.user(tg_id=3).role == "worker"


def test_an_expired_invite_is_refused_and_an_invite_never_lowers_a_role(service: IntakeService) -> None:
    staff = make_user(service, "staff", "U", tg_id=10)
    with service.session() as s:
        old = invites.create_invite(s, role="surveyor", created_by=None, hours=1, now=utcnow() - timedelta(hours=2))
        low = invites.create_invite(s, role="surveyor", unit="V", created_by=None)
        with pytest.raises(invites.InviteError) as expired:
            invites.redeem_invite(s, code=old.code, user=staff)
        with pytest.raises(invites.InviteError) as lower:
            invites.redeem_invite(s, code=low.code, user=staff)
    assert expired.value.reason == "expired" and lower.value.reason == "lower"
    assert (service.user(tg_id=10).role, service.user(tg_id=10).unit) == ("staff", "U"), "neither lowered nor moved"
    with pytest.raises(ValueError):
        with service.session() as s:
            invites.create_invite(s, role="king", created_by=None)


# --- storage: one update, one step ---------------------------------------------------------

def test_an_update_id_is_applied_once(service: IntakeService) -> None:
    user = make_user(service, tg_id=20)
    iid = service.start_interview(user=user).interview_id or 0
    service.handle(user=user, interview_id=iid, inp=Input("text", text="王建国"), update_id=777)
    with pytest.raises(repo.UpdateAlreadyApplied):
        service.handle(user=user, interview_id=iid, inp=Input("text", text="汉族"), update_id=777)
    iv = service.interview(iid)
    assert iv is not None and iv.state["answers"] == {"name": "王建国"}
    with service.session() as s:
        assert not repo.claim_update(s, update_id=777)


# --- storage: review -----------------------------------------------------------------------

def test_approve_records_the_reviewer_once(service: IntakeService) -> None:
    surveyor, staff = make_user(service, "surveyor", "U", tg_id=30), make_user(service, "staff", "U", tg_id=31)
    iid = submit(service, surveyor, household())
    with service.session() as s:
        assert [iv.id for iv in review.submitted(s, user=staff)] == [iid]
        assert review.submitted(s, user=make_user(service, "staff", "other", tg_id=32)) == []
        done = review.approve(s, interview_id=iid, reviewer=staff, name="刘审核")
        with pytest.raises(review.ReviewError) as again:
            review.approve(s, interview_id=iid, reviewer=staff)
        events = s.exec(select(AnswerEvent).where(AnswerEvent.path == "reviewed_by")).all()
        audits = s.exec(select(AuditLog).where(AuditLog.action == "approve_interview")).all()
    assert (done.status, done.approved_by, done.state["answers"]["reviewed_by"]) == ("approved", staff.id, "刘审核")
    assert again.value.status == "approved"
    assert [(e.new, e.actor_id) for e in events] == [("刘审核", staff.id)] and len(audits) == 1


def test_return_reopens_at_the_named_field_and_resubmits(service: IntakeService) -> None:
    surveyor, staff = make_user(service, "surveyor", "U", tg_id=40), make_user(service, "staff", "U", tg_id=41)
    iid = submit(service, surveyor, household())
    other = service.start_interview(user=surveyor, kind="survey").interview_id  # the household being answered now
    with service.session() as s:
        back = review.return_to_author(s, interview_id=iid, reviewer=staff, comment="电话不对",
                                       paths=["phone"])
        assert s.get(User, surveyor.id).active_interview_id == other  # type: ignore[union-attr]
    assert (back.status, back.state["status"], back.state["cursor"], back.review_comment) == \
        ("returned", "draft", "phone", "电话不对")
    surveyor = service.user(tg_id=40)
    reply = service.handle(user=surveyor, interview_id=iid, inp=Input("start"))
    assert any("手机号码" in getattr(o, "text", "") for o in reply.outputs)
    reply = service.handle(user=surveyor, interview_id=iid, inp=Input("text", text="13800001111"))
    finish(service, surveyor, reply, household())
    iv = service.interview(iid)
    assert iv is not None and (iv.status, iv.state["answers"]["phone"]) == ("submitted", "13800001111")
    assert iv.state["answers"]["name"] == "王建国"


# --- bot parts --------------------------------------------------------------------------------

def test_field_names_in_a_comment_longest_label_first(registry: Registry) -> None:
    form = registry.form("archive")
    state = {"answers": dict(household(), members=[{"name": "李秀英"}]), "groups_done": ["members"]}
    ctx = registry.context()
    assert named_paths(form, state, "surveyor", "身份证号有误", ctx) == [("id_number", "身份证号")]
    assert [p for p, _ in named_paths(form, state, "surveyor", "家庭年度总收入不对；姓名写错", ctx)] == \
        ["name", "household_annual_income"]
    assert named_paths(form, state, "surveyor", "请再核实", ctx) == []


async def test_user_locks_run_one_users_updates_in_order_and_stay_bounded() -> None:
    locks, seen = UserLocks(limit=3), []

    async def update(user: int, n: int) -> None:
        async with locks.hold(user):
            seen.append((user, n, "in"))
            await asyncio.sleep(0.01)
            seen.append((user, n, "out"))

    await asyncio.gather(*(update(1, n) for n in range(4)), update(2, 0))
    ones = [(n, what) for user, n, what in seen if user == 1]
    assert ones == [(n, w) for n in range(4) for w in ("in", "out")]
    await asyncio.gather(*(update(u, 0) for u in range(10, 20)))
    assert len(locks) <= 3


async def test_retries_honour_retry_after_back_off_and_give_up() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    failures = [Transient("429", 3.0), Transient("502")]

    async def flaky() -> str:
        if failures:
            raise failures.pop(0)
        return "sent"

    assert await with_retries(flaky, what="send", sleep=sleep) == "sent"
    assert waits[0] == 3.0 and 0 < waits[1] < 3.0

    async def down() -> None:
        raise Transient("502")

    with pytest.raises(Transient):
        await with_retries(down, what="send", attempts=3, sleep=sleep)

    async def wrong() -> None:
        raise ValueError("bad request")

    with pytest.raises(ValueError):
        await with_retries(wrong, what="send", sleep=sleep)
    assert len(waits) == 4


def test_attachments_stay_in_their_folder_with_a_checksum(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path)
    info = FileInfo("f1", "u1", "document", "../../etc/passwd", "text/plain", 5)
    meta = store.save(interview_id=7, data=b"hello", info=info, name="../../etc/passwd")
    path = Path(meta["path"])
    assert path.parent == (tmp_path / "7").resolve() and path.read_bytes() == b"hello"
    assert meta["sha256"] == hashlib.sha256(b"hello").hexdigest() and meta["size"] == 5
    assert store.save(interview_id=7, data=b"hello", info=info, name="x")["sha256"] == meta["sha256"]


def test_engine_buttons_are_bound_to_their_interview() -> None:
    sent = bind([Message("问题", ((("1. 男", "4:c:0"),),))], 99, 12)
    assert sent == [SendMessage(99, "问题", ((("1. 男", "i12:4:c:0"),),))]


def test_long_messages_are_split_below_the_limit_with_buttons_last() -> None:
    from bot.render import TELEGRAM_LIMIT, render
    from flows.outputs import Button, Review, ReviewItem

    items = tuple(ReviewItem(i, f"p{i}", f"项目{i}", "很长的内容" * 12) for i in range(1, 120))
    review_out = Review("核对", (("基本信息", items),), "请确认", ((Button("确认签字提交", "9:sign"),),))
    parts = bind(render([review_out]), 1, 5)
    assert len(parts) > 1 and all(len(p.text) <= TELEGRAM_LIMIT for p in parts)  # type: ignore[union-attr]
    assert [bool(p.buttons) for p in parts] == [False] * (len(parts) - 1) + [True]  # type: ignore[union-attr]
    assert "\n".join(p.text for p in parts).count("很长的内容" * 12) == 119  # type: ignore[union-attr]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
async def test_runtime_errors_are_classified_for_retrying() -> None:
    from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError, TelegramRetryAfter, TelegramServerError
    from aiogram.methods import SendMessage as AiogramSend
    from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

    from bot.telegram import aiogram_runtime, ptb_runtime

    method = AiogramSend(chat_id=1, text="x")
    cases = [
        (aiogram_runtime, TelegramRetryAfter(method=method, message="flood", retry_after=7), 7.0),
        (aiogram_runtime, TelegramServerError(method=method, message="Bad Gateway"), None),
        (aiogram_runtime, TelegramNetworkError(method=method, message="timeout"), None),
        (ptb_runtime, RetryAfter(5), 5.0),
        (ptb_runtime, NetworkError("Bad Gateway"), None),
        (ptb_runtime, TimedOut(), None),
    ]
    for module, exc, retry_after in cases:
        with pytest.raises(Transient) as caught:
            async with module.transient_errors():
                raise exc
        assert caught.value.retry_after == retry_after
    for module, exc in ((aiogram_runtime, TelegramBadRequest(method=method, message="not modified")),
                        (ptb_runtime, BadRequest("message is not modified"))):
        with pytest.raises(type(exc)):
            async with module.transient_errors():
                raise exc


# --- the core waits for the database -----------------------------------------------------

class _Recorder:
    def __init__(self) -> None:
        self.done: list[object] = []

    async def perform(self, action: object) -> None:
        self.done.append(action)

    async def download(self, file_id: str) -> bytes:
        raise AssertionError("no files here")


def _core(service: IntakeService, tmp_path: Path) -> object:
    from bot.settings import Settings
    from bot.telegram.core import BotCore

    return BotCore(service, Settings(TELEGRAM_BOT_TOKEN="1:x", INTAKE_ATTACHMENTS_DIR=str(tmp_path)))


def test_an_answer_waits_while_the_database_is_unreachable_and_is_applied_once(
        service: IntakeService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    from bot.telegram import outage as outage_module
    from bot.telegram.actions import Incoming

    monkeypatch.setattr(outage_module, "DB_RETRY_WAITS", (0.01, 0.01, 0.01))
    core = _core(service, tmp_path)
    worker = make_user(service, tg_id=77)
    real = service.steps.person
    outage = {"left": 2}

    def person(tg_id: int, **kw: object):  # the first two reads find the database down
        if outage["left"]:
            outage["left"] -= 1
            raise OperationalError("SELECT …", None, ConnectionError("server closed the connection"))
        return real(tg_id, **kw)

    monkeypatch.setattr(service.steps, "person", person)
    io = _Recorder()
    asyncio.run(core.handle(Incoming(update_id=900, user_id=77, first_name="用户77", chat_id=77,
                                     chat_type="private", text="/start"), io))
    assert outage["left"] == 0
    texts = [a.text for a in io.done if isinstance(a, SendMessage)]
    assert texts and not any("出错" in t for t in texts)  # the person got the first question, no error
    asyncio.run(core.handle(Incoming(update_id=901, user_id=77, first_name="用户77", chat_id=77,
                                     chat_type="private", text="王建国"), io))
    with service.session() as s:
        names = [e for e in s.exec(select(AnswerEvent).where(AnswerEvent.path == "name"))]
    assert [e.new for e in names] == ["王建国"]
    assert service.user(tg_id=77).active_interview_id is not None and worker.id is not None


def test_a_bug_is_not_retried_and_the_person_hears_about_it(service: IntakeService, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.telegram.actions import Incoming

    core = _core(service, tmp_path)
    make_user(service, tg_id=78)
    calls = {"n": 0}

    def broken(tg_id: int, **kw: object):
        calls["n"] += 1
        raise KeyError("a bug, not an outage")

    monkeypatch.setattr(service.steps, "person", broken)
    io = _Recorder()
    asyncio.run(core.handle(Incoming(update_id=910, user_id=78, first_name="用户78", chat_id=78,
                                     chat_type="private", text="/start"), io))
    assert calls["n"] == 1
    assert [a.text for a in io.done if isinstance(a, SendMessage)] == [t("tg.error")]


def test_a_reply_lost_after_the_answer_was_saved_is_made_good(service: IntakeService, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    from bot.telegram import outage as outage_module
    from bot.telegram.actions import Incoming

    monkeypatch.setattr(outage_module, "DB_RETRY_WAITS", (0.01, 0.01))
    core = _core(service, tmp_path)
    make_user(service, tg_id=79)
    io = _Recorder()
    asyncio.run(core.handle(Incoming(update_id=920, user_id=79, first_name="用户79", chat_id=79,
                                     chat_type="private", text="/start"), io))
    real_finish, failed = service.finish, []

    def finish_then_lose_the_database(user, prepared):  # the answer is committed; the connection goes next
        if not failed:
            failed.append(True)
            raise OperationalError("SELECT …", None, ConnectionError("server closed the connection"))
        return real_finish(user, prepared)

    monkeypatch.setattr(service, "finish", finish_then_lose_the_database)
    io.done.clear()
    asyncio.run(core.handle(Incoming(update_id=921, user_id=79, first_name="用户79", chat_id=79,
                                     chat_type="private", text="王建国"), io))
    texts = [a.text for a in io.done if isinstance(a, SendMessage)]
    assert failed and texts[0] == t("tg.kept_after_outage") and len(texts) >= 2  # then the next question
    with service.session() as s:
        assert [e.new for e in s.exec(select(AnswerEvent).where(AnswerEvent.path == "name"))] == ["王建国"]


# --- the button table ---------------------------------------------------------------------

def test_every_desk_button_parses_back_what_it_was_built_from() -> None:
    from bot.telegram import buttons

    for kind in buttons.KINDS:
        values = tuple(7 if typ is int else "ua" for _, typ in kind.fields)
        data = kind.data(*values)
        assert len(data.encode()) <= 64  # Telegram's limit for callback data
        pressed = buttons.parse(data)
        assert pressed is not None and pressed.button is kind
        assert tuple(pressed.values.values()) == values
    assert buttons.CLOSE_REASON.data(12, 3) == "x:fr:12:3"  # the format earlier versions sent: old buttons work


@pytest.mark.parametrize("data", ["x:fr:12", "x:fr:12:3:4", "x:o:²", "x:o:" + "9" * 20, "x:zz:1", "x:o:", "o:1"])
def test_malformed_or_unknown_button_data_parses_to_nothing(data: str) -> None:
    from bot.telegram import buttons

    assert buttons.parse(data) is None


def test_a_question_button_carries_its_interview_and_the_engine_data() -> None:
    from bot.telegram import buttons

    pressed = buttons.parse_engine(buttons.engine_data(12, "4:t:2"))
    assert pressed == buttons.EngineButton(12, "4:t:2") and pressed.action == "t"
    assert buttons.parse_engine("x:o:12") is None and buttons.parse_engine("i²:4:t") is None
    with pytest.raises(ValueError):
        buttons.CLOSE_REASON.data(12, "a:b")


def test_the_desks_reach_the_bot_only_through_the_desk_context() -> None:
    """records, staff, uploads, exports, drafts and the daily task never import the core (no import circle)."""
    import ast
    from pathlib import Path

    import bot.telegram

    folder = Path(bot.telegram.__file__).parent
    for name in ("records", "staff", "uploads", "exports_desk", "drafts", "daily_task", "buttons", "desk"):
        tree = ast.parse((folder / f"{name}.py").read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert "bot.telegram.core" not in imported, name
