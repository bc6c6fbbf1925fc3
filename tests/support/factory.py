"""People of each role and unit, the registry and a service: what a test needs before anyone answers.

The one place tests make users with roles; when the service, the registry or the role rules move,
only this module changes.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from flows.registry import Registry, load_registry
from bot.service import IntakeService
from storage import repo, review
from storage.db import make_engine
from storage.migrate import ensure_schema
from storage.models import Interview, User

UNIT = "东宝区总工会"
OTHER_UNIT = "掇刀区总工会"
ROLES = ("worker", "surveyor", "staff", "admin")
TZ = ZoneInfo("Asia/Shanghai")  # the tests' zone, given to the registry as Settings.timezone would be
FIXED_NOW = datetime(2026, 11, 29, 10, 30, tzinfo=TZ)
_serial = itertools.count(1)


def fixed_registry(now: datetime = FIXED_NOW) -> Registry:
    """The shipped forms and standards, with a clock that always says ``now``."""
    reg = load_registry(timezone=str(TZ))
    reg.clock = lambda: now
    return reg


def make_service(url_or_engine: str | Engine, registry: Registry | None = None) -> IntakeService:
    """The application service over a database (a URL gets its schema first), on the fixed-clock registry."""
    engine = url_or_engine
    if isinstance(engine, str):
        engine = make_engine(engine)
        ensure_schema(engine)
    return IntakeService(engine, registry or fixed_registry())


def make_user(service: IntakeService, role: str = "worker", unit: str | None = None, *, tg_id: int | None = None,
              local_name: str | None = None, name: str | None = None) -> User:
    """A person with ``role`` in ``unit``, given as ``/role`` or an invite would (so the change is audited).

    A Telegram user when ``tg_id`` is given, else a terminal user (``local_name``, made up when
    missing). The name defaults to ``用户{tg_id}`` or ``{local_name}的名字``. A worker without a unit
    keeps the role every new user has, and no role change is written.
    """
    assert role in ROLES, f"no such role: {role}"
    if tg_id is None and local_name is None:
        local_name = f"{role}{next(_serial)}"
    if name is None:
        name = f"用户{tg_id}" if tg_id is not None else f"{local_name}的名字"
    user = service.user(tg_id=tg_id, local_name=local_name, name=name)
    if role != "worker" or unit is not None:
        with Session(service.db, expire_on_commit=False) as s:
            repo.set_role(s, user=user, role=role, unit=unit, actor_id=None)
    return service.user(tg_id=tg_id) if tg_id is not None else user


def make_team(service: IntakeService, unit: str = UNIT, other_unit: str = OTHER_UNIT) -> dict[str, User]:
    """One of each role in ``unit`` (admins have none), and staff of ``other_unit``: keyed by what they are."""
    return {"surveyor": make_user(service, "surveyor", unit, local_name="s1"),
            "staff": make_user(service, "staff", unit, local_name="st1"),
            "worker": make_user(service, "worker", unit, local_name="w1"),
            "admin": make_user(service, "admin", "", local_name="a1"),
            "other_staff": make_user(service, "staff", other_unit, local_name="st2")}


def load(service: IntakeService, interview_id: int) -> Interview:
    """The interview as stored now (it must exist)."""
    with Session(service.db, expire_on_commit=False) as s:
        found = s.get(Interview, interview_id)
    assert found is not None, f"no interview {interview_id}"
    return found


def approve(service: IntakeService, interview_id: int, reviewer: User) -> None:
    """Staff approve a submitted record (审核通过)."""
    with Session(service.db, expire_on_commit=False) as s:
        review.approve(s, interview_id=interview_id, reviewer=reviewer)


def override(service: IntakeService, interview_id: int, *, category: str, reason: str, actor: User) -> None:
    """Staff set the 困难类别 by hand, with the reason that is kept beside the computed one."""
    with Session(service.db, expire_on_commit=False) as s:
        iv = repo.load_interview(s, interview_id=interview_id)
        assert iv is not None, f"no interview {interview_id}"
        repo.override_category(s, interview=iv, category=category, reason=reason, actor_id=actor.id or 0)
