"""Staff records desk in the bot: /find and /followup, 脱困 and 返贫, candidates; exports through ExportDesk."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from typing import Callable

from bot import followups
from bot.render import Message, split_message
from bot.service import AccessDenied
from bot.telegram import buttons
from bot.telegram.actions import Action, BotIO, EditMessage, Expect, Incoming, Rows, SendMessage
from bot.telegram.buttons import Pressed
from bot.telegram.desk import DeskContext
from bot.telegram.exports_desk import ExportDesk
from bot.telegram import review_card
from bot.telegram.unit_desk import unit_command
from exports.query import FilterError
from flows import policy
from flows.categories import REASON_OTHER
from flows.catalog import MESSAGES, t
from flows.consistency import stored_checks_lines
from storage import households
from storage.households import CLOSE_REASONS, HouseholdError, HouseholdNotFound
from storage.models import Interview, PendingReply, User

log = logging.getLogger(__name__)

COMMANDS = ("export", "find", "followup", "candidates", "unit")  # answered like every other command
MENU = ("export", "find", "followup", "candidates", "notice", "unit")
BUTTONS = (buttons.EXPORT_KIND, buttons.CARD, buttons.JOURNAL, buttons.FOLLOWUP, buttons.CLOSE, buttons.CLOSE_REASON,
           buttons.CLOSE_TODAY, buttons.REOPEN)  # this desk's; EXPORT_MAKE goes to makes_files / send_files
REPLIES = ("close_date", "reopen_reason")  # the typed replies this desk reads (Expect.kind)
OTHER_REASON = REASON_OTHER
_DATE_FIRST = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?=[\s,，:：]|$)[\s,，:：]*(.*)$",
                         re.S)


@dataclass(frozen=True)
class _Seen:
    """A household as an audit row names it (a /find match: its id and 编号)."""

    id: int
    ref: str
    unit: str = ""


def split_date(text: str) -> tuple[date | None, str]:
    """A leading date (2026-11-01, 2026/11/1, 2026年11月1日) and the rest; FilterError for an impossible date."""
    m = _DATE_FIRST.match(text)
    if m is None:
        return None, text.strip()
    y, mo, d = (int(g) for g in m.groups()[:3])
    try:
        return date(y, mo, d), m.group(4).strip()
    except ValueError:
        raise FilterError(t("rec.bad_date", value=f"{y}-{mo}-{d}")) from None


class RecordsDesk:
    """Exports, search, follow-ups, 脱困 and 返贫, the 公示 list; every entry point checks the role on the server."""

    def __init__(self, core: DeskContext) -> None:
        self.core = core
        self.service = core.service
        self.exports = ExportDesk(core)

    def menu(self) -> list[tuple[str, str]]:
        """This desk's part of the command menu."""
        return [(c, t(f"rec.menu.{c}")) for c in MENU]

    def help_text(self, role: str) -> str:
        """/help for a role: the general lines, then this desk's commands where the role has any."""
        extra = f"rec.help.{role}"
        return t(f"tg.help.{role}") + (f"\n{t(extra)}" if extra in MESSAGES else "")

    # --- dispatch -------------------------------------------------------------------
    def command(self, user: User, chat: int, name: str, args: str) -> list[Action]:
        """/export, /find, /followup, /candidates (already claimed)."""
        if name == "export":
            return self.exports.export_menu(user, chat)
        if name == "unit":  # the unit's settings the exports print (bot/telegram/unit_desk.py)
            return unit_command(self.service.db, user, chat, args)
        if name == "find":
            return self._guard(chat, "bot.not_yours", lambda: self.find(user, chat, args))
        if name == "followup":
            return self._guard(chat, "bot.not_yours", lambda: self.followup(user, chat, args))
        return self._guard(chat, "fu.denied", lambda: self.candidates(user, chat))

    def on_button(self, inc: Incoming, user: User, chat: int, pressed: Pressed) -> list[Action]:
        """This desk's buttons (already claimed, spinner answered)."""
        kind = pressed.button
        if kind is buttons.EXPORT_KIND:
            return self.exports.scopes_menu(inc, user, chat, pressed.word("kind"))
        hid = pressed.id("household_id")
        if kind is buttons.CARD:
            return self._guard(chat, "bot.not_yours", lambda: self.card(user, chat, hid))
        if kind is buttons.JOURNAL:
            return self._guard(chat, "bot.not_yours", lambda: self.journal(user, chat, hid))
        if kind is buttons.FOLLOWUP:
            return self._guard(chat, "bot.not_yours", lambda: self.start_followup(user, chat, hid))
        if kind is buttons.CLOSE:
            return self._guard(chat, "fu.denied", lambda: self.close_reasons(user, chat, hid))
        if kind is buttons.REOPEN:
            return self._guard(chat, "fu.denied", lambda: self.reopen_prompt(user, chat, hid))
        index = pressed.id("reason")
        if index >= len(CLOSE_REASONS):
            return [SendMessage(chat, t("tg.stale_button"))]
        reason = CLOSE_REASONS[index]
        if kind is buttons.CLOSE_REASON:
            return self._guard(chat, "fu.denied", lambda: self.close_prompt(user, chat, hid, reason))
        unbutton: list[Action] = [EditMessage(chat, inc.message_id, None, ())] if inc.message_id else []
        today = self.service.registry.today()
        return unbutton + self._guard(chat, "fu.denied", lambda: self._close(user, chat, hid, reason, today, ""))

    def makes_files(self, inc: Incoming) -> bool:
        """True for updates whose answer is files (an export scope pressed, /notice)."""
        return self.exports.makes_files(inc)

    async def send_files(self, inc: Incoming, io: BotIO) -> list[Action]:
        """Write the files in a thread and send them."""
        return await self.exports.send_files(inc, io)

    def _guard(self, chat: int, denied: str, act: Callable[[], list[Action]]) -> list[Action]:
        """Run an action; the household errors become the Chinese answer they carry."""
        try:
            return act()
        except AccessDenied:
            return [SendMessage(chat, t(denied))]
        except HouseholdNotFound:
            return [SendMessage(chat, t("fu.not_found"))]
        except HouseholdError as exc:
            return [SendMessage(chat, str(exc))]

    def _long(self, chat: int, text: str, rows: Rows = ()) -> list[Action]:
        return [SendMessage(chat, m.text, m.buttons) for m in split_message(Message(text, rows))]

    # --- search, cards, follow-ups ------------------------------------------------------
    def _household(self, user: User, household_id: int) -> Interview:
        with self.service.session() as s:
            return households.get_household(s, user=user, household_id=household_id)

    def _manageable(self, user: User, household_id: int) -> Interview:
        """A household the user may mark 脱困 or reopen (staff of its unit, admins)."""
        household = self._household(user, household_id)
        households.require_unit_staff(user, household.unit)
        return household

    def actions(self, user: User, h: Interview, *, with_card: bool = True) -> Rows:
        """The buttons for one household, as far as the user's role allows."""
        first: list[tuple[str, str]] = []
        if policy.may_search(user) and h.status in (*households.IN_ARCHIVE, "closed"):
            first.append((t("rec.btn.followup"), buttons.FOLLOWUP.data(h.id or 0)))
        if with_card:
            first.append((t("rec.btn.card"), buttons.CARD.data(h.id or 0)))
        if policy.can_see_household(user, h):
            first.append((t("rec.btn.journal"), buttons.JOURNAL.data(h.id or 0)))
        rows = [tuple(first)] if first else []
        if households.is_unit_staff(user, h.unit):
            if h.status in households.IN_ARCHIVE:
                rows.append(((t("rec.btn.close"), buttons.CLOSE.data(h.id or 0)),))
            elif h.status == "closed":
                rows.append(((t("rec.btn.reopen"), buttons.REOPEN.data(h.id or 0)),))
        return tuple(rows)

    def find(self, user: User, chat: int, query: str) -> list[Action]:
        """/find: the matches; one match comes with its buttons, several with one button each."""
        if not policy.may_search(user):
            return [SendMessage(chat, t("rec.find.denied"))]
        if not query.strip():
            return [SendMessage(chat, t("rec.find.usage"))]
        found = followups.find(self.service, user=user, query=query)
        text = followups.find_text(found)
        if found:  # the matches' names and masked ID numbers are shown: a look at personal data
            self.service.audit_view(user, "find", *(_Seen(f.household_id, f.ref) for f in found), query=query)
        if len(found) == 1:
            return self._long(chat, text, self.actions(user, self._household(user, found[0].household_id)))
        rows = tuple(((t("rec.find.item", n=i, name=f.name, ref=f.ref)[:60], buttons.CARD.data(f.household_id)),)
                     for i, f in enumerate(found, start=1))
        return self._long(chat, text + (f"\n{t('rec.find.pick')}" if rows else ""), rows)

    def card(self, user: User, chat: int, household_id: int) -> list[Action]:
        """档案: status, 脱困/返贫 and the follow-ups, with the household's buttons."""
        household = self._household(user, household_id)
        text = followups.history_text(self.service, user=user, household_id=household_id)
        text = "\n".join([text, *stored_checks_lines(household.state or {})])  # 核对提示 stored at submit
        self.service.audit_view(user, "card", household)
        return self._long(chat, text, self.actions(user, household, with_card=False))

    def journal(self, user: User, chat: int, household_id: int) -> list[Action]:
        """修改记录: who changed which answer, when."""
        text = followups.journal_text(self.service, user=user, interview_id=household_id)
        household = self._household(user, household_id)
        reviewed = review_card.review_history(self.service, household)  # returns, comments, override, approval
        self.service.audit_view(user, "history", household)
        return self._long(chat, "\n".join([*reviewed, text]) if reviewed else text)

    def followup(self, user: User, chat: int, query: str) -> list[Action]:
        """/followup: find, then start at once when exactly one household matches."""
        if not policy.may_search(user):
            return [SendMessage(chat, t("rec.find.denied"))]
        if not query.strip():
            return [SendMessage(chat, t("rec.followup.usage"))]
        found = followups.find(self.service, user=user, query=query)
        if found:
            self.service.audit_view(user, "find", *(_Seen(f.household_id, f.ref) for f in found), query=query)
        if len(found) == 1:
            return self.start_followup(user, chat, found[0].household_id)
        if not found:
            return [SendMessage(chat, t("fu.find.none"))]
        rows = tuple(((t("rec.followup.item", name=f.name, ref=f.ref)[:60], buttons.FOLLOWUP.data(f.household_id)),)
                     for f in found)
        return [SendMessage(chat, t("rec.followup.pick", n=len(found)), rows)]

    def start_followup(self, user: User, chat: int, household_id: int) -> list[Action]:
        """回访: a new follow-up becomes the user's active interview; its first question follows."""
        if not policy.may_search(user):
            return [SendMessage(chat, t("rec.find.denied"))]
        reply = followups.start_followup(self.service, user=user, household_id=household_id)
        log.info("user %s started follow-up %s of household %s", user.id, reply.interview_id, household_id)
        return self.core.show(chat, reply)

    def candidates(self, user: User, chat: int) -> list[Action]:
        """/candidates: households whose latest follow-up meets all of 两有五保障."""
        if not policy.is_staff(user):
            return [SendMessage(chat, t("fu.denied"))]
        text = followups.candidates_text(self.service, user=user)
        with self.service.session() as s:
            found = households.closure_candidates(s, user=user, on=self.service.registry.today(),
                                                  tz=self.service.registry.tz)
        rows = tuple(((t("rec.candidates.item", name=c.household.worker_name, ref=c.household.ref or c.household.id)
                       [:60], buttons.CARD.data(c.household.id or 0)),) for c in found[:30])
        return self._long(chat, text, rows)

    # --- 脱困 and 返贫 ---------------------------------------------------------------------
    def close_reasons(self, user: User, chat: int, household_id: int) -> list[Action]:
        """标记脱困: pick the reason."""
        h = self._manageable(user, household_id)
        if h.status not in households.IN_ARCHIVE:
            raise HouseholdError("fu.close.not_in_archive", status=t(f"fu.status.{h.status}"))
        rows = tuple(((reason, buttons.CLOSE_REASON.data(h.id or 0, i)),) for i, reason in enumerate(CLOSE_REASONS))
        return [SendMessage(chat, t("rec.close.choose_reason", name=h.worker_name, ref=h.ref or h.id), rows)]

    def close_prompt(self, user: User, chat: int, household_id: int, reason: str) -> list[Action]:
        """The date: today with a button, another day typed as a reply (其他 also needs the reason typed)."""
        return [self._close_ask(chat, user, self._manageable(user, household_id), reason)]

    def _close_ask(self, chat: int, user: User, h: Interview, reason: str, error: str = "") -> SendMessage:
        today = self.service.registry.today()
        if reason == OTHER_REASON:
            text = t("rec.close.prompt_other", id=h.id, name=h.worker_name, ref=h.ref or h.id, reason=reason)
        else:
            text = t("rec.close.prompt", id=h.id, name=h.worker_name, ref=h.ref or h.id, reason=reason, today=today)
        expects = Expect("close_date", h.id or 0, user.id or 0, {"reason": reason})
        if error or reason == OTHER_REASON:
            return SendMessage(chat, f"❌ {error}\n\n{text}" if error else text, force_reply=True, expects=expects)
        index = CLOSE_REASONS.index(reason)
        today_button = (t("rec.close.today", today=today), buttons.CLOSE_TODAY.data(h.id or 0, index))
        return SendMessage(chat, text, ((today_button,),), expects=expects)

    def _close(self, user: User, chat: int, household_id: int, reason: str, on: date, note: str) -> list[Action]:
        text = followups.close(self.service, user=user, household_id=household_id, on=on, reason=reason, note=note)
        log.info("household %s marked 脱困 by user %s", household_id, user.id)
        return [SendMessage(chat, text)]

    def reopen_prompt(self, user: User, chat: int, household_id: int) -> list[Action]:
        """返贫: ask for the reason as a reply."""
        h = self._manageable(user, household_id)
        if h.status != "closed":
            raise HouseholdError("fu.reopen.not_closed", status=t(f"fu.status.{h.status}"))
        return [self._reopen_ask(chat, user, h)]

    def _reopen_ask(self, chat: int, user: User, h: Interview, error: str = "") -> SendMessage:
        text = t("rec.reopen.prompt", id=h.id, name=h.worker_name, ref=h.ref or h.id)
        return SendMessage(chat, f"❌ {error}\n\n{text}" if error else text, force_reply=True,
                           expects=Expect("reopen_reason", h.id or 0, user.id or 0))

    def on_reply(self, chat: int, user: User, prompt: PendingReply, text: str) -> list[Action]:
        """The typed date and note of a 脱困, or the reason of a 返贫; a mistake asks again."""
        return self._guard(chat, "fu.denied", lambda: self._apply_reply(chat, user, prompt, text))

    def _apply_reply(self, chat: int, user: User, prompt: PendingReply, text: str) -> list[Action]:
        h = self._manageable(user, prompt.interview_id)  # before anything of the household is shown
        reopen = prompt.kind == "reopen_reason"
        reason = str(prompt.payload.get("reason", ""))
        if not reopen and reason not in CLOSE_REASONS:
            return [SendMessage(chat, t("tg.stale_button"))]
        ask: Callable[[str], SendMessage] = (lambda e: self._reopen_ask(chat, user, h, e)) if reopen \
            else (lambda e: self._close_ask(chat, user, h, reason, e))
        try:
            on, rest = split_date(text)
            if reopen:
                return [SendMessage(chat, followups.reopen(self.service, user=user, household_id=h.id or 0,
                                                           reason=rest, on=on))]
            if on is None and reason != OTHER_REASON:
                return [ask(t("rec.close.need_date"))]
            return self._close(user, chat, h.id or 0, reason, on or self.service.registry.today(), rest)
        except (FilterError, HouseholdError) as exc:
            return [ask(str(exc))]
