"""Answers handled at the same moment are committed together, and each is still all-or-nothing on its own."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.service import IntakeService
from flows.outputs import Input
from storage import repo
from storage.db import make_engine
from storage.migrate import ensure_schema
from storage.models import AnswerEvent, Interview, ProcessedUpdate
from storage.commit import GroupCommit
from storage.steps import CommitFailed
from tests.support.factory import UNIT, make_user
from tests.support.household import follow


def _survey(service: IntakeService, user: Any) -> int:
    return service.start_interview(user=user, kind="survey").interview_id or 0


def _journal(service: IntakeService, iid: int) -> list[str]:
    with Session(service.db) as s:
        return [f"{e.path}={e.new}" for e in s.exec(select(AnswerEvent).where(AnswerEvent.interview_id == iid)
                                                    .order_by(AnswerEvent.id))]


def _version(service: IntakeService, iid: int) -> int:
    with Session(service.db) as s:
        iv = s.get(Interview, iid)
        assert iv is not None
        return iv.version


@pytest.fixture
def service(sqlite_url: str, registry: Any) -> Iterator[IntakeService]:
    """Group commit is the SQLite path (the event loop's thread is that database's one writer)."""
    engine = make_engine(sqlite_url)
    ensure_schema(engine)
    yield IntakeService(engine, registry)
    engine.dispose()


def test_answers_of_several_interviews_share_one_commit(service: IntakeService) -> None:
    users = [make_user(service, "surveyor", UNIT, local_name=f"s{i}", name="张调查员") for i in range(3)]
    interviews = [_survey(service, u) for u in users]
    commits = GroupCommit(service.steps)

    async def all_at_once() -> list[Any]:
        return await asyncio.gather(*(
            service.handle_grouped(commits, user=u, interview_id=iid, inp=Input("text", text=name), update_id=100 + n)
            for n, (u, iid, name) in enumerate(zip(users, interviews, ["王建国", "李芳", "张伟"]))))

    replies = asyncio.run(all_at_once())
    assert commits.batches == 1 and commits.steps == 3  # one transaction for the three answers
    assert [r.interview_id for r in replies] == interviews
    assert [_journal(service, iid) for iid in interviews] == [["name=王建国"], ["name=李芳"], ["name=张伟"]]


def test_a_redelivered_update_in_a_group_is_refused_alone(service: IntakeService) -> None:
    a, b = make_user(service, "surveyor", UNIT, local_name="a", name="张调查员"), make_user(service, "surveyor", UNIT, local_name="b", name="张调查员")
    ia, ib = _survey(service, a), _survey(service, b)
    with Session(service.db) as s:  # update 7 was applied before (say, by another worker)
        assert repo.claim_update(s, update_id=7)
    commits = GroupCommit(service.steps)

    async def both() -> list[Any]:
        return await asyncio.gather(
            service.handle_grouped(commits, user=a, interview_id=ia, inp=Input("text", text="王建国"), update_id=7),
            service.handle_grouped(commits, user=b, interview_id=ib, inp=Input("text", text="李芳"), update_id=8),
            return_exceptions=True)

    first, second = asyncio.run(both())
    assert isinstance(first, repo.UpdateAlreadyApplied)
    assert second.interview_id == ib
    assert _journal(service, ia) == [] and _journal(service, ib) == ["name=李芳"]
    assert commits.batches == 1


def test_a_stale_step_in_a_group_is_applied_again_to_the_fresh_state(service: IntakeService) -> None:
    user = make_user(service, "surveyor", UNIT, local_name="s1", name="张调查员")
    iid = _survey(service, user)
    stale = service.steps.load(iid)  # read before someone else saved the interview
    service.handle(user=user, interview_id=iid, inp=Input("text", text="王建国"))
    commits = GroupCommit(service.steps)
    reply = asyncio.run(service.handle_grouped(commits, user=user, interview_id=iid, inp=Input("text", text="汉"),
                                               update_id=41, loaded=stale))
    assert commits.batches == 2  # refused once (version moved, its claim taken back), then applied
    assert _journal(service, iid) == ["name=王建国", "ethnicity=汉族"]
    assert reply.interview_id == iid
    with Session(service.db) as s:
        assert s.get(ProcessedUpdate, 41) is not None


def test_a_database_outage_fails_every_answer_of_the_group_and_writes_nothing(
        service: IntakeService, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    users = [make_user(service, "surveyor", UNIT, local_name=f"s{i}", name="张调查员") for i in range(2)]
    interviews = [_survey(service, u) for u in users]
    before = [_version(service, iid) for iid in interviews]
    commits = GroupCommit(service.steps)
    real_write = service.steps.write
    calls: list[int] = []

    def write_then_lose_the_disk(cur: Any, w: Any) -> None:
        real_write(cur, w)
        calls.append(w.interview_id)
        if len(calls) == 2:  # the second step's statements hit an I/O error: the batch is rolled back
            raise OperationalError("UPDATE …", None, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(service.steps, "write", write_then_lose_the_disk)

    async def both() -> list[Any]:
        return await asyncio.gather(*(
            service.handle_grouped(commits, user=u, interview_id=iid, inp=Input("text", text="王建国"), update_id=n)
            for n, (u, iid) in enumerate(zip(users, interviews))), return_exceptions=True)

    outcomes = asyncio.run(both())
    assert all(isinstance(o, CommitFailed) and o.outage for o in outcomes)  # the bot waits and tries again
    assert [_version(service, iid) for iid in interviews] == before
    assert [_journal(service, iid) for iid in interviews] == [[], []]
    with Session(service.db) as s:
        assert s.exec(select(ProcessedUpdate)).all() == []


def test_a_step_that_fails_for_its_own_reason_fails_alone(service: IntakeService,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    users = [make_user(service, "surveyor", UNIT, local_name=f"s{i}", name="张调查员") for i in range(3)]
    interviews = [_survey(service, u) for u in users]
    bad = interviews[1]
    commits = GroupCommit(service.steps)
    real_write = service.steps.write

    def write(cur: Any, w: Any) -> None:
        if w.interview_id == bad:
            raise ValueError("a bug in this step's values")
        real_write(cur, w)

    monkeypatch.setattr(service.steps, "write", write)

    async def all_three() -> list[Any]:
        return await asyncio.gather(*(
            service.handle_grouped(commits, user=u, interview_id=iid, inp=Input("text", text="王建国"),
                                   update_id=50 + n)
            for n, (u, iid) in enumerate(zip(users, interviews))), return_exceptions=True)

    first, second, third = asyncio.run(all_three())
    assert isinstance(second, CommitFailed) and not second.outage and isinstance(second.__cause__, ValueError)
    assert first.interview_id == interviews[0] and third.interview_id == interviews[2]
    assert [_journal(service, iid) for iid in interviews] == [["name=王建国"], [], ["name=王建国"]]


def test_the_person_and_their_active_interview_are_read_together(db: Any, registry: Any) -> None:
    service = IntakeService(db, registry)  # SQLite and PostgreSQL
    user = service.user(tg_id=4242, name="王建国")
    assert service.steps.person(4242)[1] is None  # no interview yet
    iid = service.start_interview(user=user, kind="self").interview_id
    again, active = service.person(tg_id=4242, name="王建国")
    assert again.id == user.id and again.active_interview_id == iid
    if service.steps.postgres:  # read after the interview's lock is taken, never with the person
        assert active is None
    else:
        assert active is not None and active.id == iid and active.status == "draft" and active.version == 0
    renamed, _ = service.person(tg_id=4242, name="王建国（新）")  # a renamed account takes the slow path
    assert renamed.name == "王建国（新）"
    with Session(service.db) as s:  # the detached user can still be changed through a session
        repo.set_active_interview(s, user=again, interview_id=None)
    assert service.steps.person(4242)[0].active_interview_id is None


def test_driver_errors_come_out_as_sqlalchemy_errors_and_a_dropped_connection_is_not_reused(
        db: Any, registry: Any) -> None:
    from sqlalchemy.exc import DBAPIError

    service = IntakeService(db, registry)  # SQLite and PostgreSQL
    marker = "420802197503141232"  # an ID number: must not reach the error's text (it is logged)
    mark = "%s" if service.steps.postgres else "?"
    with pytest.raises(DBAPIError) as caught, service.steps.connection() as conn:
        conn.cursor().execute(f"SELECT no_such_column FROM interview WHERE id_number = {mark}", (marker,))
    assert marker not in str(caught.value) and caught.value.params is None
    if service.steps.postgres:  # the server ends our session: the next checkout must get a live one
        with service.steps.connection() as conn:
            cur = conn.cursor()
            cur.execute("SELECT pg_backend_pid()")
            pid = cur.fetchone()[0]
        with pytest.raises(DBAPIError) as dropped, service.steps.connection() as conn:
            cur = conn.cursor()
            cur.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        assert dropped.value.connection_invalidated
        with service.steps.connection() as conn:
            cur = conn.cursor()
            cur.execute("SELECT pg_backend_pid()")
            assert cur.fetchone()[0] != pid
    assert service.steps.person(1) == (None, None)  # and the store still works


def test_a_server_that_cannot_be_reached_is_an_sqlalchemy_operational_error() -> None:
    from sqlalchemy.exc import OperationalError

    from storage.steps import StepStore
    from tests.e2e.conftest import free_port

    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nothing_listens_here")
    try:
        with pytest.raises(OperationalError):  # what the bot waits out, rather than a driver class
            StepStore(engine).person(1)
    finally:
        engine.dispose()


def test_the_duplicate_check_holds_in_the_group_transaction(service: IntakeService) -> None:
    """Two answers with the same ID number in one group: the second is told of the first (checked again inside)."""
    from flows.engine import current_path
    from flows.catalog import t
    from flows.outputs import Menu, Notice
    from tests.support.plans import household

    plan = household()
    users = [make_user(service, "surveyor", UNIT, local_name=f"d{i}", name="张调查员") for i in range(2)]
    interviews = []
    for u in users:  # each up to its ID number question, one answer at a time
        iid = follow(service, u, service.start_interview(user=u, kind="survey"), plan, until="id_number").interview_id
        assert current_path(service.registry.form("archive"), dict(service.steps.load(iid).state),  # type: ignore
                            service.registry.context()) == "id_number"
        interviews.append(iid or 0)
    commits = GroupCommit(service.steps)

    async def both() -> list[Any]:
        return await asyncio.gather(*(
            service.handle_grouped(commits, user=u, interview_id=iid, inp=Input("text", text=plan["id_number"]),
                                   update_id=90 + n) for n, (u, iid) in enumerate(zip(users, interviews))))

    first, second = asyncio.run(both())
    hidden = t("engine.duplicate_hidden")  # the surveyors may not read each other's records: told, not shown

    def told(reply: Any) -> bool:
        return any(isinstance(o, Menu) and o.key.startswith("confirm:duplicate")
                   or isinstance(o, Notice) and o.text == hidden for o in reply.outputs)

    assert not told(first)
    assert told(second)
    assert commits.batches == 2  # the second step was refused in the group (its lookup no longer held), then redone
