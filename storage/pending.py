"""Prompts that wait for a typed reply: written when the prompt is sent, read when the reply comes.

What a reply answers (which record, which 困难类别, which 脱困 reason) is kept here rather than read back
from the prompt's text, so the catalog's wording can change; in the database, so it survives a
restart and serves every bot worker.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.models import PendingReply, utcnow

LIVE = "live_question"  # a chat's current question message: one row per chat (read and written by storage.live_rows)


def remember(session: Session, *, chat_id: int, user_id: int, kind: str, interview_id: int,
             payload: dict[str, Any] | None = None, message_id: int | None = None) -> PendingReply:
    """Record a prompt just sent (``message_id``: its id in the chat, when the channel reports one)."""
    row = PendingReply(chat_id=chat_id, user_id=user_id, kind=kind, interview_id=interview_id,
                       payload=dict(payload or {}), message_id=message_id)
    session.add(row)
    session.commit()
    return row


def answered_by(session: Session, *, chat_id: int, user_id: int, message_id: int | None) -> PendingReply | None:
    """The prompt a reply answers: the one with the replied-to message id, else the user's latest of unknown id.

    A reply to any other message (a question of the interview, say) answers no prompt. Prompts are
    kept after they are answered, so a second reply to the same prompt is read the same way.
    """
    base = select(PendingReply).where(PendingReply.chat_id == chat_id, PendingReply.user_id == user_id,
                                      PendingReply.kind != LIVE)
    if message_id is not None:
        found = session.exec(base.where(PendingReply.message_id == message_id)
                             .order_by(col(PendingReply.id).desc()).limit(1)).first()
        if found is not None:
            return found
    return session.exec(base.where(col(PendingReply.message_id).is_(None))
                        .order_by(col(PendingReply.id).desc()).limit(1)).first()


def latest(session: Session, *, chat_id: int, user_id: int) -> PendingReply | None:
    """The user's most recent prompt in this chat (a plain message after it may answer it: the desk decides)."""
    return session.exec(select(PendingReply).where(PendingReply.chat_id == chat_id, PendingReply.user_id == user_id,
                                                  PendingReply.kind != LIVE)
                        .order_by(col(PendingReply.id).desc()).limit(1)).first()


def prune(session: Session, *, older_than_days: int) -> int:
    """Forget prompts older than this; how many."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    done = session.execute(delete(PendingReply).where(col(PendingReply.created_at) < cutoff))
    session.commit()
    return int(done.rowcount or 0)  # type: ignore[attr-defined]
