"""The kept person and active interview (storage.people): exact after every write, checked when it could not be."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Callable

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from bot.service import IntakeService
from bot.settings import Settings
from bot.telegram.actions import Incoming
from bot.telegram.core import BotCore
from flows.outputs import Input
from storage import invites, repo, review
from storage.db import make_engine
from storage.models import AnswerEvent, Interview, ProcessedUpdate
from storage.step_values import STEP_COLUMNS, USER_COLUMNS
from storage.steps import StalePerson
from tests.support.chat import RecordingIO
from tests.support.factory import UNIT, make_user
from tests.support.household import submit

WORKER = 501


def _view(service: IntakeService, *, cached: bool) -> tuple[dict[str, Any], dict[str, Any] | None]:
    user, active = service.steps.person(WORKER, cached=cached)
    assert user is not None
    return ({n: getattr(user, n) for n in USER_COLUMNS},
            None if active is None else {n: getattr(active, n) for n in STEP_COLUMNS})


def _rename(service: IntakeService, worker: Any) -> None:
    service.person(tg_id=WORKER, name="改了名的职工")


def _set_active(service: IntakeService, worker: Any) -> None:
    other = service.start_interview(user=worker).interview_id
    with service.session() as s:  # back to the first, then to the other again through set_active
        repo.set_active_interview(s, user=worker, interview_id=None)
        repo.set_active_interview(s, user=worker, interview_id=other)


def _start(service: IntakeService, worker: Any) -> None:
    service.start_interview(user=worker)


def _invite(service: IntakeService, worker: Any) -> None:
    with service.session() as s:
        code = invites.create_invite(s, role="surveyor", unit="另一个工会", created_by=None).code
        invites.redeem_invite(s, code=code, user=worker)


def _answer(service: IntakeService, worker: Any) -> None:
    user, active = service.steps.person(WORKER, cached=True)
    assert user is not None and active is not None
    service.handle(user=user, interview_id=active.id, inp=Input("text", text="王建国"), update_id=77, guard=True)


def _take_over_and_return(service: IntakeService, worker: Any) -> None:
    """Staff take the worker's submitted self-report over, then return it: the worker's active one changes."""
    staff = make_user(service, "staff", UNIT, local_name="st")
    iid = submit(service, worker, kind="self")
    with service.session() as s:
        repo.set_active_interview(s, user=worker, interview_id=None)
    service.steps.person(WORKER, cached=True)  # kept with no active interview
    with service.session() as s:
        iv = s.get(Interview, iid)
        assert iv is not None
        review.return_to_author(s, interview_id=iid, reviewer=staff, comment="请核对姓名", paths=["name"])


WRITERS: dict[str, Callable[[IntakeService, Any], None] | None] = {
    "rename": _rename, "set_active": _set_active, "start": _start, "set_role": None, "invite": _invite,
    "answer": _answer, "return_to_author": _take_over_and_return}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_after_each_kind_of_write_the_kept_view_is_what_a_read_finds(service: IntakeService, writer: str) -> None:
    worker = make_user(service, tg_id=WORKER)
    service.start_interview(user=worker)
    before = _view(service, cached=True)  # kept now
    assert _view(service, cached=True) == before and service.steps.people.hits >= 1
    write = WRITERS[writer]
    if write is None:  # a role change (written here: tests/support keeps the one people helper)
        with service.session() as s:
            repo.set_role(s, user=service.user(tg_id=WORKER), role="surveyor", unit=UNIT, actor_id=None)
    else:
        write(service, service.user(tg_id=WORKER))
    after = _view(service, cached=True)
    assert after == _view(service, cached=False)
    assert after != before  # (each writer changes something the view holds)


def _other_worker(service: IntakeService) -> Any:
    """Another process (the intake CLI) or another bot worker on the same database: its writes are not seen here."""
    return make_engine(str(service.db.url.render_as_string(hide_password=False)))


def test_a_view_changed_by_another_process_refuses_the_answer_and_writes_nothing(service: IntakeService) -> None:
    worker = make_user(service, tg_id=WORKER)
    iid = service.start_interview(user=worker).interview_id
    user, active = service.steps.person(WORKER, cached=True)
    assert active is not None and active.id == iid
    other = _other_worker(service)
    with other.begin() as conn:  # the worker is made a surveyor elsewhere
        conn.execute(text('UPDATE "user" SET role = \'surveyor\' WHERE tg_id = :t'), {"t": WORKER})
    other.dispose()
    assert service.steps.person(WORKER, cached=True)[0].role == "worker"  # (this process could not know)
    with pytest.raises(StalePerson):
        service.handle(user=user, interview_id=iid, inp=Input("text", text="王建国"), update_id=901, guard=True)
    with Session(service.db) as s:
        assert s.exec(select(AnswerEvent).where(AnswerEvent.interview_id == iid)).first() is None
        assert s.get(ProcessedUpdate, 901) is None
        iv = s.get(Interview, iid)
        assert iv is not None and iv.version == active.version
    fresh, _ = service.steps.person(WORKER, cached=True)  # the refused view was dropped: read again
    assert fresh is not None and fresh.role == "surveyor"
    service.handle(user=fresh, interview_id=iid, inp=Input("text", text="王建国"), update_id=901, guard=True)
    with Session(service.db) as s:
        assert [e.new for e in s.exec(select(AnswerEvent).where(AnswerEvent.interview_id == iid))] == ["王建国"]


def test_an_answer_on_a_stale_view_goes_to_the_interview_the_database_says(service: IntakeService,
                                                                           tmp_path: Path) -> None:
    """Another process switched the person's active interview: the bot's answer is decided again, fresh."""
    core = BotCore(service, Settings(TELEGRAM_BOT_TOKEN="1:x", INTAKE_ATTACHMENTS_DIR=str(tmp_path)))
    worker = make_user(service, tg_id=WORKER)
    io = RecordingIO()

    def say(update_id: int, words: str) -> None:
        asyncio.run(core.handle(Incoming(update_id=update_id, user_id=WORKER, first_name="用户501", chat_id=WORKER,
                                         chat_type="private", text=words), io))

    first = service.start_interview(user=worker).interview_id
    say(1, "王建国")  # kept: the worker answering ``first``
    second = service.start_interview(user=service.user(tg_id=WORKER)).interview_id
    with service.session() as s:  # back to the first here (kept as the first again)
        repo.set_active_interview(s, user=service.user(tg_id=WORKER), interview_id=first)
    say(2, "男")
    other = _other_worker(service)
    with other.begin() as conn:
        conn.execute(text('UPDATE "user" SET active_interview_id = :i WHERE tg_id = :t'), {"i": second, "t": WORKER})
    other.dispose()
    say(3, "李四")
    with Session(service.db) as s:
        by = {iid: [e.new for e in s.exec(select(AnswerEvent).where(AnswerEvent.interview_id == iid)
                                            .order_by(AnswerEvent.id))] for iid in (first, second)}
        assert s.get(ProcessedUpdate, 3) is not None
    assert by[second] == ["李四"]
    assert "李四" not in by[first]


def test_the_cache_is_bounded_and_keeps_no_read_that_raced_a_commit(service: IntakeService) -> None:
    people = service.steps.people
    people.size = 3
    began = people.generation
    for tg in (1, 2, 3):
        people.put(tg, {"id": tg}, None, began)
    assert people.get(1) is not None  # seen again: 2 is now the least recently seen
    people.put(4, {"id": 4}, None, began)
    assert people.get(2) is None and all(people.get(tg) is not None for tg in (1, 3, 4))
    make_user(service, tg_id=5)  # a commit through SQLAlchemy: everything kept is dropped
    assert all(people.get(tg) is None for tg in (1, 3, 4))
    people.put(6, {"id": 6}, None, began)  # a read that began before that commit is not kept
    assert people.get(6) is None
