"""Files only for the service: a private umask for every `intake` process and a start-up check.

The database (and SQLite's -wal/-shm), the attachment folder and exports hold ID numbers and bank
cards. Files the process creates are 0600 and folders 0700 (umask 077); files that already exist with
wider modes are not changed behind the owner's back, but one warning line names them at start.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.engine import make_url

PRIVATE_UMASK = 0o077
log = logging.getLogger("intake.files")


def private_umask() -> int:
    """Make everything this process creates private to its user; the previous umask."""
    return os.umask(PRIVATE_UMASK)


def sqlite_files(url: str | None) -> list[Path]:
    """The database file of a SQLite URL and its -wal/-shm companions (nothing for PostgreSQL or memory)."""
    if not url or not url.startswith("sqlite"):
        return []
    try:
        database = make_url(url).database
    except Exception:  # a malformed URL is reported by the command that opens it
        return []
    if not database or database == ":memory:" or database.startswith("file:"):
        return []
    db = Path(database)
    return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]


def open_to_others(paths: Iterable[Path]) -> list[tuple[Path, int]]:
    """Existing paths that the group or other users may read, write or enter, with their modes."""
    found = []
    for path in paths:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue
        if mode & 0o077:
            found.append((path, mode))
    return found


def check_private(*, database_url: str | None, attachments: str | os.PathLike[str] | None = None,
                  export_dir: str | os.PathLike[str] | None = None) -> str | None:
    """Warn (log and stderr, one line) when the database, attachments or export folder is open to others."""
    paths = sqlite_files(database_url)
    if attachments:
        root = Path(attachments)
        paths.append(root)
        if root.is_dir():
            paths.extend(p for p in root.iterdir() if p.is_dir())
    if export_dir:
        paths.append(Path(export_dir))
    wide = open_to_others(paths)
    if not wide:
        return None
    shown = ", ".join(f"{p} ({oct(m)[2:].zfill(3)})" for p, m in wide[:5]) + (" ..." if len(wide) > 5 else "")
    line = (f"warning: readable by other local users: {shown}; "
            f"run chmod go-rwx on them (files 600, folders 700)")
    log.warning("%s", line)
    if not any(getattr(h, "stream", None) is sys.stderr for h in logging.getLogger().handlers):
        print(line, file=sys.stderr)
    return line
