"""The audit trail: who looked at or changed what, when; and reading it back with filters (`intake audit`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable

from sqlmodel import Session, col, select

from storage.models import AuditLog, User

VIEW = "view"  # the action of every look at personal data; detail["what"] says which look
VIEWS = ("find", "card", "history", "review_card", "download", "attachment")


@dataclass(frozen=True)
class Viewed:
    """One record as an audit row names it (what the person saw, without any of its content)."""

    interview_id: int | None
    ref: str | None
    unit: str


def view_entry(actor_id: int | None, what: str, records: Iterable[Any], *, query: str = "") -> AuditLog:
    """The audit row for one look at personal data: the records seen (ids, 编号, units), never their content."""
    if what not in VIEWS:
        raise ValueError(f"unknown view {what!r}; one of {', '.join(VIEWS)}")
    seen = [Viewed(getattr(r, "id", None), getattr(r, "ref", None), str(getattr(r, "unit", "") or ""))
            for r in records]
    detail: dict[str, Any] = {"what": what, "interview_ids": [v.interview_id for v in seen],
                              "refs": [v.ref for v in seen], "units": sorted({v.unit for v in seen})}
    if query:
        detail["query_length"] = len(query)  # the search words are personal data themselves: not stored
    return AuditLog(actor_id=actor_id, action=VIEW, detail=detail)


def record_view(session: Session, *, actor_id: int | None, what: str, records: Iterable[Any],
                query: str = "") -> None:
    """Write (and commit) the audit row for a look at personal data."""
    session.add(view_entry(actor_id, what, records, query=query))
    session.commit()


@dataclass(frozen=True)
class AuditRow:
    """An audit row with its actor's name, as `intake audit` prints it."""

    log: AuditLog
    actor: str


def _units_of(entry: AuditLog) -> set[str]:
    detail = entry.detail or {}
    units = set(detail.get("units") or ())
    for key in ("unit", "old_unit"):
        if detail.get(key):
            units.add(str(detail[key]))
    return units


def _interviews_of(entry: AuditLog) -> set[int]:
    detail = entry.detail or {}
    ids = {int(i) for i in detail.get("interview_ids") or () if i is not None}
    if detail.get("interview_id") is not None:
        ids.add(int(detail["interview_id"]))
    return ids


def audit_rows(session: Session, *, unit: str | None = None, actor_id: int | None = None,
               action: str | None = None, interview_id: int | None = None, since: datetime | None = None,
               until: datetime | None = None, limit: int = 200, unit_ids: set[int] | None = None) -> list[AuditRow]:
    """Audit rows, newest first, filtered; ``unit``: rows that name that unit, or whose actor is in it.

    ``unit_ids``: the record ids of that unit (rows that name only an interview id count too).
    """
    stmt = select(AuditLog)
    if actor_id is not None:
        stmt = stmt.where(AuditLog.actor_id == actor_id)
    if action is not None:
        stmt = stmt.where(AuditLog.action == action)
    if since is not None:
        stmt = stmt.where(col(AuditLog.at) >= since)
    if until is not None:
        stmt = stmt.where(col(AuditLog.at) < until)
    users = {u.id: u for u in session.exec(select(User))}
    out: list[AuditRow] = []
    for entry in session.exec(stmt.order_by(col(AuditLog.id).desc())):
        actor = users.get(entry.actor_id) if entry.actor_id is not None else None
        if interview_id is not None and interview_id not in _interviews_of(entry):
            continue
        if unit is not None and unit not in _units_of(entry) and (actor is None or actor.unit != unit) \
                and not (unit_ids and _interviews_of(entry) & unit_ids):
            continue
        name = (actor.name or actor.local_name or str(actor.tg_id or actor.id)) if actor else "-"
        out.append(AuditRow(entry, name))
        if len(out) >= limit:
            break
    return out


# --- an export's run: started, then done or failed (an interrupted one is found at the next start) ---
EXPORT_STARTED, EXPORT_DONE, EXPORT_FAILED = "export_started", "export_done", "export_failed"


def export_started(session: Session, *, actor_id: int | None, detail: dict[str, Any]) -> int:
    """Write (and commit) the row of an export about to be built; its id, which the finishing row names.

    ``detail``: what and for which scope, and where its progress message is; never personal data.
    """
    row = AuditLog(actor_id=actor_id, action=EXPORT_STARTED, detail=dict(detail))
    session.add(row)
    session.commit()
    return int(row.id or 0)


def export_finished(session: Session, started_id: int, *, ok: bool, reason: str = "",
                    files: int | None = None) -> None:
    """Write (and commit) export_done or export_failed (``reason``: a word, never an error's text) for a start."""
    start = session.get(AuditLog, started_id)
    detail: dict[str, Any] = {"started_id": started_id, **{k: v for k, v in ((start.detail if start else {}) or {})
                                                          .items() if k in ("kind", "scope", "unit")}}
    if reason:
        detail["reason"] = reason
    if files is not None:
        detail["files"] = files
    session.add(AuditLog(actor_id=start.actor_id if start else None, action=EXPORT_DONE if ok else EXPORT_FAILED,
                         detail=detail))
    session.commit()


def unfinished_exports(session: Session) -> list[AuditLog]:
    """export_started rows that no export_done or export_failed row names, oldest first."""
    ends = session.exec(select(AuditLog).where(col(AuditLog.action).in_((EXPORT_DONE, EXPORT_FAILED))))
    finished = {int(e.detail["started_id"]) for e in ends if (e.detail or {}).get("started_id") is not None}
    started = session.exec(select(AuditLog).where(AuditLog.action == EXPORT_STARTED).order_by(col(AuditLog.id)))
    return [s for s in started if s.id not in finished]
