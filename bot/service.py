"""The application service every front end calls: load, check the role, advance, save, return outputs."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Coroutine, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

from flows.card_offers import card_scope
from flows.card_photo import dropped_paths, kept_photo
from flows.catalog import t
from flows.engine import advance, current_path, new_state
from flows.outputs import Input, Notice, OpenOther, Output, Step
from flows.policy import (AccessDenied, can_open, can_take_over, duplicate_details, engine_role, is_admin,
                          may_start_survey, start_kind)
from flows.registry import Registry
from flows.sent_files import takes_file
from flows.slots import slots
from storage import repo
from storage.models import Interview, User
from storage.commit import CommitStrategy, GroupCommit, SingleCommit
from storage.step_values import StepRow, step_write
from storage.steps import StalePerson, StepStore

log = logging.getLogger(__name__)
T = TypeVar("T")


class PersonNeedsWrite(Exception):
    """The person must be created or updated first (a write), and the caller may not write here (the event loop)."""


class InterviewClosed(Exception):
    """The interview no longer takes answers (submitted, approved, closed…); ``status`` says which."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


@dataclass
class Prepared:
    """A step computed but not yet written: the interview as loaded and what the engine made of the input."""

    interview: StepRow
    step: Step


@dataclass
class Reply:
    """What an action produced: the interview it concerned and the outputs to render."""

    interview_id: int | None
    outputs: list[Output]


def run_now(coro: Coroutine[Any, Any, T]) -> T:
    """Run to its end a coroutine that never waits (the single strategy commits synchronously), without a loop.

    The one advance loop is a coroutine because the grouped strategy waits for its group; with the
    single strategy it never suspends, so handle() stays a plain call for threads and the terminal.
    """
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coro.close()
    raise RuntimeError("the single-commit strategy waited")


