"""Single-use, expiring invite codes that grant a role; redeeming is atomic across workers."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import update
from sqlmodel import Session, col

from flows.policy import ROLES, InviteDecision, is_admin, redeem_decision
from storage.models import AuditLog, Invite, User, utcnow

CODE_BYTES = 12  # 16 url-safe characters: fits Telegram's 64-character start parameter


class InviteError(Exception):
    """An invite code that cannot be redeemed (now); ``reason``: unknown, used, expired, lower, other_unit,
    or confirm_move (it moves the person to another unit: they must confirm first)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def create_invite(session: Session, *, role: str, unit: str = "", created_by: int | None,
                  hours: float = 72, now: datetime | None = None) -> Invite:
    """A new invite code for ``role`` (and unit), valid for ``hours``; committed and audited."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if not 0 < hours <= 24 * 90:
        raise ValueError("hours must be between 0 and 2160 (90 days)")
    start = now or utcnow()
    invite = Invite(code=secrets.token_urlsafe(CODE_BYTES), role=role, unit=unit.strip(), created_by=created_by,
                    expires_at=start + timedelta(hours=hours))
    session.add(invite)
    session.add(AuditLog(actor_id=created_by, action="create_invite",
                         detail={"role": role, "unit": invite.unit, "expires_at": invite.expires_at.isoformat()}))
    session.commit()
    session.refresh(invite)
    return invite


def _decision(session: Session, invite: Invite, user: User) -> InviteDecision:
    """flows.policy's answer for this person and invite (an invite made on the command line counts as an admin's)."""
    creator = session.get(User, invite.created_by) if invite.created_by is not None else None
    by_admin = invite.created_by is None or (creator is not None and is_admin(creator))
    return redeem_decision(user, invite.role, invite.unit, by_admin=by_admin)


def check_invite(session: Session, *, code: str, user: User, now: datetime | None = None) -> tuple[Invite, InviteDecision]:
    """The invite and what redeeming it would do, nothing written; InviteError when it cannot be used.

    Reasons: unknown, used, expired, lower (below the person's role), other_unit (a move that
    only an admin's invite may make).
    """
    at = now or utcnow()
    invite = session.get(Invite, code)
    if invite is None:
        raise InviteError("unknown")
    if invite.used_by is not None:
        raise InviteError("used")
    if _aware(invite.expires_at) <= _aware(at):
        raise InviteError("expired")
    decision = _decision(session, invite, user)
    if decision.refused:
        raise InviteError(decision.refused)
    return invite, decision


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def redeem_invite(session: Session, *, code: str, user: User, now: datetime | None = None,
                  confirmed_move: bool = False) -> Invite:
    """Use a code once: grant its role and unit, in one transaction, as flows.policy.redeem_decision allows.

    Never lowers a role; a move to another unit needs ``confirmed_move`` (the person pressed the
    button): without it InviteError("confirm_move") and nothing is used. A move is audited as a
    unit change of its own.
    """
    at = now or utcnow()
    invite, decision = check_invite(session, code=code, user=user, now=at)
    if decision.move and not confirmed_move:
        raise InviteError("confirm_move")
    claimed = session.execute(
        update(Invite)
        .where(col(Invite.code) == code, col(Invite.used_by).is_(None), col(Invite.expires_at) > at)
        .values(used_by=user.id, used_at=at)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        fresh = session.get(Invite, code)
        raise InviteError("used" if fresh is not None and fresh.used_by is not None else "expired")
    session.refresh(invite)
    old_role, old_unit = user.role, user.unit
    user.role, user.unit = decision.role, decision.unit
    session.add(user)
    session.add(AuditLog(actor_id=user.id, action="redeem_invite",
                         detail={"user_id": user.id, "invite_by": invite.created_by, "old": old_role,
                                 "new": user.role, "old_unit": old_unit, "unit": user.unit}))
    if old_unit and old_unit != user.unit:
        session.add(AuditLog(actor_id=user.id, action="change_unit",
                             detail={"user_id": user.id, "old_unit": old_unit, "unit": user.unit,
                                     "by": "invite", "invite_by": invite.created_by, "confirmed": True}))
    session.commit()
    session.refresh(user)
    return invite
