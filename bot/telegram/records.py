"""Staff records desk in the bot: /export as documents, /find and /followup, 脱困 and 返贫, candidates, 公示 list."""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from bot import followups
from bot.render import Message, split_message
from bot.service import AccessDenied, can_open
from bot.telegram.actions import (
    Action, AnswerCallback, BotIO, EditMessage, Incoming, Rows, SendDocument, SendMessage, is_id,
)
from bot.telegram.staff import STAFF
from exports.form_pdf import PdfUnavailable, check_pdf_support
from exports.notice import write_notice
from exports.query import FilterError, Filters, StatusFilter
from exports.service import run_export
from exports.stats_xlsx import Reporter
from flows.catalog import MESSAGES, t
from storage import households
from storage.households import CLOSE_REASONS, HouseholdError, HouseholdNotFound
from storage.models import Interview, User

if TYPE_CHECKING:
    from bot.telegram.core import BotCore

log = logging.getLogger(__name__)

SEARCH_ROLES = ("surveyor", "staff", "admin")
COMMANDS = ("export", "find", "followup", "candidates")  # answered like every other command
FILE_COMMANDS = ("notice",)  # produce files: handled on the asynchronous path
MENU = ("export", "find", "followup", "candidates", "notice")
ACTIONS = ("ef", "fh", "fj", "fu", "fc", "fr", "fd", "fo")  # x:<action>:<arg> buttons of this desk
GENERATE = "x:eg:"  # x:eg:<kind>:<scope>: write the files and send them
MAX_UPLOAD = 50 * 1024 * 1024  # what the Bot API accepts from a bot
OTHER_REASON = "其他"
_DATE_FIRST = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?=[\s,，:：]|$)[\s,，:：]*(.*)$",
                         re.S)
_REASON = re.compile(r"原因：(.+?)。")
_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


@dataclass(frozen=True)
class ExportKind:
    """One choice of the /export menu and what writes it."""

    key: str
    fmt: str  # run_export's format, or "notice" for the 公示 list
    ext: str
    status: StatusFilter = "default"
    dated: bool = True  # offers 今天 / 本月 besides 全部时间
    every_unit: bool = True  # admins may pick 全部单位


KINDS: dict[str, ExportKind] = {k.key: k for k in (
    ExportKind("xlsx", "xlsx", "xlsx"), ExportKind("csv", "csv", "csv"), ExportKind("pdf", "pdf", "pdf"),
    ExportKind("html", "html", "html"), ExportKind("stats", "stats", "xlsx"),
    ExportKind("notice", "notice", "xlsx", dated=False, every_unit=False),
    ExportKind("closed", "xlsx", "xlsx", status="closed", dated=False),
)}
KIND_ROWS = (("xlsx", "csv"), ("pdf", "html"), ("stats", "notice"), ("closed",))


@dataclass(frozen=True)
class ExportJob:
    """A checked export request: what to write, for whom, over which unit and days."""

    kind: ExportKind
    user: User
    chat: int
    unit: str | None  # None: every unit (admins)
    start: date | None
    end: date | None
    scope: str  # 本单位·本月 …
    stem: str  # file name without its extension


@dataclass(frozen=True)
class Outgoing:
    """One written file, read back for sending."""

    name: str
    data: bytes
    caption: str


@dataclass(frozen=True)
class Pending:
    """What a reply to one of our prompts carries on: 脱困 (with its reason) or 返贫 of a household."""

    action: str  # close / reopen
    household_id: int
    reason: str = ""


def scopes(user: User, kind: ExportKind) -> list[str]:
    """Scope codes a user may pick: unit (u: own, a: every unit) and period (t: today, m: month, a: all)."""
    units = (["u"] if user.unit else []) + (["a"] if user.role == "admin" and kind.every_unit else [])
    periods = ("t", "m", "a") if kind.dated else ("a",)
    return [u + p for u in units for p in periods]


def scope_label(code: str) -> str:
    """本单位·今天, 全部单位·全部时间 …"""
    return t("rec.export.scope_label", unit=t(f"rec.export.scope.{code[0]}"), period=t(f"rec.export.period.{code[1]}"))


