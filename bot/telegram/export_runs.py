"""An export's run in the audit log: export_started before it is built, export_done / export_failed after;
at start-up, exports a killed process left unfinished are marked failed (reason: interrupted) and the
person who asked is told, with the 正在生成… message replaced.

Several bot workers may share one database, so a start-up only closes the runs it can tell are dead:
those of an earlier process on this machine (its pid gone, or this very pid after a restart), and any
run older than STALE_AFTER (no export takes that long; this covers runs of a machine that is gone).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.telegram.actions import Action, BotIO, EditMessage, SendMessage
from bot.telegram.delivery import with_retries
from flows.catalog import t
from storage import audit
from storage.models import AuditLog, User

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(hours=2)  # a run this old is dead whoever started it
INTERRUPTED = "interrupted"
RUN = uuid.uuid4().hex[:12]  # this process's run: a pid alone is reused (pid 1 in every container restart)


def process() -> dict[str, Any]:
    """Which process builds an export: machine, pid and run."""
    return {"host": socket.gethostname(), "pid": os.getpid(), "run": RUN}


def started_detail(*, kind: str, name: str, scope: str, unit: str | None, message_id: int | None) -> dict[str, Any]:
    """What an export_started row keeps: the kind, its name and scope as shown, the progress message; the process."""
    return {"kind": kind, "name": name, "scope": scope, "unit": unit, "message_id": message_id, **process()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: alive, someone else's
        return True
    return True


def is_dead(row: AuditLog, now: datetime) -> bool:
    """True when the process that started this run cannot be building it any more."""
    d = row.detail or {}
    if d.get("run") == RUN:
        return False  # this process's own run, still going
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=timezone.utc)
    if now - at > STALE_AFTER:
        return True
    if d.get("host") != socket.gethostname() or not isinstance(d.get("pid"), int):
        return False  # another machine's worker may still be at it
    return d["pid"] == os.getpid() or not _alive(d["pid"])


def recover(engine: Engine, now: datetime | None = None) -> list[Action]:
    """Mark the dead unfinished runs failed (interrupted); the messages that tell their requesters."""
    now = now or datetime.now(timezone.utc)
    out: list[Action] = []
    with Session(engine) as s:
        for row in audit.unfinished_exports(s):
            if not is_dead(row, now):
                continue
            audit.export_finished(s, int(row.id or 0), ok=False, reason=INTERRUPTED)
            d = row.detail or {}
            log.warning("export %s (%s) of user %s was interrupted at %s; marked failed",
                        row.id, d.get("kind"), row.actor_id, row.at)
            user = s.get(User, row.actor_id) if row.actor_id is not None else None
            if user is None or not user.tg_id:
                continue
            values = {"kind": d.get("name") or d.get("kind") or "", "scope": d.get("scope") or ""}
            if isinstance(d.get("message_id"), int):
                out.append(EditMessage(user.tg_id, d["message_id"], t("rec.export.interrupted_was", **values), ()))
            out.append(SendMessage(user.tg_id, t("rec.export.interrupted", **values)))
    return out


async def tell_interrupted(engine: Engine, io: BotIO) -> int:
    """recover(), then send its messages (each once; one that fails is logged and skipped); how many sent."""
    sent = 0
    try:
        actions = await asyncio.to_thread(recover, engine)
    except Exception as exc:  # the bot still starts; the next start tries again
        log.error("interrupted exports not checked: %s", type(exc).__name__)
        return 0
    for action in actions:
        try:
            await with_retries(lambda a=action: io.perform(a), what="interrupted export notice")
            sent += 1
        except Exception as exc:  # the audit row is written; an old message may be gone
            log.warning("interrupted export notice not delivered: %s", type(exc).__name__)
    return sent
