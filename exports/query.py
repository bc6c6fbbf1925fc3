"""The filters every export shares, and the one streaming select that reads households for all formats."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.engine import Connection, Engine, Row
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from flows.catalog import t
from flows.registry import DEFAULT_TIMEZONE
from storage import households
from storage.models import Interview, StatusChange

StatusFilter = Literal["default", "submitted", "approved", "closed", "reopened", "all"]
STATUS_FILTERS: dict[str, tuple[str, ...] | None] = {
    "default": ("submitted", "approved"),
    "submitted": ("submitted",),
    "approved": ("approved",),
    "closed": ("closed",),  # the 脱困档案库
    "reopened": None,  # 返贫: households reopened (back from the 脱困档案库) within the dates, whatever they are now
    "all": None,  # no status condition at all: drafts, returned and cancelled records too
}
YIELD_PER = 1000

# The columns every household export reads; the whole state JSON is one value, parsed once per row.
HOUSEHOLD_COLUMNS = (
    col(Interview.id), col(Interview.ref), col(Interview.status), col(Interview.unit), col(Interview.region),
    col(Interview.worker_name), col(Interview.category), col(Interview.eligible), col(Interview.criterion),
    col(Interview.household_size), col(Interview.per_capita_income), col(Interview.tags),
    col(Interview.override_category), col(Interview.override_reason), col(Interview.assessment),
    col(Interview.state), col(Interview.submitted_at), col(Interview.changed_at), col(Interview.approved_at),
    col(Interview.closed_at), col(Interview.closed_reason),
)


class FilterError(ValueError):
    """A filter value staff typed that cannot be used; the message says how to fix it."""


@dataclass(frozen=True)
class Filters:
    """Which households an export covers. Dates are local days (inclusive) in ``tz``.

    ``tz`` None: the registry's zone, which run_export fills in (``in_zone``); the CLI and the bot pass
    Settings.timezone.
    """

    date_from: date | None = None
    date_to: date | None = None
    unit: str | None = None
    region: str | None = None
    status: StatusFilter = "default"
    by: Literal["submitted", "activity"] = "submitted"  # activity: submitted or changed within the dates
    tz: str | None = None
    form_key: str = households.ARCHIVE_FORM  # which form's records; another one the ledger covers (entry.export)

    def __post_init__(self) -> None:
        if self.status not in STATUS_FILTERS:
            raise FilterError(t("export.error.status", status=self.status,
                                choices="、".join(s for s in STATUS_FILTERS if s != "default")))
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise FilterError(t("export.error.date_order", start=self.date_from, end=self.date_to))

    def in_zone(self, tz: tzinfo) -> Filters:
        """These filters with ``tz`` as their zone, unless they name one already."""
        return self if self.tz else replace(self, tz=str(tz))

    def zone(self) -> ZoneInfo:
        """The zone the dates are read in (DEFAULT_TIMEZONE when none was given at all)."""
        return ZoneInfo(self.tz or DEFAULT_TIMEZONE)

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for the audit log."""
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items()}

    def describe(self) -> str:
        """A short Chinese description of the scope, for printouts and the 附件2 footer."""
        parts: list[str] = []
        if self.date_from or self.date_to:
            key = "export.scope.activity" if self.by == "activity" else "export.scope.dates"
            parts.append(t(key, start=self.date_from or t("export.scope.open_start"),
                           end=self.date_to or t("export.scope.open_end")))
        if self.unit:
            parts.append(t("export.scope.unit", unit=self.unit))
        if self.region:
            parts.append(t("export.scope.region", region=self.region))
        parts.append(t("export.scope.status", status=t(f"export.status_filter.{self.status}")))
        return "，".join(parts) if parts else t("export.scope.all")


def parse_date(text: str) -> date:
    """'2026-11-01' (also 2026/11/01, 20261101) to a date, or a FilterError saying what a good date looks like."""
    s = text.strip().replace("/", "-").replace(".", "-")
    try:
        if s.isdigit() and len(s) == 8:
            return date(int(s[:4]), int(s[4:6]), int(s[6:]))
        return date.fromisoformat(s)
    except ValueError:
        raise FilterError(t("export.error.date", value=text)) from None


def utc_bounds(filters: Filters) -> tuple[datetime | None, datetime | None]:
    """The local-day range as aware UTC instants [start, end) (timestamps are stored in UTC)."""
    zone = filters.zone()

    def to_utc(day: date) -> datetime:
        return datetime.combine(day, time.min, zone).astimezone(timezone.utc)

    start = to_utc(filters.date_from) if filters.date_from else None
    end = to_utc(filters.date_to + timedelta(days=1)) if filters.date_to else None
    return start, end


def _in_range(column: Any, start: datetime | None, end: datetime | None) -> ColumnElement[bool]:
    parts = [column.is_not(None)]
    if start is not None:
        parts.append(column >= start)
    if end is not None:
        parts.append(column < end)
    return and_(*parts)


def conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """WHERE conditions for ``filters`` (used by the household select and the 附件2 aggregation)."""
    out: list[ColumnElement[bool]] = [col(Interview.form_key) == filters.form_key]
    statuses = STATUS_FILTERS[filters.status]
    zone = filters.zone()
    on = filters.date_to or datetime.now(zone).date()
    if filters.status == "default":
        out.append(households.current_filter(on, zone, filters.form_key))  # a household closed (脱困) by then has left the ledger
    elif filters.status == "closed":
        out.append(households.closed_filter(on, zone, filters.form_key))
    elif filters.status == "reopened":
        out.append(_reopened(filters))
        return out + _places(filters)  # the dates are those of the 返贫, not of submission or change
    elif statuses is not None:
        out.append(col(Interview.status).in_(statuses))
    out += _places(filters)
    start, end = utc_bounds(filters)
    if start is not None or end is not None:
        submitted = _in_range(col(Interview.submitted_at), start, end)
        if filters.by == "activity":
            out.append(or_(submitted, _in_range(col(Interview.changed_at), start, end)))
        else:
            out.append(submitted)
    return out


def _places(filters: Filters) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if filters.unit:
        out.append(col(Interview.unit) == filters.unit)
    if filters.region:
        out.append(col(Interview.region) == filters.region)
    return out


def _reopened(filters: Filters) -> ColumnElement[bool]:
    """A 返贫 recorded within the dates (StatusChange.at: the day staff did it, whatever date it names)."""
    start, end = utc_bounds(filters)
    return col(Interview.id).in_(select(StatusChange.interview_id).where(
        col(StatusChange.action) == "reopen", _in_range(col(StatusChange.at), start, end)))


def household_select(filters: Filters, columns: Sequence[Any] = HOUSEHOLD_COLUMNS) -> Select[Any]:
    """The select behind every household export, in 职工编号 (id) order."""
    return select(*columns).where(*conditions(filters)).order_by(col(Interview.id))


@contextmanager
def connection(db: Session | Engine | Connection) -> Iterator[Connection]:
    """A Core connection for an engine, a session or a connection (only an engine's is closed here)."""
    if isinstance(db, Engine):
        with db.connect() as conn:
            yield conn
    elif isinstance(db, Session):
        yield db.connection()
    else:
        yield db


def stream_households(conn: Connection, filters: Filters, *, batch: int = YIELD_PER) -> Iterator[Row[Any]]:
    """Households matching ``filters``, fetched ``batch`` rows at a time (a server-side cursor on PostgreSQL)."""
    result = conn.execution_options(yield_per=batch).execute(household_select(filters))
    try:
        yield from result
    finally:
        result.close()
