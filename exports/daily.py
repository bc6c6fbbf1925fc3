"""The daily delivery: at INTAKE_DAILY_EXPORT_AT each staff member gets their unit's day as ledger + 附件2,
and that day's 脱困 (in the 脱困档案库's layout) and 返贫 (marked, with date, reason and who) when there were any.

The bot's scheduler calls ``due`` every minute or so and, when it is true, ``run_daily`` (blocking: from an
async bot run it in a thread, e.g. ``await asyncio.to_thread(run_daily, ...)``, with a ``send`` that hands
the file to the event loop). The last finished day is kept in the JobRun table, and each recipient's last
delivered day too, so a restart neither skips a day nor sends a day twice.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from exports.query import FilterError, Filters
from exports.service import default_reporter, run_export
from exports.stats_xlsx import Reporter
from flows.catalog import t
from flows.registry import Registry
from storage.models import JobRun, User

log = logging.getLogger(__name__)
JOB = "daily_export"
MAX_CATCH_UP_DAYS = 14  # after a long outage, deliver at most the last two weeks, oldest first
MAX_ATTEMPTS = 3  # a recipient whose send keeps failing (Bot API down, bot blocked) is tried this often
RETRY_AFTER = timedelta(minutes=10)  # ... at least this far apart
Send = Callable[[User, Path, str], None]


@dataclass(frozen=True)
class Delivery:
    """One file handed to ``send``."""

    user_id: int
    day: date
    path: Path
    rows: int


def parse_at(text: str) -> time:
    """'18:00' -> time(18, 0); a FilterError with an example otherwise."""
    m = re.fullmatch(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*", text or "")
    if not m:
        raise FilterError(t("export.error.export_at", value=text))
    return time(int(m.group(1)), int(m.group(2)))


def due_days(now: datetime, last_run: date | None, *, at: str, tz: str) -> list[date]:
    """The days whose delivery is owed at ``now``: after ``last_run``, up to today once ``at`` has passed.

    ``tz``: the zone ``at`` and the days are meant in (Settings.timezone).
    """
    local = now.astimezone(ZoneInfo(tz)) if now.tzinfo else now.replace(tzinfo=ZoneInfo(tz))
    latest = local.date() if local.time() >= parse_at(at) else local.date() - timedelta(days=1)
    if last_run is None:
        return [latest]  # first run ever: start with the latest day, not the beginning of time
    first = max(last_run + timedelta(days=1), latest - timedelta(days=MAX_CATCH_UP_DAYS - 1))
    return [first + timedelta(days=i) for i in range((latest - first).days + 1)]


def due(now: datetime, last_run_date: date | None, *, at: str, tz: str) -> bool:
    """True when at least one day's delivery is owed at ``now``."""
    return bool(due_days(now, last_run_date, at=at, tz=tz))


def _last_run(session: Session, name: str) -> date | None:
    row = session.get(JobRun, name)
    return date.fromisoformat(row.last_run) if row and row.last_run else None


def _remember(session: Session, name: str, day: date, note: str | None = None) -> None:
    row = session.get(JobRun, name) or JobRun(name=name)
    row.last_run = day.isoformat()
    row.note = note
    session.add(row)
    session.commit()


def last_run(engine: Engine) -> date | None:
    """The last day the daily delivery finished (None before the first run)."""
    with Session(engine) as s:
        return _last_run(s, JOB)


def _recipients(session: Session, roles: Sequence[str]) -> list[User]:
    users = session.exec(select(User).where(col(User.role).in_(list(roles))).order_by(col(User.id))).all()
    out = []
    for u in users:
        if u.unit:
            out.append(u)
        else:
            log.warning("daily export: user %s has role %s but no unit; nothing sent", u.id, u.role)
    return out


def _reporter(engine: Engine, filters: Filters, user: User) -> Reporter:
    """The unit's settings (storage.units); the recipient's name when the unit set no contact."""
    saved = default_reporter(engine, filters)
    return Reporter(unit=saved.unit, contact=saved.contact or user.registered_name or user.name, phone=saved.phone)


