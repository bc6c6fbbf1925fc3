"""What must come out: the same plans run through the engine in-process (the reference), and the
comparison of a person's conversation and the bot's database with it."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from flows.registry import load_registry
from bot.render import render
from bot.service import IntakeService
from flows.autofill import next_input
from storage.db import make_engine
from storage.migrate import ensure_schema
from storage.models import AnswerEvent, Interview, ProcessedUpdate, User
from tests.e2e.fake_bot_api import TgUser
from tests.reliability.people import SUBMITTED, Move, Sig, collapse, signature

Journal = list[tuple[str, str, Any]]


@dataclass(frozen=True)
class Reference:
    """What one plan must produce: the questions in order, the final answers and the answer journal."""

    sigs: list[Sig]
    answers: dict[str, Any]
    journal: Journal


def references(plans: list[Mapping[str, Any]]) -> list[Reference]:
    """Each plan through IntakeService on a scratch SQLite database, as a self-reporting worker."""
    out: list[Reference] = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'reference.db'}")
        ensure_schema(engine)
        service = IntakeService(engine, load_registry())
        try:
            for i, plan in enumerate(plans):
                user = service.user(tg_id=-1 - i, name=f"reference {i}")
                reply = service.start_interview(user=user, kind="self")
                sigs = [_first_prompt_sig(reply.outputs)]
                for _ in range(500):
                    inp = next_input(reply.outputs, plan)
                    if inp is None:
                        break
                    reply = service.handle(user=user, interview_id=reply.interview_id or 0, inp=inp)
                    sigs.append(_first_prompt_sig(reply.outputs))
                with Session(engine) as s:
                    iv = s.get(Interview, reply.interview_id)
                    assert iv is not None and iv.status == "submitted", f"reference plan {i} did not submit"
                    out.append(Reference(sigs, dict(iv.state["answers"]), journal_of(s, iv.id or 0)))
        finally:
            engine.dispose()
    return out


def _first_prompt_sig(outputs: list[Any]) -> Sig:
    for msg in render(outputs):
        labels = [label for row in msg.buttons for label, _ in row]
        if labels or SUBMITTED in msg.text:
            return signature(msg.text, labels)
    raise AssertionError(f"no prompt in {outputs!r}")


# --- what the database says ------------------------------------------------------------------------

def journal_of(session: Session, interview_id: int) -> Journal:
    """The answer journal of an interview, oldest first, as (path, action, new)."""
    rows = session.exec(select(AnswerEvent).where(AnswerEvent.interview_id == interview_id)
                        .order_by(col(AnswerEvent.id))).all()
    return [(e.path, e.action, e.new) for e in rows]


def interviews_of(session: Session, tg_id: int) -> list[Interview]:
    """Every interview a Telegram user created."""
    user = session.exec(select(User).where(User.tg_id == tg_id)).first()
    if user is None:
        return []
    return list(session.exec(select(Interview).where(Interview.created_by == user.id).order_by(col(Interview.id))))


def applied(session: Session, update_ids: list[int]) -> set[int]:
    """Which of these updates the database marks as applied."""
    found: set[int] = set()
    for start in range(0, len(update_ids), 500):
        chunk = update_ids[start:start + 500]
        found |= set(session.exec(select(ProcessedUpdate.update_id)
                                  .where(col(ProcessedUpdate.update_id).in_(chunk))).all())
    return found


class Conversation(Protocol):
    """What check_outcome reads of a person's conversation (a Worker, or a webhook test's person)."""

    user: TgUser
    sigs: list[Sig]
    answered: list[tuple[int, Move, Sig]]


def check_outcome(engine: Engine, worker: Conversation, ref: Reference) -> list[str]:
    """Everything that must hold for one worker once all is quiet; the list of what does not."""
    problems: list[str] = []
    who = f"worker {worker.user.id}"
    with Session(engine) as s:
        ivs = interviews_of(s, worker.user.id)
        if len(ivs) != 1:
            return [f"{who}: {len(ivs)} interviews, expected exactly one"]
        iv = ivs[0]
        if iv.status != "submitted":
            problems.append(f"{who}: interview {iv.id} is {iv.status}")
        if iv.state.get("answers") != ref.answers:
            diff = {k for k in set(ref.answers) | set(iv.state.get("answers", {}))
                    if ref.answers.get(k) != iv.state.get("answers", {}).get(k)}
            problems.append(f"{who}: answers differ from the plan at {sorted(diff)}")
        got = journal_of(s, iv.id or 0)
        if got != ref.journal:
            at = next((i for i, (a, b) in enumerate(zip(got, ref.journal)) if a != b), min(len(got), len(ref.journal)))
            problems.append(f"{who}: journal differs at entry {at}: got {got[at:at + 3]}, "
                            f"expected {ref.journal[at:at + 3]} ({len(got)} vs {len(ref.journal)} entries)")
        acknowledged = [uid for uid, _, _ in worker.answered]
        missing = sorted(set(acknowledged) - applied(s, acknowledged))
        if missing:
            problems.append(f"{who}: answered updates not recorded as applied: {missing[:10]}")
    if collapse(worker.sigs) != collapse(ref.sigs):
        got_s, want_s = collapse(worker.sigs), collapse(ref.sigs)
        at = next((i for i, (a, b) in enumerate(zip(got_s, want_s)) if a != b), min(len(got_s), len(want_s)))
        problems.append(f"{who}: question order differs at {at}: saw {got_s[max(0, at - 1):at + 2]}, "
                        f"plan {want_s[max(0, at - 1):at + 2]}")
    return problems