def command_name(text: str) -> str:
    """The command of a message (``/notice@bot 东宝区`` → notice), or ''."""
    if not text.startswith("/"):
        return ""
    return text[1:].partition(" ")[0].split("@", 1)[0].lower()


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


def file_name(text: str) -> str:
    """A name that is safe as a file name on every system."""
    return _UNSAFE.sub("_", text).strip("_") or "export"


class RecordsDesk:
    """Exports, search, follow-ups, 脱困 and 返贫, the 公示 list; every entry point checks the role on the server."""

    def __init__(self, core: BotCore) -> None:
        self.core = core
        self.service = core.service

    def menu(self) -> list[tuple[str, str]]:
        """This desk's part of the command menu."""
        return [(c, t(f"rec.menu.{c}")) for c in MENU]

    def help_text(self, role: str) -> str:
        """/help for a role: the general lines, then this desk's commands where the role has any."""
        extra = f"rec.help.{role}"
        return t(f"tg.help.{role}") + (f"\n{t(extra)}" if extra in MESSAGES else "")

    def today(self) -> date:
        """Today where the bot's users are."""
        return self.service.registry.clock().astimezone(self.core.tz).date()

    # --- dispatch -------------------------------------------------------------------
    def command(self, user: User, chat: int, name: str, args: str) -> list[Action]:
        """/export, /find, /followup, /candidates (already claimed)."""
        if name == "export":
            return self.export_menu(user, chat)
        if name == "find":
            return self._guard(chat, "bot.not_yours", lambda: self.find(user, chat, args))
        if name == "followup":
            return self._guard(chat, "bot.not_yours", lambda: self.followup(user, chat, args))
        return self._guard(chat, "fu.denied", lambda: self.candidates(user, chat))

    def on_button(self, inc: Incoming, user: User, chat: int, action: str, arg: str) -> list[Action]:
        """This desk's buttons (already claimed, spinner answered)."""
        if action == "ef":
            return self._export_scopes(inc, user, chat, arg)
        head, _, extra = arg.partition(":")
        if not is_id(head):
            return [SendMessage(chat, t("tg.stale_button"))]
        hid = int(head)
        if action == "fh":
            return self._guard(chat, "bot.not_yours", lambda: self.card(user, chat, hid))
        if action == "fj":
            return self._guard(chat, "bot.not_yours", lambda: self.journal(user, chat, hid))
        if action == "fu":
            return self._guard(chat, "bot.not_yours", lambda: self.start_followup(user, chat, hid))
        if action == "fc":
            return self._guard(chat, "fu.denied", lambda: self.close_reasons(user, chat, hid))
        if action == "fo":
            return self._guard(chat, "fu.denied", lambda: self.reopen_prompt(user, chat, hid))
        reason = CLOSE_REASONS[int(extra)] if is_id(extra) and int(extra) < len(CLOSE_REASONS) else None
        if reason is None:
            return [SendMessage(chat, t("tg.stale_button"))]
        if action == "fr":
            return self._guard(chat, "fu.denied", lambda: self.close_prompt(user, chat, hid, reason))
        unbutton: list[Action] = [EditMessage(chat, inc.message_id, None, ())] if inc.message_id else []
        today = self.service.registry.today()
        return unbutton + self._guard(chat, "fu.denied", lambda: self._close(user, chat, hid, reason, today, ""))

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
        if user.role in SEARCH_ROLES and h.status in (*households.IN_ARCHIVE, "closed"):
            first.append((t("rec.btn.followup"), f"x:fu:{h.id}"))
        if with_card:
            first.append((t("rec.btn.card"), f"x:fh:{h.id}"))
        if can_open(user, h):
            first.append((t("rec.btn.journal"), f"x:fj:{h.id}"))
        rows = [tuple(first)] if first else []
        if households.is_unit_staff(user, h.unit):
            if h.status in households.IN_ARCHIVE:
                rows.append(((t("rec.btn.close"), f"x:fc:{h.id}"),))
            elif h.status == "closed":
                rows.append(((t("rec.btn.reopen"), f"x:fo:{h.id}"),))
        return tuple(rows)

    def find(self, user: User, chat: int, query: str) -> list[Action]:
        """/find: the matches; one match comes with its buttons, several with one button each."""
        if user.role not in SEARCH_ROLES:
            return [SendMessage(chat, t("rec.find.denied"))]
        if not query.strip():
            return [SendMessage(chat, t("rec.find.usage"))]
        found = followups.find(self.service, user=user, query=query)
        text = followups.find_text(found)
        if len(found) == 1:
            return self._long(chat, text, self.actions(user, self._household(user, found[0].household_id)))
        rows = tuple(((t("rec.find.item", n=i, name=f.name, ref=f.ref)[:60], f"x:fh:{f.household_id}"),)
                     for i, f in enumerate(found, start=1))
        return self._long(chat, text + (f"\n{t('rec.find.pick')}" if rows else ""), rows)

    def card(self, user: User, chat: int, household_id: int) -> list[Action]:
        """档案: status, 脱困/返贫 and the follow-ups, with the household's buttons."""
        household = self._household(user, household_id)
        text = followups.history_text(self.service, user=user, household_id=household_id)
        return self._long(chat, text, self.actions(user, household, with_card=False))

    def journal(self, user: User, chat: int, household_id: int) -> list[Action]:
        """修改记录: who changed which answer, when."""
        return self._long(chat, followups.journal_text(self.service, user=user, interview_id=household_id))

    def followup(self, user: User, chat: int, query: str) -> list[Action]:
        """/followup: find, then start at once when exactly one household matches."""
        if user.role not in SEARCH_ROLES:
            return [SendMessage(chat, t("rec.find.denied"))]
        if not query.strip():
            return [SendMessage(chat, t("rec.followup.usage"))]
        found = followups.find(self.service, user=user, query=query)
        if len(found) == 1:
            return self.start_followup(user, chat, found[0].household_id)
        if not found:
            return [SendMessage(chat, t("fu.find.none"))]
        rows = tuple(((t("rec.followup.item", name=f.name, ref=f.ref)[:60], f"x:fu:{f.household_id}"),)
                     for f in found)
        return [SendMessage(chat, t("rec.followup.pick", n=len(found)), rows)]

    def start_followup(self, user: User, chat: int, household_id: int) -> list[Action]:
        """回访: a new follow-up becomes the user's active interview; its first question follows."""
        if user.role not in SEARCH_ROLES:
            return [SendMessage(chat, t("rec.find.denied"))]
        reply = followups.start_followup(self.service, user=user, household_id=household_id)
        log.info("user %s started follow-up %s of household %s", user.id, reply.interview_id, household_id)
        return self.core.show(chat, reply)

    def candidates(self, user: User, chat: int) -> list[Action]:
        """/candidates: households whose latest follow-up meets all of 两有五保障."""
        if user.role not in STAFF:
            return [SendMessage(chat, t("fu.denied"))]
        text = followups.candidates_text(self.service, user=user)
        with self.service.session() as s:
            found = households.closure_candidates(s, user=user, on=self.service.registry.today(),
                                                  tz=self.service.registry.tz)
        rows = tuple(((t("rec.candidates.item", name=c.household.worker_name, ref=c.household.ref or c.household.id)
                       [:60], f"x:fh:{c.household.id}"),) for c in found[:30])
        return self._long(chat, text, rows)

    # --- 脱困 and 返贫 ---------------------------------------------------------------------
    def close_reasons(self, user: User, chat: int, household_id: int) -> list[Action]:
        """标记脱困: pick the reason."""
        h = self._manageable(user, household_id)
        if h.status not in households.IN_ARCHIVE:
            raise HouseholdError("fu.close.not_in_archive", status=t(f"fu.status.{h.status}"))
        rows = tuple(((reason, f"x:fr:{h.id}:{i}"),) for i, reason in enumerate(CLOSE_REASONS))
        return [SendMessage(chat, t("rec.close.choose_reason", name=h.worker_name, ref=h.ref or h.id), rows)]

    def close_prompt(self, user: User, chat: int, household_id: int, reason: str) -> list[Action]:
        """The date: today with a button, another day typed as a reply (其他 also needs the reason typed)."""
        return [self._close_ask(chat, self._manageable(user, household_id), reason)]

    def _close_ask(self, chat: int, h: Interview, reason: str, error: str = "") -> SendMessage:
        today = self.service.registry.today()
        if reason == OTHER_REASON:
            text = t("rec.close.prompt_other", id=h.id, name=h.worker_name, ref=h.ref or h.id, reason=reason)
        else:
            text = t("rec.close.prompt", id=h.id, name=h.worker_name, ref=h.ref or h.id, reason=reason, today=today)
        if error or reason == OTHER_REASON:
            return SendMessage(chat, f"❌ {error}\n\n{text}" if error else text, force_reply=True)
        index = CLOSE_REASONS.index(reason)
        return SendMessage(chat, text, (((t("rec.close.today", today=today), f"x:fd:{h.id}:{index}"),),))

    def _close(self, user: User, chat: int, household_id: int, reason: str, on: date, note: str) -> list[Action]:
        text = followups.close(self.service, user=user, household_id=household_id, on=on, reason=reason, note=note)
        log.info("household %s marked 脱困 by user %s", household_id, user.id)
        return [SendMessage(chat, text)]

    def reopen_prompt(self, user: User, chat: int, household_id: int) -> list[Action]:
        """返贫: ask for the reason as a reply."""
        h = self._manageable(user, household_id)
        if h.status != "closed":
            raise HouseholdError("fu.reopen.not_closed", status=t(f"fu.status.{h.status}"))
        return [self._reopen_ask(chat, h)]

    def _reopen_ask(self, chat: int, h: Interview, error: str = "") -> SendMessage:
        text = t("rec.reopen.prompt", id=h.id, name=h.worker_name, ref=h.ref or h.id)
        return SendMessage(chat, f"❌ {error}\n\n{text}" if error else text, force_reply=True)

    def reply_target(self, reply_to_text: str | None) -> Pending | None:
        """What a reply continues, when it answers our 办理脱困 / 办理返贫 prompt."""
        if not reply_to_text:
            return None
        for action in ("close", "reopen"):
            m = re.search(re.escape(t(f"rec.{action}.marker")) + r"档案#(\d+)", reply_to_text)
            if m is None:
                continue
            if action == "reopen":
                return Pending("reopen", int(m.group(1)))
            reason = _REASON.search(reply_to_text[m.end():])
            if reason is not None and reason.group(1) in CLOSE_REASONS:
                return Pending("close", int(m.group(1)), reason.group(1))
        return None

    def on_reply(self, chat: int, user: User, pending: Pending, text: str) -> list[Action]:
        """The typed date and note of a 脱困, or the reason of a 返贫; a mistake asks again."""
        return self._guard(chat, "fu.denied", lambda: self._apply_reply(chat, user, pending, text))

    def _apply_reply(self, chat: int, user: User, pending: Pending, text: str) -> list[Action]:
        h = self._manageable(user, pending.household_id)  # before anything of the household is shown
        ask: Callable[[str], SendMessage] = (lambda e: self._reopen_ask(chat, h, e)) if pending.action == "reopen" \
            else (lambda e: self._close_ask(chat, h, pending.reason, e))
        try:
            on, rest = split_date(text)
            if pending.action == "reopen":
                return [SendMessage(chat, followups.reopen(self.service, user=user, household_id=h.id or 0,
                                                           reason=rest, on=on))]
            if on is None and pending.reason != OTHER_REASON:
                return [ask(t("rec.close.need_date"))]
            return self._close(user, chat, h.id or 0, pending.reason, on or self.service.registry.today(), rest)
        except (FilterError, HouseholdError) as exc:
            return [ask(str(exc))]

    # --- exports -------------------------------------------------------------------------
    def export_menu(self, user: User, chat: int) -> list[Action]:
        """/export: the kinds as buttons (a kind with a single possible scope starts at once)."""
        if user.role not in STAFF:
            return [SendMessage(chat, t("rec.export.denied"))]
        if user.role == "staff" and not user.unit:
            return [SendMessage(chat, t("rec.export.no_unit"))]
        rows = tuple(tuple((t(f"rec.export.kind.{k}"), self._kind_data(user, KINDS[k])) for k in row)
                     for row in KIND_ROWS)
        return [SendMessage(chat, t("rec.export.choose_format"), rows)]

    def _kind_data(self, user: User, kind: ExportKind) -> str:
        options = scopes(user, kind)
        return f"{GENERATE}{kind.key}:{options[0]}" if len(options) == 1 else f"x:ef:{kind.key}"

    def _export_scopes(self, inc: Incoming, user: User, chat: int, key: str) -> list[Action]:
        if user.role not in STAFF:
            return [SendMessage(chat, t("rec.export.denied"))]
        kind = KINDS.get(key)
        if kind is None:
            return [SendMessage(chat, t("tg.stale_button"))]
        options = scopes(user, kind)
        if not options:
            return [SendMessage(chat, t("rec.export.notice_needs_unit" if key == "notice" else "rec.export.no_unit"))]
        rows = tuple(tuple((scope_label(c), f"{GENERATE}{key}:{c}") for c in options if c[0] == u)
                     for u in dict.fromkeys(c[0] for c in options))
        text = t("rec.export.choose_scope", kind=t(f"rec.export.kind.{key}"))
        return [EditMessage(chat, inc.message_id, text, rows)] if inc.message_id else [SendMessage(chat, text, rows)]

    def makes_files(self, inc: Incoming) -> bool:
        """True for updates whose answer is files: an export scope pressed, /notice."""
        if inc.callback_data is not None:
            return inc.callback_data.startswith(GENERATE)
        return command_name(inc.text or "") in FILE_COMMANDS

    async def send_files(self, inc: Incoming, io: BotIO) -> list[Action]:
        """Check and claim, say it is coming, write the files in a thread into a temp dir, send, delete."""
        planned = await asyncio.to_thread(self._plan, inc)
        if isinstance(planned, list):
            return planned
        job, before = planned
        await self.core.deliver(before, io, update_id=inc.update_id)
        with tempfile.TemporaryDirectory(prefix="intake-export-") as tmp:
            try:
                files = await asyncio.to_thread(self._write, job, Path(tmp))
            except (PdfUnavailable, FilterError) as exc:
                return [SendMessage(job.chat, t("rec.export.failed", error=exc))]
            except AccessDenied:
                return [SendMessage(job.chat, t("fu.denied"))]
            if not files:
                return [SendMessage(job.chat, t("rec.export.empty", kind=t(f"rec.export.kind.{job.kind.key}"),
                                                scope=job.scope))]
            sends: list[Action] = []
            for f in files:
                if len(f.data) > MAX_UPLOAD:
                    sends.append(SendMessage(job.chat, t("rec.export.too_big", name=f.name, mb=len(f.data) >> 20)))
                else:
                    sends.append(SendDocument(job.chat, f.name, f.data, f.caption))
            await self.core.deliver(sends, io, update_id=inc.update_id)
        return []

    def _plan(self, inc: Incoming) -> list[Action] | tuple[ExportJob, list[Action]]:
        """The checked job and what to show while it runs, or the answer when there is nothing to write."""
        user = self.core.user(inc)
        chat = inc.chat_id if inc.chat_id is not None else inc.user_id or 0
        if not self.core.claim(inc):
            return []
        if inc.callback_data is not None:
            head: list[Action] = [AnswerCallback(inc.callback_id or "")]
            key, _, code = (inc.callback_data or "")[len(GENERATE):].partition(":")
            job = self._job(user, chat, key, code)
        else:
            head = []
            job = self._notice_job(user, chat, (inc.text or "").partition(" ")[2].strip())
        if isinstance(job, str):
            return head + [SendMessage(chat, job)]
        working = t("rec.export.working", kind=t(f"rec.export.kind.{job.kind.key}"), scope=job.scope)
        shown: Action = EditMessage(chat, inc.message_id, working, ()) if inc.message_id else SendMessage(chat, working)
        return job, head + [shown]

    def _job(self, user: User, chat: int, key: str, code: str) -> ExportJob | str:
        """An export job, or the refusal text; the role and the scope are checked here, not trusted."""
        if user.role not in STAFF:
            return t("rec.export.denied")
        kind = KINDS.get(key)
        if kind is None or len(code) != 2:
            return t("tg.stale_button")
        if code not in scopes(user, kind):
            return t("rec.export.scope_denied")
        return self._make_job(user, chat, kind, code, user.unit if code[0] == "u" else None)

    def _notice_job(self, user: User, chat: int, unit_arg: str) -> ExportJob | str:
        """/notice [单位]: staff for their own unit, admins for the unit named (or their own)."""
        if user.role not in STAFF:
            return t("fu.denied")
        unit = unit_arg or user.unit
        if not unit:
            return t("rec.export.notice_needs_unit")
        if not households.is_unit_staff(user, unit):
            return t("fu.denied")
        return self._make_job(user, chat, KINDS["notice"], "ua", unit)

    def _make_job(self, user: User, chat: int, kind: ExportKind, code: str, unit: str | None) -> ExportJob:
        today = self.today()
        start, end, period = {"t": (today, today, today.isoformat()),
                              "m": (today.replace(day=1), today, f"{today:%Y-%m}"),
                              "a": (None, None, t("rec.export.period.a"))}[code[1]]
        label = scope_label(code) if unit is None or unit == user.unit else unit
        stem = file_name("_".join((t(f"rec.export.file.{kind.key}"), unit or t("rec.export.scope.a"), period)))
        return ExportJob(kind, user, chat, unit, start, end, label, stem)

    def _write(self, job: ExportJob, folder: Path) -> list[Outgoing]:
        """Write the job's files (blocking: runs in a thread); run_export writes the audit log entry."""
        if job.kind.fmt == "notice":
            return self._write_notice(job, folder)
        filters = Filters(date_from=job.start, date_to=job.end, unit=job.unit, status=job.kind.status,
                          tz=self.core.settings.timezone)
        reporter = Reporter(unit=job.unit or t("export.stats.all_units"), contact=job.user.name) \
            if job.kind.fmt == "stats" else None
        result = run_export(self.service.db, fmt=job.kind.fmt, out=folder / f"{job.stem}.{job.kind.ext}",
                            filters=filters, actor_id=job.user.id, registry=self.service.registry, reporter=reporter,
                            audit_extra={"via": "bot", "scope": job.scope})
        log.info("user %s exported %s (%s): %d households", job.user.id, job.kind.key, job.scope, result.rows)
        if result.rows == 0 and job.kind.fmt != "stats":  # 附件2 with zeros is still a table to file
            return []
        caption = t("rec.export.caption", kind=t(f"rec.export.kind.{job.kind.key}"), scope=job.scope, rows=result.rows)
        return [Outgoing(p.name, p.read_bytes(), caption) for p in result.paths]

    def _write_notice(self, job: ExportJob, folder: Path) -> list[Outgoing]:
        """The 公示 list as XLSX, and as PDF where this machine can render Chinese PDFs."""
        unit = job.unit or ""
        xlsx = folder / f"{job.stem}.xlsx"
        n = write_notice(self.service.db, unit=unit, out_path=xlsx, fmt="xlsx", actor_id=job.user.id or 0,
                         registry=self.service.registry)
        caption = t("rec.notice.caption", unit=unit, fmt="XLSX", rows=n)
        try:
            check_pdf_support()
        except PdfUnavailable as exc:
            log.info("公示 list of %s without PDF: %s", unit, exc)
            return [Outgoing(xlsx.name, xlsx.read_bytes(), f"{caption}\n{t('rec.notice.no_pdf')}")]
        pdf = folder / f"{job.stem}.pdf"
        write_notice(self.service.db, unit=unit, out_path=pdf, fmt="pdf", actor_id=job.user.id or 0,
                     registry=self.service.registry)
        return [Outgoing(xlsx.name, xlsx.read_bytes(), caption),
                Outgoing(pdf.name, pdf.read_bytes(), t("rec.notice.caption", unit=unit, fmt="PDF", rows=n))]