def _deliver(engine: Engine, registry: Registry, user: User, day: date, tz: str, folder: Path,
             send: Send) -> list[Delivery]:
    filters = Filters(date_from=day, date_to=day, unit=user.unit, by="activity", tz=tz)
    extra = {"daily": day.isoformat(), "recipient": user.id}
    base = folder / f"{day:%Y%m%d}_{user.id}"
    ledger = run_export(engine, fmt="xlsx", out=base.with_name(base.name + "_ledger.xlsx"), filters=filters,
                        actor_id=None, registry=registry, audit_extra=extra)
    # 脱困 done that day has left the ledger: those households come in the 脱困档案库's layout (date, reason,
    # who, history). 返贫 recorded that day is in the ledger too (changed that day, back in the archive),
    # and on its own, marked 返贫 with its date, reason and who, so it is not read as an ordinary change.
    closed = run_export(engine, fmt="xlsx", out=base.with_name(base.name + "_closed.xlsx"),
                        filters=replace(filters, status="closed"), actor_id=None, registry=registry,
                        audit_extra=extra)
    reopened = run_export(engine, fmt="xlsx", out=base.with_name(base.name + "_reopened.xlsx"),
                          filters=replace(filters, status="reopened"), actor_id=None, registry=registry,
                          audit_extra=extra)
    if ledger.rows == 0 and closed.rows == 0 and reopened.rows == 0:
        log.info("daily export %s: nothing new for unit %s (user %s)", day, user.unit, user.id)
        return []
    stats = run_export(engine, fmt="stats", out=base.with_name(base.name + "_stats.xlsx"), filters=filters,
                       actor_id=None, registry=registry, audit_extra=extra,
                       reporter=_reporter(engine, filters, user))
    out: list[Delivery] = []
    if ledger.rows:
        send(user, ledger.paths[0], t("export.daily.ledger_caption", unit=user.unit, day=day, rows=ledger.rows))
        out.append(Delivery(user.id or 0, day, ledger.paths[0], ledger.rows))
    send(user, stats.paths[0], t("export.daily.stats_caption", unit=user.unit, day=day))
    out.append(Delivery(user.id or 0, day, stats.paths[0], stats.rows))
    if closed.rows:
        send(user, closed.paths[0], t("export.daily.closed_caption", unit=user.unit, day=day, rows=closed.rows))
        out.append(Delivery(user.id or 0, day, closed.paths[0], closed.rows))
    if reopened.rows:
        send(user, reopened.paths[0], t("export.daily.reopened_caption", unit=user.unit, day=day,
                                        rows=reopened.rows))
        out.append(Delivery(user.id or 0, day, reopened.paths[0], reopened.rows))
    return out


def run_daily(engine: Engine, registry: Registry, now: datetime, send: Send, *, at: str,
              tz: str | None = None, out_dir: str | Path | None = None,
              roles: Sequence[str] = ("staff",)) -> list[Delivery]:
    """Deliver every owed day to every staff member with a unit; what was sent.

    Each day's files hold that unit's households submitted or changed that local day. A recipient's
    progress is stored after each send, the day's after all recipients, so a crash in the middle resends
    to nobody who already got the day. A failing ``send`` is logged and does not stop the others.
    ``tz`` None: the registry's zone.
    """
    tz = tz or str(registry.tz)
    folder = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="intake-daily-"))
    folder.mkdir(parents=True, exist_ok=True)
    sent: list[Delivery] = []
    with Session(engine, expire_on_commit=False) as s:
        days = due_days(now, _last_run(s, JOB), at=at, tz=tz)
        recipients = _recipients(s, roles)
        for day in days:
            owed = 0
            for user in recipients:
                mark = f"{JOB}:user:{user.id}"
                done = _last_run(s, mark)
                if done is not None and done >= day:
                    continue
                failures, last_failure = _failures(s, user.id or 0, day)
                if failures >= MAX_ATTEMPTS:
                    continue  # given up on (logged when it happened); the day is not held up for ever
                if last_failure is not None and now - last_failure < RETRY_AFTER:
                    owed += 1
                    continue
                try:
                    sent += _deliver(engine, registry, user, day, tz, folder, send)
                except Exception:  # one recipient's failure must not hold back everyone else's files
                    failures = _record_failure(s, user.id or 0, day, now)
                    log.exception("daily export %s for user %s failed (attempt %d of %d)", day, user.id, failures,
                                  MAX_ATTEMPTS)
                    owed += failures < MAX_ATTEMPTS
                    continue
                _remember(s, mark, day)
            if owed:
                break  # this day is still owed to someone: later days wait, so days stay in order
            _remember(s, JOB, day, note=f"{len(recipients)} recipients")
    return sent


def _failures(session: Session, user_id: int, day: date) -> tuple[int, datetime | None]:
    row = session.get(JobRun, f"{JOB}:fail:{user_id}:{day.isoformat()}")
    if row is None or not row.last_run:
        return 0, None
    return int(row.note or 0), datetime.fromisoformat(row.last_run)


def _record_failure(session: Session, user_id: int, day: date, now: datetime) -> int:
    """Count one failed delivery of ``day`` to a recipient; the new count."""
    session.rollback()  # the failed export may have left the session mid-transaction
    name = f"{JOB}:fail:{user_id}:{day.isoformat()}"
    row = session.get(JobRun, name) or JobRun(name=name)
    row.note = str(int(row.note or 0) + 1)
    row.last_run = now.isoformat()
    session.add(row)
    session.commit()
    return int(row.note)
