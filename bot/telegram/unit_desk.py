"""/unit in the bot: show and change what a unit's exports print (填报单位 full name, 联系人, 联系电话, 公示期).

``/unit`` shows the settings of one's own unit; ``/unit 联系人 李干`` (also ``联系人：李干``) changes one.
Admins may put a unit first (``/unit 东宝区总工会 电话 0724-2345678``; ``全市`` is the city row, printed
when an export covers every unit). Staff change only their own unit: checked in storage.units.
"""

from __future__ import annotations

import re

from sqlalchemy.engine import Engine

from bot.telegram.actions import Action, SendMessage
from flows import policy
from flows.catalog import t
from storage import units
from storage.models import User

_SPLIT = re.compile(r"^\s*(\S+?)(?:\s*[:：]\s*|\s+)(.+?)\s*$", re.S)


def _show(db: Engine, chat: int, user: User, unit: str) -> list[Action]:
    info = units.unit_info(db, unit)
    unset = t("unit.unset")
    text = t("unit.show", unit=unit or t("unit.city"), full_name=info.full_name, contact=info.contact or unset,
             phone=info.phone or unset, days=info.notice_days)
    if policy.is_admin(user):
        text += "\n" + t("unit.show_admin")
    return [SendMessage(chat, text)]


def _split(text: str) -> tuple[str, str] | None:
    m = _SPLIT.match(text)
    return (m.group(1), m.group(2)) if m else None


def unit_command(db: Engine, user: User, chat: int, args: str) -> list[Action]:
    """Answer /unit [单位] [项目 内容] for ``user``."""
    if not policy.is_staff(user):
        return [SendMessage(chat, t("unit.denied"))]
    admin = policy.is_admin(user)
    unit = user.unit or ("" if admin else None)
    if unit is None:
        return [SendMessage(chat, t("unit.no_unit"))]
    rest = args.strip()
    head = _split(rest) or (rest, "")
    if rest and units.field_of(head[0]) is None:
        named = "" if head[0] in (t("unit.city"), "city") else head[0]
        after = _split(head[1]) or (head[1], "")
        if not head[1] or units.field_of(after[0]) is not None:  # a unit named first: admins any, staff their own
            if not admin and named != user.unit:
                return [SendMessage(chat, t("unit.denied"))]
            unit, rest = named, head[1]
    if not rest:
        return _show(db, chat, user, unit)
    if not units.may_set(user, unit):
        return [SendMessage(chat, t("unit.denied"))]
    pair = _split(rest)
    field = units.field_of(pair[0]) if pair else units.field_of(rest)
    if field is None:
        word = pair[0] if pair else rest
        return [SendMessage(chat, t("unit.error.field", field=word,
                                    fields="、".join(t(f"unit.field.{f}") for f in units.FIELDS)))]
    if pair is None:
        return [SendMessage(chat, t("unit.error.usage"))]
    try:
        info = units.set_value(db, actor=user, unit=unit, field=field, text=pair[1], via={"via": "bot"})
    except units.SettingError as exc:
        return [SendMessage(chat, str(exc))]
    except policy.AccessDenied:
        return [SendMessage(chat, t("unit.denied"))]
    value = getattr(info, field)
    return [SendMessage(chat, t("unit.saved", field=t(f"unit.field.{field}"), value=value))] + \
        _show(db, chat, user, unit)
