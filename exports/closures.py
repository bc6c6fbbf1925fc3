"""The 脱困档案库's own columns: 脱困日期, 脱困原因, 办理人 and the household's whole 脱困 / 返贫 history;
and the 返贫 export's: the mark, 返贫日期, 返贫原因, 办理人 and the same history.

Read once per export from storage's StatusChange journal (one select for every household the export
covers, not one per row), then looked up by household while the ledger streams.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timezone, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import col

from exports.columns import Column
from exports.query import Filters, household_select
from flows.catalog import t
from storage.models import Interview, StatusChange, User

History = Mapping[int, list[Any]]  # interview id -> its StatusChange rows (with the actor's name), oldest first


def load_history(conn: Connection, filters: Filters) -> History:
    """Every 脱困 / 返贫 of the households ``filters`` select, oldest first."""
    ids = household_select(filters, (col(Interview.id),)).order_by(None).subquery()
    stmt = select(StatusChange.interview_id, StatusChange.action, StatusChange.effective, StatusChange.reason,
                  User.registered_name, User.name) \
        .join(User, col(User.id) == col(StatusChange.actor_id), isouter=True) \
        .where(col(StatusChange.interview_id).in_(select(ids.c.id))) \
        .order_by(col(StatusChange.interview_id), col(StatusChange.id))
    out: dict[int, list[Any]] = defaultdict(list)
    for row in conn.execute(stmt):
        out[row.interview_id].append(row)
    return out


def _local(value: datetime, zone: tzinfo) -> datetime:
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return aware.astimezone(zone)


def _who(change: Any) -> str:
    return change.registered_name or change.name or ""


def closure_columns(history: History, zone: tzinfo) -> tuple[Column, ...]:
    """The columns the 脱困档案库 adds after the household's own."""

    def closed_on(row: Any, _d: Any) -> Any:
        return _local(row.closed_at, zone).date() if row.closed_at else None

    def closed_by(row: Any, _d: Any) -> str | None:
        change = _last(history, row, "close")
        return _who(change) or None if change is not None else None

    return (
        Column(t("export.closure.col.date"), closed_on, width=12, section="closure"),
        Column(t("export.closure.col.reason"), lambda row, _d: row.closed_reason or None, width=24, section="closure"),
        Column(t("export.closure.col.by"), closed_by, width=10, section="closure"),
        _history_column(history, zone),
    )


def _last(history: History, row: Any, action: str) -> Any:
    changes = [c for c in history.get(row.id, ()) if c.action == action]
    return changes[-1] if changes else None


def _history_column(history: History, zone: tzinfo) -> Column:
    def story(row: Any, _d: Any) -> str | None:
        lines = [t(f"export.closure.{c.action}", day=f"{_local(c.effective, zone):%Y-%m-%d}", reason=c.reason,
                   who=_who(c)) for c in history.get(row.id, ())]
        return "\n".join(lines) or None

    return Column(t("export.closure.col.history"), story, width=40, section="closure")


def reopen_columns(history: History, zone: tzinfo) -> tuple[tuple[Column, ...], tuple[Column, ...]]:
    """The columns a 返贫 export leads with (the mark read first, and printed on every page) and ends with
    (the whole history).

    The 返贫 shown is the household's latest: date it names, reason, who recorded it.
    """

    def field(pick: Any) -> Any:
        def get(row: Any, _d: Any) -> Any:
            change = _last(history, row, "reopen")
            return pick(change) if change is not None else None
        return get

    lead = (
        Column(t("export.reopen.col.mark"), lambda _r, _d: t("export.reopen.mark"), width=10, section="closure"),
        Column(t("export.reopen.col.date"), field(lambda c: _local(c.effective, zone).date()), width=12,
               section="closure"),
        Column(t("export.reopen.col.reason"), field(lambda c: c.reason or None), width=24, section="closure"),
        Column(t("export.reopen.col.by"), field(lambda c: _who(c) or None), width=10, section="closure"),
    )
    return lead, (_history_column(history, zone),)