class IntakeService:
    """Interviews on top of the engine and the repository; no front-end code here."""

    def __init__(self, db: Engine, registry: Registry) -> None:
        self.db = db
        self.registry = registry
        self.steps = StepStore(db)
        self.single = SingleCommit(self.steps)

    def session(self) -> Session:
        """A new database session (expire_on_commit off: objects stay readable after commit)."""
        return Session(self.db, expire_on_commit=False)

    def user(self, *, tg_id: int | None = None, local_name: str | None = None, name: str = "",
             admin: bool = False) -> User:
        """The user behind a Telegram id or a terminal name (created on first contact, renamed when renamed)."""
        if tg_id is not None:
            return self.person(tg_id=tg_id, name=name, admin=admin)[0]
        with self.session() as s:
            return repo.get_or_create_user(s, tg_id=tg_id, local_name=local_name, name=name, admin=admin)

    def person(self, *, tg_id: int, name: str = "", admin: bool = False,
               cached: bool = False, may_write: bool = True) -> tuple[User, StepRow | None]:
        """The user behind a Telegram id, and their active interview when it could be read with them.

        Every update asks this first: one precompiled read when nothing about the user changes. The
        interview comes along only where no lock must be taken before reading it (SQLite).
        ``cached``: the view this process kept (storage.people), for an answer that is then
        advanced with ``guard=True`` so that its write checks the view still holds.
        ``may_write`` False (the event loop's thread): PersonNeedsWrite instead of creating or renaming
        the person here, where a locked database would stop every other update for its busy timeout.
        """
        known, active = self.steps.person(tg_id, cached=cached)
        if known is not None and (not name or name == known.name) and (not admin or is_admin(known)):
            return known, (None if self.steps.postgres else active)
        if not may_write:
            raise PersonNeedsWrite(tg_id)
        with self.session() as s:
            return repo.get_or_create_user(s, tg_id=tg_id, name=name, admin=admin), None

    def start_interview(self, *, user: User, kind: str = "self", form_key: str | None = None) -> Reply:
        """A new interview (self-report or a surveyor's), made the user's active one, at its first question.

        ``form_key`` None: the registry's default form for the user's role (the form files' ``entry:``
        blocks say which). The first question is worked out before anything is written, so the
        interview is created already showing it and made active in one transaction.
        """
        if not may_start_survey(user):  # a worker only ever reports on themselves (the current role decides)
            kind = "self"
        form = self.registry.form(form_key) if form_key is not None else \
            (self.registry.default_form(user.role) or self.registry.archive_form())
        role = engine_role(user)
        ctx = self.registry.context(actor_id=str(user.id), actor_name=user.name)
        step = advance(form, new_state(form, role=role), Input("start"), ctx)
        with self.session() as s:
            iv = repo.create_interview(s, form_key=form.key, form_version=form.version, state=step.state,
                                       created_by=user.id or 0, kind=kind,
                                       subject_user_id=user.id if kind == "self" else None, unit=user.unit,
                                       active_for=user)
        return Reply(iv.id, list(step.outputs))

    def resume_or_start(self, *, user: User) -> Reply:
        """Continue the active draft, or the latest one, or start a self-report."""
        with self.session() as s:
            for iid in [user.active_interview_id] + [d.id for d in repo.open_drafts(s, user_id=user.id or 0)]:
                if iid is None:
                    continue
                iv = repo.load_interview(s, interview_id=iid)
                if iv is not None and iv.status in repo.OPEN_STATUSES and can_open(user, iv):
                    if user.active_interview_id != iv.id:
                        repo.set_active_interview(s, user=user, interview_id=iv.id)
                    break
            else:
                return self.start_interview(user=user, kind=start_kind(user))
        return self.handle(user=user, interview_id=iv.id or 0, inp=Input("start"))

    def handle(self, *, user: User, interview_id: int, inp: Input, update_id: int | None = None,
               require_open: bool = False, attachment: dict[str, Any] | None = None, guard: bool = False) -> Reply:
        """One input to one interview, in a transaction of its own: role checked, engine advanced, committed first.

        ``update_id`` (Telegram) is recorded in the same transaction; a redelivery raises
        storage.repo.UpdateAlreadyApplied and changes nothing. If another worker saved the
        interview meanwhile, the input is applied again to the fresh state. ``attachment``: the stored
        file an Input("file") carries, linked to the interview in the same transaction if accepted.
        ``guard``: ``user`` is a cached view (person(cached=True)); StalePerson when it no longer holds.
        """
        return run_now(self.advance(self.single, user=user, interview_id=interview_id, inp=inp,
                                    update_id=update_id, require_open=require_open, attachment=attachment,
                                    guard=guard))

    def handle_grouped(self, commits: GroupCommit, *, user: User, interview_id: int, inp: Input,
                       update_id: int | None = None, require_open: bool = False, loaded: StepRow | None = None,
                       attachment: dict[str, Any] | None = None, guard: bool = False) -> Awaitable[Reply]:
        """As handle(), with the step committed together with the answers handled at the same moment.

        ``loaded``: the interview as just read with the user (its version is checked when written).
        """
        return self.advance(commits, user=user, interview_id=interview_id, inp=inp, update_id=update_id,
                            require_open=require_open, attachment=attachment, loaded=loaded, guard=guard)

    async def advance(self, strategy: CommitStrategy, *, user: User, interview_id: int, inp: Input,
                      update_id: int | None = None, require_open: bool = False,
                      attachment: dict[str, Any] | None = None, loaded: StepRow | None = None,
                      guard: bool = False) -> Reply:
        """The one advance-and-save loop: prepare, write, finish; applied again to a fresh state when stale.

        ``guard``: the user (and ``loaded``) came from the cache: the write checks that they still
        hold, and StalePerson (nothing written) says to decide again from a fresh read.
        """
        for attempt in range(5):
            with strategy.attempt(interview_id, loaded if attempt == 0 else None) as tx:
                prepared = self.prepare(user=user, interview_id=interview_id, inp=inp, update_id=update_id,
                                        require_open=require_open, iv=tx.load(interview_id),
                                        duplicates=tx.duplicate)
                w = step_write(prepared.interview, prepared.step, actor_id=user.id, update_id=update_id,
                               attachment=attachment or kept_photo(prepared.step), person=user if guard else None)
                try:
                    await tx.save(w)
                except StalePerson:
                    self.steps.people.forget(user.tg_id)
                    raise
                except repo.StaleInterview:
                    log.info("interview %s changed under us (attempt %d); applying the input again", interview_id,
                             attempt + 1)
                    continue
                except BaseException:  # refused or failed: what is kept may be what was refused
                    self.steps.people.forget(user.tg_id)
                    raise
            self.steps.stepped(user.tg_id, w)
            for path in dropped_paths(prepared.step):  # a card photo the person did not keep
                Path(path).unlink(missing_ok=True)
            return self.finish(user, prepared)
        raise repo.StaleInterview(interview_id)

    def prepare(self, *, user: User, interview_id: int, inp: Input, update_id: int | None, require_open: bool,
                iv: StepRow | None,
                duplicates: Callable[[str, int | None], dict[str, Any] | None] | None = None) -> Prepared:
        """Check the role and the status, and advance the engine (nothing written yet).

        ``duplicates``: how to look for another interview with the same ID number (the attempt's own
        lookup; by default on a connection of its own).
        """
        if iv is None or not can_open(user, iv):
            raise AccessDenied(interview_id)
        if require_open and iv.status not in repo.OPEN_STATUSES:
            raise InterviewClosed(iv.status)
        form = self.registry.form(iv.form_key)
        state: dict[str, Any] = dict(iv.state)
        state["role"] = engine_role(user, iv)
        find = duplicates or self._duplicate
        ctx = self.registry.context(actor_id=str(user.id), actor_name=user.name,
                                    find_duplicate=lambda number: self.duplicate_for(user, find(number, iv.id)),
                                    name_household=iv.subject_user_id != user.id)  # someone else's record
        step = advance(form, state, inp, ctx)
        log.debug("interview %s advanced by user %s (%d events)", iv.id, user.id, len(step.events))
        return Prepared(iv, step)

    def finish(self, user: User, prepared: Prepared) -> Reply:
        """The reply to a committed step (continuing in another interview when the person chose to)."""
        outputs = list(prepared.step.outputs)
        for out in outputs:
            if isinstance(out, OpenOther) and out.interview_ref.isdigit():
                return self._switch_to(user, int(out.interview_ref), outputs)
        return Reply(prepared.interview.id, outputs)

    def duplicate_for(self, user: User, found: dict[str, Any] | None) -> dict[str, Any] | None:
        """What the duplicate-ID check may tell this user about the record on file (flows.policy).

        Those who may read it get its 编号, name and status (in Chinese); everyone else only that
        the number is registered (``hidden``): nothing of another unit's archive is disclosed.
        """
        if found is None:
            return None
        with self.session() as s:
            other = repo.load_interview(s, interview_id=int(found["interview_id"]))
        if other is None or not duplicate_details(user, other):
            return {"hidden": True}
        return dict(found, status=t(f"engine.status.{found['status']}"))

    def _duplicate(self, id_number: str, exclude_id: int | None) -> dict[str, Any] | None:
        with self.steps.connection() as conn:
            found = self.steps.duplicate(conn.cursor(), id_number, exclude_id)
            conn.rollback()
        return found

    def _switch_to(self, user: User, interview_id: int, before: list[Output]) -> Reply:
        """Continue another interview (the duplicate the surveyor chose to open)."""
        with self.session() as s:
            other = repo.load_interview(s, interview_id=interview_id)
            if other is None or not can_open(user, other):
                return Reply(None, before + [Notice(t("bot.not_yours"), "error")])
            repo.set_active_interview(s, user=user, interview_id=interview_id)
        reply = self.handle(user=user, interview_id=interview_id, inp=Input("start"))
        return Reply(interview_id, before + reply.outputs)

    def take_over(self, *, user: User, interview_id: int) -> Reply:
        """Staff take a submitted self-report over and are asked the staff parts (help plan, 建档人 …)."""
        from storage import review

        with self.session() as s:
            iv = repo.load_interview(s, interview_id=interview_id)
            if iv is None or not can_take_over(user, iv):
                raise AccessDenied(interview_id)
            review.take_over(s, interview_id=interview_id, taker=user)
            repo.set_active_interview(s, user=user, interview_id=interview_id)
        return self.handle(user=user, interview_id=interview_id, inp=Input("start"))

    def audit_view(self, user: User, what: str, *records: Any, query: str = "") -> None:
        """An audit row for a look at personal data (find results, card, history, review card, download)."""
        from storage.audit import record_view

        with self.session() as s:
            record_view(s, actor_id=user.id, what=what, records=records, query=query)

    def awaits_file(self, user: User, iv: Interview) -> bool:
        """True when the interview, as ``user`` sees it, waits on a 附件 file (where a sent file may go)."""
        state = dict(iv.state)
        if state.get("status") != "draft" or state.get("pending") or state.get("mode") == "review":
            return False
        state["role"] = engine_role(user, iv)
        return takes_file(self.registry.form(iv.form_key), state, self.registry.context())

    def awaits_card(self, user: User, iv: Interview) -> bool:
        """True when the interview waits on a 姓名 / 身份证号 question an ID card photo may answer."""
        state = dict(iv.state)
        if state.get("status") != "draft" or state.get("pending") or state.get("mode") == "review":
            return False
        state["role"] = engine_role(user, iv)
        form = self.registry.form(iv.form_key)
        ctx = self.registry.context()
        path = current_path(form, state, ctx)
        return card_scope(next((s for s in slots(form, state, ctx) if s.path == path), None)) is not None

    def interview(self, interview_id: int) -> Interview | None:
        """Read one interview."""
        with self.session() as s:
            return repo.load_interview(s, interview_id=interview_id)
