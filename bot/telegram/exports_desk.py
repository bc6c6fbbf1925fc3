"""The /export menu and the 公示 list in the bot: files written in a thread, sent as documents, then deleted."""

from __future__ import annotations

import asyncio
import logging
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session

from bot.service import AccessDenied
from bot.telegram import big_files, buttons, export_runs
from bot.telegram.actions import Action, AnswerCallback, BotIO, EditMessage, Incoming, SendDocument, SendMessage
from bot.telegram.desk import DeskContext
from bot.telegram.staff import STAFF
from exports.form_pdf import PdfUnavailable, check_pdf_support
from exports.notice import write_notice
from exports.query import FilterError, Filters, StatusFilter
from exports.service import default_reporter, run_export
from exports.stats_xlsx import Reporter
from flows import policy
from flows.catalog import t
from flows.registry import Registry
from storage import audit, households
from storage.models import User

log = logging.getLogger(__name__)

FILE_COMMANDS = ("notice",)  # produce files: handled on the asynchronous path
MAX_UPLOAD = big_files.MAX_UPLOAD
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
    form_key: str | None = None  # the ledger of another form whose entry.export has ledger; None: the archive
    label: str = ""  # that form's name (its entry.menu)

    def name(self) -> str:
        """The kind as the menu and the messages name it."""
        if self.form_key is None:
            return t(f"rec.export.kind.{self.key}")
        return t("start.export_kind", form=self.label, fmt=t(f"rec.export.kind.{self.fmt}"))


# No CSV in the bot: a spreadsheet opening it turns 身份证号 and 银行卡号 into 4.20802197506183e+17, and a
# file saved back that way has lost digits for good. Staff get the XLSX (text cells); the CSV stays on the
# command line (`intake export --format csv`) for programs, with plain values.
BOT_LEDGER_FORMATS = ("xlsx",)


def form_kinds(registry: Registry) -> dict[str, ExportKind]:
    """The ledger (XLSX, CSV) of every other form the ledger covers (flows.registry.ledger_forms)."""
    archive = registry.archive_form().key
    return {f"{fmt}.{f.key}": ExportKind(f"{fmt}.{f.key}", fmt, fmt, form_key=f.key, label=f.entry.menu or f.title)
            for f in registry.ledger_forms() if f.key != archive for fmt in BOT_LEDGER_FORMATS}


KINDS: dict[str, ExportKind] = {k.key: k for k in (
    ExportKind("xlsx", "xlsx", "xlsx"), ExportKind("pdf", "pdf", "pdf"),
    ExportKind("html", "html", "html"), ExportKind("stats", "stats", "xlsx"),
    ExportKind("notice", "notice", "xlsx", dated=False, every_unit=False),
    ExportKind("closed", "xlsx", "xlsx", status="closed", dated=False),
)}
KIND_ROWS = (("xlsx",), ("pdf", "html"), ("stats", "notice"), ("closed",))


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
    status: StatusFilter = "default"  # default: submitted + approved; approved: approved only


@dataclass(frozen=True)
class Outgoing:
    """One written file, read back for sending."""

    name: str
    data: bytes
    caption: str


APPROVED_ONLY = "p"  # a scope code's third letter: approved households only (no letter: submitted + approved)


def scopes(user: User, kind: ExportKind) -> list[str]:
    """Scope codes a user may pick: unit (u: own, a: every unit), period (t: today, m: month, a: all) and,
    for the kinds that default to submitted + approved, the same again approved only (a third letter p)."""
    units = (["u"] if user.unit else []) + (["a"] if policy.is_admin(user) and kind.every_unit else [])
    periods = ("t", "m", "a") if kind.dated else ("a",)
    statuses = ("", APPROVED_ONLY) if kind.status == "default" and kind.fmt != "notice" else ("",)
    return [u + p + s for u in units for s in statuses for p in periods]


def status_of(kind: ExportKind, code: str) -> StatusFilter:
    """The status filter a scope code picks for a kind."""
    return "approved" if code[2:] == APPROVED_ONLY else kind.status


def scope_label(code: str) -> str:
    """本单位·今天, 全部单位·全部时间, 本单位·本月·仅已审核 …"""
    label = t("rec.export.scope_label", unit=t(f"rec.export.scope.{code[0]}"),
              period=t(f"rec.export.period.{code[1]}"))
    return label + (t("export.bot.approved_suffix") if code[2:] == APPROVED_ONLY else "")


