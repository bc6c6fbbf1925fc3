"""Drive a household through the real engine by a plan of answers: to any question, or to submitted/approved.

Answers come from ``flows.autofill.next_input`` (what a person following the plan would type); file
questions get the plan's file. Through the service (``follow``, ``drive``, ``submit``, ``approved``,
``followup``) every answer is saved as the bot saves it; ``walk`` runs the bare engine with no database.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot import followups
from bot.service import IntakeService, Reply
from flows.autofill import next_input
from flows.engine import advance, new_state
from flows.form import Form
from flows.outputs import Ask, Completed, Input, Notice, Output, Step
from storage.models import User
from tests.support.factory import approve, load
from tests.support.plans import WANG

MAX_ANSWERS = 400  # a whole archive takes under 100 answers; more means the plan goes round in circles


def errors(outputs: list[Output]) -> list[str]:
    """The error notices among some outputs (a refused answer)."""
    return [o.text for o in outputs if isinstance(o, Notice) and o.level == "error"]


def asked(outputs: list[Output]) -> str | None:
    """The path of the question these outputs end on, if they ask one."""
    ask = next((o for o in reversed(outputs) if isinstance(o, Ask)), None)
    return ask.path if ask is not None else None


def planned_input(outputs: list[Output], plan: Mapping[str, Any], *, sign: bool = True) -> Input | None:
    """What a person following ``plan`` gives next: the plan's file at a file question, else typed text."""
    path = asked(outputs)
    if path is not None and path.endswith(".file"):
        group, idx, _name = path.split(".")
        items = plan.get(group) or []
        if int(idx) < len(items) and items[int(idx)].get("file") is not None:
            return Input("file", file=items[int(idx)]["file"])
    return next_input(outputs, plan, sign=sign)


def follow(service: IntakeService, user: User, reply: Reply, plan: Mapping[str, Any] = WANG, *,
           until: str | None = None, steps: int | None = None, strict: bool = True, sign: bool = True,
           link_files: bool = False) -> Reply:
    """Answer on from ``reply`` as a person following ``plan``; the last reply.

    Stops when the plan has nothing more to say (submitted, or an unsigned final review), when the
    question ``until`` (a path such as ``phone`` or ``members.0.name``) is asked, or after ``steps``
    answers. ``strict``: no answer may be refused. ``link_files``: a sent file is also stored as an
    attachment, as the bots do.
    """
    for n in range(MAX_ANSWERS):
        if (steps is not None and n >= steps) or (until is not None and asked(reply.outputs) == until):
            return reply
        inp = planned_input(reply.outputs, plan, sign=sign)
        if inp is None:
            assert until is None, f"the question {until} was never asked"
            return reply
        reply = service.handle(user=user, interview_id=reply.interview_id or 0, inp=inp,
                               attachment=dict(inp.file) if link_files and inp.file else None)
        if strict:
            assert not errors(reply.outputs), (inp, errors(reply.outputs))
    raise AssertionError(f"not finished after {MAX_ANSWERS} answers; last outputs: {reply.outputs}")


def drive(service: IntakeService, user: User, plan: Mapping[str, Any] = WANG, *, kind: str = "survey",
          form_key: str = "archive", until: str | None = None, steps: int | None = None, strict: bool = True,
          sign: bool = True) -> int:
    """Start an interview and answer it from ``plan`` (to the end, to question ``until``, or ``steps`` answers)."""
    reply = service.start_interview(user=user, kind=kind, form_key=form_key)
    return follow(service, user, reply, plan, until=until, steps=steps, strict=strict, sign=sign).interview_id or 0


def finish(service: IntakeService, user: User, reply: Reply, plan: Mapping[str, Any] = WANG, *,
           strict: bool = True) -> Reply:
    """Answer on from ``reply`` until submitted, and check it was: the submitting reply."""
    reply = follow(service, user, reply, plan, strict=strict)
    assert any(isinstance(o, Completed) for o in reply.outputs), reply.outputs
    assert load(service, reply.interview_id or 0).status == "submitted"
    return reply


def submit(service: IntakeService, user: User, plan: Mapping[str, Any] = WANG, *, kind: str = "survey",
           strict: bool = True) -> int:
    """A household answered from ``plan`` and submitted (a surveyor's survey unless ``kind``); its id."""
    reply = service.start_interview(user=user, kind=kind)
    return finish(service, user, reply, plan, strict=strict).interview_id or 0


def approved(service: IntakeService, surveyor: User, reviewer: User, plan: Mapping[str, Any] = WANG) -> int:
    """A household submitted by ``surveyor`` and approved by ``reviewer``; its id."""
    hid = submit(service, surveyor, plan)
    approve(service, hid, reviewer)
    return hid


def followup(service: IntakeService, user: User, household_id: int, plan: Mapping[str, Any]) -> int:
    """A 回访 of a household answered from ``plan`` and submitted; the follow-up's id."""
    return finish(service, user, followups.start_followup(service, user=user, household_id=household_id),
                  plan).interview_id or 0


@dataclass
class Walk:
    """A plan walked through the bare engine: where it ended and every question on the way."""

    step: Step
    asked: list[str] = field(default_factory=list)

    @property
    def state(self) -> dict[str, Any]:
        """The engine state it ended in."""
        return self.step.state


def steps(form: Form, plan: Mapping[str, Any], ctx: Any, *, role: str = "surveyor",
          sign: bool = True) -> Iterator[Step]:
    """Every step of ``plan`` run through ``advance`` alone from a new interview, the start included."""
    step = advance(form, new_state(form, role=role), Input("start"), ctx)
    for _ in range(MAX_ANSWERS):
        yield step
        inp = planned_input(list(step.outputs), plan, sign=sign)
        if inp is None:
            return
        step = advance(form, step.state, inp, ctx)
    raise AssertionError(f"not finished after {MAX_ANSWERS} answers")


def walk(form: Form, plan: Mapping[str, Any], ctx: Any, *, role: str = "surveyor",
         state: dict[str, Any] | None = None, sign: bool = True, until: str | None = None) -> Walk:
    """Run ``plan`` through ``advance`` alone (no service, no database) from a new interview or ``state``;
    with ``until``, stop when that question is asked (and nothing is pending)."""
    step = advance(form, state if state is not None else new_state(form, role=role), Input("start"), ctx)
    out = Walk(step)
    for _ in range(MAX_ANSWERS):
        out.asked += [o.path for o in step.outputs if isinstance(o, Ask)]
        ask = next((o for o in reversed(step.outputs) if isinstance(o, Ask)), None)
        if until is not None and ask is not None and ask.path == until and not step.state.get("pending"):
            out.step = step
            return out
        inp = planned_input(list(step.outputs), plan, sign=sign)
        if inp is None:
            assert until is None, f"{until} never asked"
            out.step = step
            return out
        step = advance(form, step.state, inp, ctx)
    raise AssertionError(f"not finished after {MAX_ANSWERS} answers")
