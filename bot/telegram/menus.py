"""The command menu each person sees: the commands their role may use (setMyCommands per chat).

The default menu (every private chat) is the worker's, so a person the bot has never placed sees no
staff command; a surveyor, staff member or admin gets a menu of their own in their chat, set when
their role is known or changes (/start, an accepted invite, /role).
"""

from __future__ import annotations

from sqlmodel import select

from bot.service import IntakeService
from bot.telegram.buttons import is_id
from bot.telegram.records import MENU as RECORD_MENU
from flows import policy
from storage.models import User

WORKER = ("start", "cancel", "help")
STAFF = ("review", "invite", "export", "candidates", "notice")
# working on other people's households: /new, /drafts and the records desk's commands that are not staff-only
SURVEY = ("new", "drafts", *(c for c in RECORD_MENU if c not in STAFF))


def commands_for(role: str) -> tuple[str, ...]:
    """The commands a role's menu lists, in menu order (flows.policy decides who is what)."""
    person = User(role=role)
    names = list(WORKER)
    if policy.may_start_survey(person):
        names[1:1] = SURVEY
    if policy.is_staff(person):
        names[1:1] = STAFF
    return tuple(names)


def menu_for(role: str, everything: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (command, description) pairs of ``everything`` a role may use, in the role's order."""
    described = dict(everything)
    return [(c, described[c]) for c in commands_for(role) if c in described]



def placed(service: IntakeService) -> list[User]:
    """Everyone on Telegram whose role is not the worker's: they need a menu of their own."""
    with service.session() as s:
        return list(s.exec(select(User).where(User.role != policy.WORKER, User.tg_id != None)))  # noqa: E711


def role_target(service: IntakeService, user: User, args: str) -> User | None:
    """After /role: the person whose role an admin set (None when the command was not an admin's)."""
    target = args.split()[0] if args.split() else ""
    if not policy.is_admin(user) or not is_id(target):
        return None
    with service.session() as s:
        return s.exec(select(User).where(User.tg_id == int(target))).first()