def command_name(text: str) -> str:
    """The command of a message (``/notice@bot 东宝区`` → notice), or ''."""
    if not text.startswith("/"):
        return ""
    return text[1:].partition(" ")[0].split("@", 1)[0].lower()


def file_name(text: str) -> str:
    """A name that is safe as a file name on every system."""
    return _UNSAFE.sub("_", text).strip("_") or "export"


class ExportDesk:
    """/export and /notice for staff (their unit) and admins (any unit); the role and scope checked here."""

    def __init__(self, core: DeskContext) -> None:
        self.core = core
        self.service = core.service
        self.kinds = {**KINDS, **form_kinds(core.service.registry)}
        extra = list(self.kinds)[len(KINDS):]
        self.rows = KIND_ROWS + tuple(tuple(extra[i:i + 2]) for i in range(0, len(extra), 2))

    def today(self) -> date:
        """Today where the bot's users are."""
        return self.service.registry.today()

    def export_menu(self, user: User, chat: int) -> list[Action]:
        """/export: the kinds as buttons (a kind with a single possible scope starts at once)."""
        if user.role not in STAFF:
            return [SendMessage(chat, t("rec.export.denied"))]
        if not policy.is_admin(user) and not user.unit:
            return [SendMessage(chat, t("rec.export.no_unit"))]
        rows = tuple(tuple((self.kinds[k].name(), self._kind_data(user, self.kinds[k])) for k in row)
                     for row in self.rows)
        return [SendMessage(chat, t("rec.export.choose_format"), rows)]

    def _kind_data(self, user: User, kind: ExportKind) -> str:
        options = scopes(user, kind)
        if len(options) == 1:
            return buttons.EXPORT_MAKE.data(kind.key, options[0])
        return buttons.EXPORT_KIND.data(kind.key)

    def scopes_menu(self, inc: Incoming, user: User, chat: int, key: str) -> list[Action]:
        """A kind pressed: its scopes as buttons, in place of the kinds."""
        if user.role not in STAFF:
            return [SendMessage(chat, t("rec.export.denied"))]
        kind = self.kinds.get(key)
        if kind is None:
            return [SendMessage(chat, t("tg.stale_button"))]
        options = scopes(user, kind)
        if not options:
            return [SendMessage(chat, t("rec.export.notice_needs_unit" if key == "notice" else "rec.export.no_unit"))]
        rows = tuple(tuple((scope_label(c), buttons.EXPORT_MAKE.data(key, c)) for c in options if c[0::2] == u)
                     for u in dict.fromkeys(c[0::2] for c in options))
        text = t("rec.export.choose_scope", kind=kind.name())
        if any(c[2:] == APPROVED_ONLY for c in options):
            text += "\n" + t("export.bot.status_note")
        return [EditMessage(chat, inc.message_id, text, rows)] if inc.message_id else [SendMessage(chat, text, rows)]

    def makes_files(self, inc: Incoming) -> bool:
        """True for updates whose answer is files: an export scope pressed, /notice."""
        if inc.callback_data is not None:
            return buttons.kind_of(inc.callback_data) is buttons.EXPORT_MAKE
        return command_name(inc.text or "") in FILE_COMMANDS

    async def send_files(self, inc: Incoming, io: BotIO) -> list[Action]:
        """Check and claim, say it is coming, write the files in a thread into a temp dir, send, delete."""
        planned = await asyncio.to_thread(self._plan, inc)
        if isinstance(planned, list):
            return planned
        job, before, run = planned
        await self.core.deliver(before, io, update_id=inc.update_id)
        with tempfile.TemporaryDirectory(prefix="intake-export-") as tmp:
            try:
                files = await asyncio.to_thread(self._write, job, Path(tmp))
            except (PdfUnavailable, FilterError) as exc:
                await self._finish(run, ok=False, reason=type(exc).__name__)
                return [SendMessage(job.chat, t("rec.export.failed", error=exc))]
            except AccessDenied:
                await self._finish(run, ok=False, reason="denied")
                return [SendMessage(job.chat, t("fu.denied"))]
            except Exception as exc:  # the caller tells the person; the run is closed, not left "working"
                await self._finish(run, ok=False, reason=type(exc).__name__)
                raise
            await self._finish(run, ok=True, files=len(files))
            if not files:
                return [SendMessage(job.chat, t("rec.export.empty", kind=job.kind.name(),
                                                scope=job.scope))]
            sends: list[Action] = []
            for f in files:  # over 50 MB: zipped, or the zip in numbered parts (bot/telegram/big_files.py)
                sends.extend(SendDocument(job.chat, p.name, p.data, p.caption)
                             for p in big_files.sendable(f.name, f.data, f.caption, limit=MAX_UPLOAD))
            await self.core.deliver(sends, io, update_id=inc.update_id)
        return []

    async def _finish(self, run: int, *, ok: bool, reason: str = "", files: int | None = None) -> None:
        """export_done / export_failed for the run export_started opened (see bot.telegram.export_runs)."""
        def write() -> None:
            with Session(self.service.db) as s:
                audit.export_finished(s, run, ok=ok, reason=reason, files=files)
        try:
            await asyncio.to_thread(write)
        except Exception as exc:  # the file still goes out; the next start-up sees a run left open
            log.warning("export run %s not closed in the audit log: %s", run, type(exc).__name__)

    def _plan(self, inc: Incoming) -> list[Action] | tuple[ExportJob, list[Action], int]:
        """The checked job, what to show while it runs and its export_started row (written before it is shown);
        or the answer when there is nothing to write."""
        user = self.core.user(inc)
        chat = inc.chat_id if inc.chat_id is not None else inc.user_id or 0
        if not self.core.claim(inc):
            return []
        if inc.callback_data is not None:
            head: list[Action] = [AnswerCallback(inc.callback_id or "")]
            pressed = buttons.EXPORT_MAKE.parse(inc.callback_data or "")
            key, code = (pressed.word("kind"), pressed.word("scope")) if pressed is not None else ("", "")
            job = self._job(user, chat, key, code)
        else:
            head = []
            job = self._notice_job(user, chat, (inc.text or "").partition(" ")[2].strip())
        if isinstance(job, str):
            return head + [SendMessage(chat, job)]
        working = t("rec.export.working", kind=job.kind.name(), scope=job.scope)
        shown: Action = EditMessage(chat, inc.message_id, working, ()) if inc.message_id else SendMessage(chat, working)
        detail = export_runs.started_detail(kind=job.kind.key, name=job.kind.name(), scope=job.scope, unit=job.unit,
                                            message_id=inc.message_id)
        with Session(self.service.db) as s:
            run = audit.export_started(s, actor_id=job.user.id, detail=detail)
        return job, head + [shown], run

    def _job(self, user: User, chat: int, key: str, code: str) -> ExportJob | str:
        """An export job, or the refusal text; the role and the scope are checked here, not trusted."""
        if user.role not in STAFF:
            return t("rec.export.denied")
        kind = self.kinds.get(key)
        if kind is None or len(code) not in (2, 3):
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
        what = kind.label if kind.form_key else t(f"rec.export.file.{kind.key}")
        status = status_of(kind, code)
        parts = (what, unit or t("rec.export.scope.a"), period) + \
            ((t("export.bot.approved_file"),) if status != kind.status else ())
        return ExportJob(kind, user, chat, unit, start, end, label, file_name("_".join(parts)), status)

    def _write(self, job: ExportJob, folder: Path) -> list[Outgoing]:
        """Write the job's files (blocking: runs in a thread); run_export writes the audit log entry."""
        if job.kind.fmt == "notice":
            return self._write_notice(job, folder)
        filters = Filters(date_from=job.start, date_to=job.end, unit=job.unit, status=job.status,
                          form_key=job.kind.form_key or self.service.registry.archive_form().key)
        reporter = None
        if job.kind.fmt == "stats":  # the unit's settings (/unit); the one exporting when no contact is set
            saved = default_reporter(self.service.db, filters)
            reporter = Reporter(unit=saved.unit, contact=saved.contact or job.user.registered_name or job.user.name,
                                phone=saved.phone)
        result = run_export(self.service.db, fmt=job.kind.fmt, out=folder / f"{job.stem}.{job.kind.ext}",
                            filters=filters, actor_id=job.user.id, registry=self.service.registry, reporter=reporter,
                            audit_extra={"via": "bot", "scope": job.scope})
        log.info("user %s exported %s (%s): %d households", job.user.id, job.kind.key, job.scope, result.rows)
        if result.rows == 0 and job.kind.fmt != "stats":  # 附件2 with zeros is still a table to file
            return []
        caption = t("rec.export.caption", kind=job.kind.name(), scope=job.scope, rows=result.rows)
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
