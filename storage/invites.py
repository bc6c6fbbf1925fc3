"""Single-use, expiring invite codes that grant a role; redeeming is atomic across workers."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col

from flows.policy import ROLES, outranks
from storage.models import AuditLog, Invite, User, utcnow

CODE_BYTES = 12  # 16 url-safe characters: fits Telegram's 64-character start parameter


class InviteError(Exception):
    """An invite code that cannot be redeemed; ``reason`` is unknown, used or expired."""

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


def redeem_invite(session: Session, *, code: str, user: User, now: datetime | None = None) -> Invite:
    """Use a code once: grant its role (never lowering one) and unit, in one transaction."""
    at = now or utcnow()
    claimed = session.execute(
        update(Invite)
        .where(col(Invite.code) == code, col(Invite.used_by).is_(None), col(Invite.expires_at) > at)
        .values(used_by=user.id, used_at=at)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        invite = session.get(Invite, code)
        if invite is None:
            raise InviteError("unknown")
        raise InviteError("used" if invite.used_by is not None else "expired")
    invite = session.get(Invite, code)
    assert invite is not None
    session.refresh(invite)
    old_role, old_unit = user.role, user.unit
    if outranks(invite.role, user.role):  # an invite never lowers a role
        user.role = invite.role
    if invite.unit:
        user.unit = invite.unit
    session.add(user)
    session.add(AuditLog(actor_id=user.id, action="redeem_invite",
                         detail={"user_id": user.id, "invite_by": invite.created_by, "old": old_role,
                                 "new": user.role, "old_unit": old_unit, "unit": user.unit}))
    session.commit()
    session.refresh(user)
    return invite
