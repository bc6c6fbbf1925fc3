"""What an answer reads and writes, as plain values: the interview's columns, and the row values,
journal events and audit one accepted step writes (StepWrite). storage.steps runs the statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flows.outputs import AnswerChanged, InterviewCancelled, Step, Submitted
from storage.models import User, utcnow

REF_PREFIX = "JM"
USER_COLUMNS = tuple(c.name for c in User.__table__.columns)  # type: ignore[attr-defined]
STEP_COLUMNS = ("id", "ref", "form_key", "kind", "status", "created_by", "subject_user_id", "unit", "state",
                "version")
# the user columns an answer decided on a cached view must find unchanged when written (the rest never change)
GUARDED_USER_COLUMNS = tuple(n for n in USER_COLUMNS if n not in ("id", "tg_id", "local_name", "created_at"))


class StepRow:
    """The interview columns an answer needs (a plain object: no ORM identity map on the hot path)."""

    __slots__ = STEP_COLUMNS

    def __init__(self, values: dict[str, Any]) -> None:
        for name in STEP_COLUMNS:
            setattr(self, name, values[name])


@dataclass
class StepWrite:
    """Everything one accepted step writes: the new column values, journal events, audit, the update id."""

    interview_id: int
    version: int  # the version it was computed from: the UPDATE applies only if it still holds
    values: dict[str, Any]
    events: list[dict[str, Any]]
    audit: list[dict[str, Any]]
    update_id: int | None
    attachments: list[dict[str, Any]] = field(default_factory=list)  # files the step accepted as answers
    # duplicate-ID lookups made outside this transaction, with what they found: checked again in it
    checks: list[tuple[str, int | None, dict[str, Any] | None]] = field(default_factory=list)
    status: str | None = None  # the status it was computed from (some writers change it without a new version)
    person: dict[str, Any] | None = None  # the person's row as the answer saw it (a cached view): must still hold


ATTACHMENT_KEYS = ("file_id", "path", "sha256", "name", "mime", "size")


def step_write(interview: StepRow, step: Step, *, actor_id: int | None, update_id: int | None,
               attachment: dict[str, Any] | None = None, person: User | None = None) -> StepWrite:
    """What saving this step will write (``attachment``: the stored file the input carried).

    ``person``: the user the step was decided for, when read from the cache: their row is checked.
    """
    values = step_values(interview, step)
    at = values["updated_at"]
    events = [{"interview_id": interview.id, "path": ev.path, "action": ev.action, "old": ev.old, "new": ev.new,
               "actor_id": actor_id, "at": at} for ev in step.events if isinstance(ev, AnswerChanged)]
    audit = [{"actor_id": actor_id, "action": "cancel_interview", "detail": {"interview_id": interview.id},
              "at": at} for ev in step.events if isinstance(ev, InterviewCancelled)]
    accepted = [] if attachment is None or not events else [  # linked only when the engine took the file
        {"interview_id": interview.id, "created_at": at,
         **{k: attachment[k] for k in ATTACHMENT_KEYS if attachment.get(k) is not None}}]
    guard = None if person is None else {"id": person.id, **{n: getattr(person, n) for n in GUARDED_USER_COLUMNS}}
    return StepWrite(interview.id, interview.version, values, events, audit, update_id, accepted,
                     status=interview.status, person=guard)


def step_values(interview: Any, step: Step) -> dict[str, Any]:
    """The interview columns a step changes: state, denormalised answers, status transitions, decision."""
    state = step.state
    answers = state.get("answers", {})
    now = utcnow()
    values: dict[str, Any] = {
        "state": state, "worker_name": str(answers.get("name") or ""), "id_number": answers.get("id_number") or None,
        "region": str(answers.get("region") or ""), "version": interview.version + 1, "updated_at": now}
    for ev in step.events:
        if isinstance(ev, Submitted):
            values["status"] = "submitted"
            values["submitted_at"] = values["changed_at"] = now
            if not interview.ref and ev.assign_number:
                values["ref"] = f"{REF_PREFIX}{now:%Y}{interview.id:06d}"
            values.update(assessment_values(state))
        elif isinstance(ev, InterviewCancelled):
            values["status"] = "cancelled"
    if "status" not in values and interview.status in ("submitted", "approved") and \
            any(isinstance(ev, AnswerChanged) for ev in step.events):
        values["changed_at"] = now  # a change after submission shows up in the day's ledger
    return values


def assessment_values(state: dict[str, Any]) -> dict[str, Any]:
    """The decision columns that exports and 附件2 aggregate on."""
    answers = state.get("answers", {})
    size = answers.get("household_size")
    out: dict[str, Any] = {"household_size": int(size) if isinstance(size, int) or (
        isinstance(size, str) and size.isdecimal()) else None}
    assessment = state.get("assessment")
    if not assessment:
        return out
    tags = assessment.get("tag_facts", assessment.get("tags")) or []
    out.update(assessment=assessment, category=assessment.get("category"), eligible=bool(assessment.get("eligible")),
               criterion=assessment.get("criterion"),
               per_capita_income=f"{assessment.get('per_capita_monthly_income', 0):.2f}",
               tags="|" + "|".join(tags) + "|" if tags else "", standards_version=assessment.get("standards_version"))
    return out
