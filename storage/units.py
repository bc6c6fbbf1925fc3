"""Unit settings: the full name printed as 填报单位, the 联系人 and 联系电话 for objections and 附件2,
and how many days a unit's 公示 runs. One row per unit; the row of unit "" (CITY) is the city's,
printed by exports that cover every unit and used for what a unit has not set.

Who may change them: staff of the unit and admins (flows.policy.is_unit_staff); the city row: admins.
Every change is written to the audit log with the old and the new value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from flows.catalog import t
from flows.policy import AccessDenied, is_admin, is_unit_staff
from flows.answers import normalize
from storage.models import AuditLog, UnitSetting, User, utcnow

CITY = ""  # the city-wide row
DEFAULT_NOTICE_DAYS = 7  # calendar days: the usual "not less than 5 working days" of a 困难职工 公示
Field = Literal["full_name", "contact", "phone", "notice_days"]
FIELDS: tuple[Field, ...] = ("full_name", "contact", "phone", "notice_days")
_PHONE = re.compile(r"(\+?86)?0?\d{2,4}-?\d{7,8}(-\d{1,5})?|1[3-9]\d{9}|\d{3,8}")


class SettingError(ValueError):
    """A value staff typed that cannot be stored; the message says what a good one looks like."""


@dataclass(frozen=True)
class UnitInfo:
    """What an export prints for a unit, with the city's values filled in where the unit has none."""

    unit: str
    full_name: str
    contact: str
    phone: str
    notice_days: int

    def contact_line(self) -> str:
        """联系人：李干  联系电话：0724-2345678, or '' when neither is set."""
        parts = [t("unit.line.contact", name=self.contact) if self.contact else "",
                 t("unit.line.phone", phone=self.phone) if self.phone else ""]
        return "  ".join(p for p in parts if p)


def _session(db: Session | Engine) -> Session:
    return db if isinstance(db, Session) else Session(db, expire_on_commit=False)


def unit_info(db: Session | Engine, unit: str | None) -> UnitInfo:
    """The settings of ``unit`` (None or CITY: the city's), each blank one taken from the city row."""
    key = unit or CITY
    s = _session(db)
    try:
        own = s.get(UnitSetting, key)
        city = s.get(UnitSetting, CITY) if key != CITY else own
    finally:
        if s is not db:
            s.close()

    def pick(name: str) -> str:
        return str(getattr(own, name, "") or getattr(city, name, "") or "")

    full = getattr(own, "full_name", "") or key or getattr(city, "full_name", "") or t("unit.city_default")
    days = getattr(own, "notice_days", None) or getattr(city, "notice_days", None) or DEFAULT_NOTICE_DAYS
    return UnitInfo(unit=key, full_name=full, contact=pick("contact"), phone=pick("phone"), notice_days=int(days))


def may_set(user: User, unit: str) -> bool:
    """Staff of ``unit`` and admins; the city row only admins."""
    return is_admin(user) if unit == CITY else is_unit_staff(user, unit)


def clean_value(field: Field, text: str) -> str | int:
    """The stored form of a typed value, or SettingError with an example."""
    value = normalize(text).strip()
    if field == "notice_days":
        digits = value
        for unit_word in t("unit.words.days").split("|"):  # 7天, 7 日: calendar days
            digits = digits.removesuffix(unit_word).strip()
        if not digits.isdigit() or not 1 <= int(digits) <= 30:
            raise SettingError(t("unit.error.days", value=text))
        return int(digits)
    if field == "phone":
        compact = re.sub(r"[\s()]", "", value)
        if not _PHONE.fullmatch(compact):
            raise SettingError(t("unit.error.phone", value=text))
        return " ".join(value.split())  # as typed (0724-2372244, 0724 237 2244), spaces tidied
    limit = 40 if field == "full_name" else 20
    if not value or len(value) > limit or any(ch in value for ch in "=<>{}\n"):
        raise SettingError(t(f"unit.error.{field}", limit=limit))
    return value


def set_value(engine: Engine | Session, *, actor: User | None, unit: str, field: Field, text: str,
              via: dict[str, str] | None = None) -> UnitInfo:
    """Store one setting of ``unit`` for ``actor`` (checked here; None: the operator at the command line)
    and audit it; the unit's settings after."""
    if field not in FIELDS:
        raise SettingError(t("unit.error.field", field=field, fields="、".join(t(f"unit.field.{f}") for f in FIELDS)))
    if actor is not None and not may_set(actor, unit):
        raise AccessDenied(f"user {actor.id} may not change the settings of unit {unit!r}")
    actor_id = actor.id if actor is not None else None
    value = clean_value(field, text)
    s = _session(engine)
    try:
        row = s.get(UnitSetting, unit) or UnitSetting(unit=unit)
        old = getattr(row, field)
        setattr(row, field, value)
        row.updated_by, row.updated_at = actor_id, utcnow()
        s.add(row)
        s.add(AuditLog(actor_id=actor_id, action="unit_setting",
                       detail={"unit": unit, "field": field, "old": old, "new": value, **(via or {})}))
        s.commit()
        return unit_info(s, unit)
    finally:
        if s is not engine:
            s.close()


def field_of(word: str) -> Field | None:
    """The setting a word names: 全称/名称/单位, 联系人, 电话/联系电话, 公示期/天数 (or the English key)."""
    w = normalize(word).strip().rstrip(":：").lower()
    for f in FIELDS:
        if w == f or w in t(f"unit.words.{f}").split("|"):
            return f
    return None
