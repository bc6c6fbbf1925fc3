"""What can go wrong with a write, named: a redelivery, a stale version, a failed commit, and which are outages.

Kept apart from the statements (storage/steps.py) so that every layer above can name and describe a
database failure without importing the hot path.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, PendingRollbackError


class UpdateAlreadyApplied(Exception):
    """This Telegram update was applied before (a redelivery); nothing was written."""


class StaleInterview(Exception):
    """Another worker saved this interview since it was loaded; reload and apply the input again."""


class StalePerson(StaleInterview):
    """The person or interview an answer was decided on (a cached view) changed: decide it again from a fresh read."""


class CommitFailed(Exception):
    """The transaction holding this step failed; nothing of it was written. The cause is chained."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(type(cause).__name__)
        self.__cause__ = cause
        self.outage = unreachable(cause)


_SQLITE_TRANSIENT = ("locked", "busy", "disk i/o", "unable to open")


def unreachable(exc: BaseException) -> bool:
    """The database could not be reached, dropped the connection or is busy: worth waiting for, not a bug.

    SQLite's OperationalError also reports mistakes in the SQL ("no such column"); only its lock,
    I/O and open failures count.
    """
    if isinstance(exc, CommitFailed):
        return exc.outage
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError):
        if type(exc.orig).__module__.startswith("sqlite3"):
            message = str(exc.orig).lower()
            return any(word in message for word in _SQLITE_TRANSIENT)
        return True
    return isinstance(exc, (InterfaceError, PendingRollbackError))


def describe(exc: BaseException) -> str:
    """A database error's kind and its driver's cause, never its message's values: what a log may carry.

    ``OperationalError (SQLITE_FULL)`` says the disk is full, ``OperationalError (DiskFull 53100)`` on
    PostgreSQL; the driver's own text is left out, as it can quote the values of a statement.
    """
    outer = exc
    if isinstance(exc, CommitFailed) and exc.__cause__ is not None:
        outer = exc.__cause__
    orig = getattr(outer, "orig", None) or outer.__cause__
    if orig is None or orig is outer:
        return type(outer).__name__
    cause = getattr(orig, "sqlite_errorname", None)  # SQLITE_FULL, SQLITE_BUSY, SQLITE_IOERR_WRITE …
    if cause is None:
        code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        cause = " ".join(p for p in (type(orig).__name__, code) if p)
    return f"{type(outer).__name__} ({cause})"
