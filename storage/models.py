"""Table models: users, interviews, the answer journal, attachments, audit, delivery bookkeeping."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, Text
from sqlmodel import Field, SQLModel

from flows.policy import ROLES  # noqa: F401 - re-exported; the roles are defined in the policy

STATUSES = ("draft", "submitted", "approved", "returned", "cancelled", "closed")


def utcnow() -> datetime:
    """Timezone-aware now, in UTC."""
    return datetime.now(timezone.utc)


class User(SQLModel, table=True):
    """A person who talks to the bot (or the terminal); their role decides what they may do."""

    id: int | None = Field(default=None, primary_key=True)
    tg_id: int | None = Field(default=None, sa_column=Column(BigInteger, unique=True, nullable=True))
    local_name: str | None = Field(default=None, unique=True, index=True)
    name: str = ""  # the Telegram display name (changes when they rename their account)
    registered_name: str = ""  # the real name staff registered for 审核人 (never taken from Telegram)
    role: str = Field(default="worker", index=True)
    unit: str = ""
    active_interview_id: int | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Interview(SQLModel, table=True):
    """One household's archive record, from first answer to approval."""

    __table_args__ = (
        Index("ix_interview_queue", "status", "unit", "submitted_at", "id"),  # the review queue
        # 附件2 reads only this index (exports/stats.py; migration 0008); no ordinary answer writes its columns
        Index("ix_interview_stats", "form_key", "status", "unit", "closed_at", "submitted_at", "changed_at", "category",
              "override_category", "household_size", "tags"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ref: str | None = Field(default=None, unique=True, index=True)  # 职工编号, assigned on submission
    form_key: str = "archive"
    form_version: str = ""
    kind: str = "self"  # self (worker self-report) or survey (by a surveyor)
    status: str = Field(default="draft", index=True)
    created_by: int = Field(index=True)
    subject_user_id: int | None = Field(default=None, index=True)
    unit: str = Field(default="", index=True)
    id_number: str | None = Field(default=None, index=True)
    worker_name: str = ""
    region: str = ""
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    version: int = 0
    category: str | None = Field(default=None, index=True)  # computed 困难类别 (None: not eligible)
    eligible: bool | None = None
    criterion: int | None = None
    household_size: int | None = None
    per_capita_income: str | None = None  # decimal text, 2 places
    tags: str = ""  # 附件2 rows 4-9 that hold, as "|零就业家庭|下岗失业家庭|" for SQL LIKE
    override_category: str | None = None
    override_reason: str | None = None
    override_by: int | None = None
    standards_version: str | None = None
    assessment: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    review_comment: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)
    submitted_at: datetime | None = Field(default=None, index=True)
    changed_at: datetime | None = Field(default=None, index=True)  # last change after submission (daily ledger)
    approved_at: datetime | None = None
    approved_by: int | None = None
    household_id: int | None = Field(default=None, index=True)  # a follow-up's archive interview
    closed_at: datetime | None = Field(default=None, index=True)  # 脱困 date: the instant of its local midnight
    closed_reason: str | None = None


class AnswerEvent(SQLModel, table=True):
    """Append-only journal: who changed which answer, when, from what to what."""

    __table_args__ = (Index("ix_answerevent_interview", "interview_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    interview_id: int
    path: str
    action: str = "set"
    old: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    new: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    actor_id: int | None = None
    at: datetime = Field(default_factory=utcnow)


class Attachment(SQLModel, table=True):
    """A photo or document linked to an interview; the bytes live on disk."""

    id: int | None = Field(default=None, primary_key=True)
    interview_id: int = Field(index=True)
    file_id: str = ""
    path: str = ""
    sha256: str = ""
    name: str = ""
    mime: str = ""
    size: int = 0
    created_at: datetime = Field(default_factory=utcnow)


class AuditLog(SQLModel, table=True):
    """Who did what sensitive thing, when (exports, approvals, role changes, overrides)."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = None
    action: str
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ProcessedUpdate(SQLModel, table=True):
    """Telegram update ids already applied, so a redelivery is applied once."""

    update_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    at: datetime = Field(default_factory=utcnow)


class Invite(SQLModel, table=True):
    """A single-use, expiring code that grants a role."""

    code: str = Field(primary_key=True)
    role: str
    unit: str = ""
    created_by: int | None = None
    expires_at: datetime
    used_by: int | None = None
    used_at: datetime | None = None


class JobRun(SQLModel, table=True):
    """The last day a scheduled job ran, so a restart neither skips nor repeats it."""

    name: str = Field(primary_key=True)
    last_run: str = ""
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class StatusChange(SQLModel, table=True):
    """A household moved into or out of the 脱困档案库 (close / reopen), with date and reason."""

    __table_args__ = (Index("ix_statuschange_interview", "interview_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    interview_id: int
    action: str  # close (已脱困) or reopen (返贫)
    old_status: str
    new_status: str
    effective: datetime  # the 脱困 / 返贫 date: the instant of its local midnight
    reason: str = ""
    actor_id: int | None = None
    at: datetime = Field(default_factory=utcnow)


class PendingReply(SQLModel, table=True):
    """A prompt waiting for a typed reply and what that reply answers, so the prompt's text can change freely."""

    __table_args__ = (Index("ix_pendingreply_chat_message", "chat_id", "message_id"),
                      Index("ix_pendingreply_user", "user_id", "id"))
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    user_id: int
    kind: str  # return_comment, override_reason, close_date, reopen_reason …
    interview_id: int
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))  # once sent
    created_at: datetime = Field(default_factory=utcnow, index=True)


class UnitSetting(SQLModel, table=True):
    """What a union unit prints on its exports (填报单位, 联系人, 联系电话) and how long its 公示 runs.

    ``unit`` "" is the city-wide row: exports that cover every unit print it (see storage.units).
    """

    unit: str = Field(primary_key=True)
    full_name: str = ""
    contact: str = ""
    phone: str = ""
    notice_days: int | None = None
    updated_by: int | None = None
    updated_at: datetime = Field(default_factory=utcnow)
