"""Framework-neutral bot logic shared by both runtimes: an Incoming update in, actions out."""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Any, Awaitable, Callable

from bot.service import AccessDenied, IntakeService, InterviewClosed, Reply, can_open
from bot.settings import Settings
from bot.telegram import buttons, journey, menus, records as records_desk, staff as staff_desk
from bot.telegram.outage import Patience
from bot.telegram.claims import READ_BUTTONS, READ_COMMANDS, Claims, Decision, on_event_loop
from bot.telegram.actions import Action, AnswerCallback, BotIO, EditMessage, Incoming, SendMessage, SetMenu
from bot.telegram.live import LiveQuestions
from bot.telegram.delivery import ChatPacer, in_lanes, with_retries
from bot.telegram.drafts import DraftsDesk, no_active_text
from bot.telegram.files import AttachmentStore
from bot.telegram.locks import UserLocks
from bot.telegram.uploads import MediaDesk, UploadDesk
from bot.telegram.records import COMMANDS as RECORD_COMMANDS, RecordsDesk
from bot.telegram.staff import StaffDesk, status_text
from flows import policy
from flows.catalog import t
from flows.outputs import Input
from storage import pending, repo
from storage.commit import GroupCommit
from storage.models import Interview, PendingReply, User
from storage.step_values import StepRow
from storage.steps import StalePerson

log = logging.getLogger(__name__)

MAX_TEXT = 2000  # no answer needs more; longer texts get a friendly reply
ENGINE_COMMANDS = ("cancel", "back", "skip")
IN_PLACE = ("t", "pg")  # toggles and pages redraw the same question in place
MENU = ("start", "new", "drafts", "review", "cancel", "help", "invite")
_REFUSALS = (repo.UpdateAlreadyApplied, AccessDenied, InterviewClosed)
_VIEW_REFUSALS = (StalePerson, AccessDenied, InterviewClosed)  # on a cached view: decided again from a fresh read


class BotCore(Claims, Patience):
    """Commands, answers, buttons and files for one bot; each runtime only converts and delivers."""

    def __init__(self, service: IntakeService, settings: Settings, *, bot_username: str = "") -> None:
        self.service, self.settings = service, settings
        self.bot_username = bot_username
        self.admin_ids = set(settings.admin_id_list)
        self.locks = UserLocks()
        self.pacer = ChatPacer()  # per chat: a 429's retry_after, and bursts spaced
        self.inline_db = service.db.dialect.name == "sqlite"
        self.commits = GroupCommit(service.steps) if self.inline_db else None
        self.uploads = UploadDesk(self, AttachmentStore(settings.attachments_dir))
        self.media = MediaDesk(self)
        self.staff = StaffDesk(self)
        self.records = RecordsDesk(self)
        self.drafts = DraftsDesk(self, self.staff)
        self.live = LiveQuestions(service, write_behind=self.commits is not None)
        self.tz = service.registry.tz  # the one zone: INTAKE_TIMEZONE, set on the registry
        self._notices: set[asyncio.Task[None]] = set()  # "saving is delayed" messages being sent

    def menu(self, role: str | None = None) -> list[tuple[str, str]]:
        """The command menu (setMyCommands) of a role, the worker's by default: command and description."""
        return menus.menu_for(role or policy.WORKER, [(c, t(f"tg.menu.{c}")) for c in MENU] + self.records.menu())

    def menu_action(self, user: User | None) -> list[Action]:
        """The person's own menu in their chat, once their role is known (or changed)."""
        return [SetMenu(user.tg_id, tuple(self.menu(user.role)))] if user is not None and user.tg_id else []

    def placed_menus(self) -> list[Action]:
        """At start-up: the menu of everyone whose role is not the worker's (the default menu is the worker's)."""
        return [a for person in menus.placed(self.service) for a in self.menu_action(person)]

    # --- entry point ---------------------------------------------------------
    async def handle(self, inc: Incoming, io: BotIO) -> None:
        """Process one update for its user, in order, then deliver every reply (retried)."""
        if inc.user_id is None:
            return
        if self._reads_only(inc) and self.locks.parked(inc.user_id):
            # Their earlier update is decided and waits only for the database (locked by another
            # process): a read (/help, a card) does not queue behind it; everything else does.
            await self.deliver(await self._process_patiently(inc, io), io, update_id=inc.update_id)
            return
        async with self.locks.hold(inc.user_id):
            work = self._process_patiently(inc, io)
            slow = inc.file is not None or self.records.makes_files(inc)  # downloads and exports take their time
            actions = await (work if slow else self._telling_when_slow(work, inc, io))
            await self.deliver(actions, io, update_id=inc.update_id)

    async def deliver(self, actions: list[Action], io: BotIO, *, update_id: int) -> None:
        """Perform actions in order (per chat, paced: bot.telegram.delivery), each retried; one that still fails
        is logged and skipped."""
        await in_lanes(actions, self.pacer, lambda a, chat: self._deliver_one(a, chat, io, update_id))

    async def _deliver_one(self, action: Action, chat: int | None, io: BotIO, update_id: int) -> None:
        """One action, retried (a 429 holds its chat back); a sent prompt or question remembered."""
        try:
            sent = await with_retries(lambda a=action: io.perform(a), what=type(action).__name__,
                                      pacer=self.pacer, chat=chat)
        except Exception as exc:
            log.warning("update %s: %s not delivered: %s", update_id, type(action).__name__,
                        type(exc).__name__)
            return
        if isinstance(action, SendMessage) and action.expects is not None:
            try:
                await self._db(self.remember, action, sent)
            except Exception as exc:  # the prompt is out; its reply will read as an ordinary message
                log.warning("update %s: reply prompt not stored: %s", update_id, type(exc).__name__)
        if isinstance(action, SendMessage) and action.live is not None and sent is not None:
            try:
                if self.live.write_behind:  # kept in memory, written in batches (bot.telegram.live)
                    self.live.keep(action.chat_id, action.live, sent)
                else:
                    await self._db(self.live.keep, action.chat_id, action.live, sent)
            except Exception as exc:  # the question is out; it will not be edited into its record
                log.warning("update %s: live question not stored: %s", update_id, type(exc).__name__)
            if self.commits is not None and self.live.due():
                self.commits.later(self.live.flush)

    async def _db(self, work: Callable[..., Any], *args: Any) -> Any:
        """Database writes from the event loop: on the writer thread on SQLite, in a thread elsewhere."""
        if self.commits is not None:
            return await self.commits.call(work, *args)
        return await asyncio.to_thread(work, *args)

    def remember(self, prompt: SendMessage, message_id: int | None) -> None:
        """Store what a sent prompt waits for, so its reply is read by what it answers, not by its text."""
        e = prompt.expects
        assert e is not None
        with self.service.session() as s:
            pending.remember(s, chat_id=prompt.chat_id, user_id=e.user_id, kind=e.kind, interview_id=e.interview_id,
                             payload=e.payload, message_id=message_id)

    def prompt_for(self, inc: Incoming, user: User, chat: int) -> PendingReply | None:
        """The prompt a typed reply answers (None when the message replies to none of ours)."""
        if inc.reply_to_id is None and inc.reply_to_text is None:
            return None
        with self.service.session() as s:
            return pending.answered_by(s, chat_id=chat, user_id=user.id or 0, message_id=inc.reply_to_id)

    async def process(self, inc: Incoming, io: BotIO) -> list[Action]:
        """Decide what to do with one update; database work runs in a thread."""
        if inc.chat_type != "private":
            return await asyncio.to_thread(self._not_private, inc)
        if inc.file is not None and inc.callback_data is None:
            return await self.uploads.receive(inc, io)
        if self.records.makes_files(inc):  # exports: written in a thread, sent, then deleted
            return await self.records.send_files(inc, io)
        if self.inline_db:  # SQLite answers in well under a millisecond: a thread hop costs more than it saves
            decided = self._decide_or_defer(inc)
            if not inspect.isawaitable(decided):
                return decided
            with self.locks.park(inc.user_id or 0):  # decided: what is left waits for the database only
                return await decided
        decided = await asyncio.to_thread(self._decide, inc)
        assert isinstance(decided, list)  # answers are only deferred to a group commit on SQLite
        return decided

    # --- helpers shared with the staff desk ----------------------------------------
    def user(self, inc: Incoming) -> User:
        """The person behind an update; INTAKE_ADMIN_IDS are admins from the start."""
        return self.service.user(tg_id=inc.user_id, name=inc.full_name, admin=inc.user_id in self.admin_ids)

    def load(self, interview_id: int) -> Interview | None:
        """One interview."""
        return self.service.interview(interview_id)

    def show(self, chat_id: int, reply: Reply, *, fresh: bool = True, pressed: int | None = None,
             in_place: bool = False) -> list[Action]:
        """An engine reply as messages whose buttons are bound to its interview, around the chat's live question:
        ``fresh`` (an interview opened) sends the question anew; an answer edits the old one (bot.telegram.live)."""
        return self.live.tidy(chat_id, reply, fresh=fresh, pressed=pressed, in_place=in_place)

    def set_active(self, user: User, interview_id: int) -> None:
        """Make this the interview the user's next message answers."""
        if user.active_interview_id != interview_id:
            with self.service.session() as s:
                repo.set_active_interview(s, user=user, interview_id=interview_id)

    def open_interview(self, chat_id: int, user: User, interview_id: int) -> list[Action]:
        """Switch to an interview (drafts list, a returned record) and show its current question."""
        iv = self.load(interview_id)
        if iv is None or not can_open(user, iv):
            return [SendMessage(chat_id, t("bot.not_yours"))]
        if iv.status not in repo.OPEN_STATUSES:
            return [SendMessage(chat_id, t("tg.interview_closed", status=status_text(iv.status)))]
        notice: list[Action] = []
        if user.active_interview_id != interview_id and policy.may_start_survey(user):
            notice.append(journey.switched(chat_id, iv))  # several households: say which one this is
        self.set_active(user, interview_id)
        if iv.status == "returned" and iv.review_comment:
            notice.append(SendMessage(chat_id, self._returned_fields(user, iv)))
        reply = self.service.handle(user=user, interview_id=interview_id, inp=Input("start"))
        return notice + self.show(chat_id, reply)

    def _returned_fields(self, user: User, iv: Interview) -> str:
        """Which fields staff asked to change, and why (read from their comment as when it was returned)."""
        form = self.service.registry.form(iv.form_key)
        found = staff_desk.named_paths(form, iv.state, policy.engine_role(user, iv), iv.review_comment,
                                       self.service.registry.context())
        if not found:
            return t("tg.review.returned_reminder", comment=iv.review_comment)
        return t("journey.returned_fields", fields="、".join(label for _, label in found), comment=iv.review_comment)

    # --- decisions -------------------------------------------------------------
    def _not_private(self, inc: Incoming) -> list[Action]:
        if not self.claim(inc):
            return []
        if inc.callback_id:
            return [AnswerCallback(inc.callback_id, t("tg.private_only"), alert=True)]
        if inc.chat_id is not None and (inc.text or "").startswith("/"):
            return [SendMessage(inc.chat_id, t("tg.private_only"))]
        return []

    @staticmethod
    def _is_answer(inc: Incoming) -> bool:
        """An answer to the current question (typed or a question's button): may start from the kept view."""
        if inc.callback_data is not None:
            return buttons.parse_engine(inc.callback_data) is not None
        text = inc.text
        return bool(text and text.strip()) and len(text) <= MAX_TEXT and not text.startswith("/") and \
            inc.reply_to_id is None and inc.reply_to_text is None

    def _decide(self, inc: Incoming, *, fresh: bool = False) -> Decision:
        """What to do with an update. Answers start from the person as kept (storage.people) unless ``fresh``:
        their write checks that view, and a view that no longer holds, or that refuses, is decided again."""
        cached = not fresh and self._is_answer(inc)
        user, active = self.service.person(tg_id=inc.user_id or 0, name=inc.full_name,
                                           admin=inc.user_id in self.admin_ids, cached=cached,
                                           may_write=self.commits is None or not on_event_loop())
        if cached and inc.callback_data is None and not user.active_interview_id:
            return self._decide(inc, fresh=True)  # "no draft" is said only from a fresh read
        chat = inc.chat_id if inc.chat_id is not None else inc.user_id or 0
        if inc.callback_data is not None:
            return self._press(inc, user, chat, active, cached)
        text = inc.text
        if inc.contact is not None:  # at 手机号码 the answer; elsewhere a short reply and the question again
            return self.media.contact(inc, user, chat, active)
        if text is None or not text.strip():
            return self.media.refuse(inc, user, chat, "media.unreadable")
        if len(text) > MAX_TEXT:
            return self._once(inc, lambda: [SendMessage(chat, t("tg.too_long", n=len(text), max=MAX_TEXT))], reads=True)
        if text.startswith("/"):
            return self._command(inc, user, chat, text)
        prompt = self.prompt_for(inc, user, chat)
        if prompt is None and inc.reply_to_id is None and inc.reply_to_text is None:
            prompt = self.staff.plain_prompt(user, chat)  # 退回修改's comment typed without Telegram's reply
        if prompt is not None and prompt.kind in staff_desk.REPLIES:
            return self._once(inc, lambda: self.staff.on_reply(chat, user, prompt, text, inc.full_name))
        if prompt is not None and prompt.kind in records_desk.REPLIES:
            return self._once(inc, lambda: self.records.on_reply(chat, user, prompt, text))
        return self._answer(inc, user, chat, Input("text", text=text), active, cached)

    def active_interview(self, user: User) -> Interview | None:
        """The interview the user's next message answers (None when there is none)."""
        return self.load(user.active_interview_id) if user.active_interview_id else None

    def _answer(self, inc: Incoming, user: User, chat: int, inp: Input, active: StepRow | None = None,
                cached: bool = False) -> Decision:
        if not user.active_interview_id:
            return self._once(inc, lambda: [SendMessage(chat, no_active_text(user))], reads=True)
        return self._advance(inc, user, user.active_interview_id, inp, active,
                             lambda outcome: self._answered(inc, user, chat, outcome), cached)

    def _advance(self, inc: Incoming, user: User, interview_id: int, inp: Input, active: StepRow | None,
                 then: Callable[[Reply | Exception], Decision], cached: bool = False) -> Decision:
        """Advance with the commit strategy of this database; ``then`` turns the outcome (or refusal) into actions.

        The service checks access and that the interview is open in the same read as the answer.
        ``cached``: user and ``active`` are the kept view; its write checks them (StalePerson when
        they changed), and a refusal or a stale view is decided again from a fresh read.
        """
        args: dict[str, Any] = dict(user=user, interview_id=interview_id, inp=inp, update_id=inc.update_id,
                                    require_open=True, guard=cached)
        again = (lambda: self._decide_or_defer(inc, fresh=True)) if cached else None
        if self.commits is not None:  # answers arriving together are committed together
            return self._later(self.service.handle_grouped(self.commits, loaded=active, **args), then, again)
        try:
            outcome: Reply | Exception = self.service.handle(**args)
        except (*_REFUSALS, StalePerson) as exc:
            outcome = exc  # (PostgreSQL: in a thread, where _once claims inline)
        if again is not None and isinstance(outcome, _VIEW_REFUSALS):
            return again()
        return then(outcome)

    @staticmethod
    async def _later(pending_reply: Awaitable[Reply], then: Callable[[Reply | Exception], Decision],
                     again: Callable[[], Decision] | None = None) -> list[Action]:
        try:
            outcome: Reply | Exception = await pending_reply
        except (*_REFUSALS, StalePerson) as exc:
            outcome = exc
        decided = again() if again is not None and isinstance(outcome, _VIEW_REFUSALS) else then(outcome)
        return await decided if inspect.isawaitable(decided) else decided

    def _answered(self, inc: Incoming, user: User, chat: int, outcome: Reply | Exception) -> Decision:
        """The messages for an answer once it is written, or why it was not."""
        if isinstance(outcome, repo.UpdateAlreadyApplied):
            log.info("update %s already applied; not applied again", inc.update_id)
            return []
        if isinstance(outcome, AccessDenied):
            return self._once(inc, lambda: [SendMessage(chat, no_active_text(user))], reads=True)
        if isinstance(outcome, InterviewClosed):
            status = outcome.status
            return self._once(inc, lambda: [SendMessage(chat, t("tg.interview_closed", status=status_text(status)))],
                              reads=True)
        assert isinstance(outcome, Reply)
        shown = lambda: self.media.contact_button(chat, user, outcome, self.show(chat, outcome, fresh=False))  # noqa: E731
        if outcome.interview_id is not None and outcome.interview_id != user.active_interview_id:
            return self._switched_then(user, outcome.interview_id, shown)
        return shown()

    def apply(self, inc: Incoming, user: User, chat: int, interview_id: int, inp: Input,
              attachment: dict[str, Any] | None = None) -> list[Action]:
        """Advance the interview; the update (and an accepted file) is recorded in the answer's transaction."""
        try:
            reply = self.service.handle(user=user, interview_id=interview_id, inp=inp, update_id=inc.update_id,
                                        attachment=attachment)
        except repo.UpdateAlreadyApplied:
            log.info("update %s already applied; not applied again", inc.update_id)
            return []
        except AccessDenied:
            return self.once(inc, lambda: [SendMessage(chat, t("bot.not_yours"))])
        if reply.interview_id is not None and reply.interview_id != interview_id:
            self.set_active(user, reply.interview_id)
        return self.show(chat, reply, fresh=False)

    def _press(self, inc: Incoming, user: User, chat: int, active: StepRow | None = None,
               cached: bool = False) -> Decision:
        data, cb = inc.callback_data or "", inc.callback_id or ""
        engine = buttons.parse_engine(data)
        if engine is not None and engine.interview_id != user.active_interview_id:
            elsewhere = journey.elsewhere(chat, user, self.active_interview(user), self.load(engine.interview_id))
            if elsewhere is not None:  # never answer another household than the one being filled
                return self._once(inc, lambda: [AnswerCallback(cb), elsewhere], reads=True)
        if engine is not None:  # a question's button: the answer, as typed ones
            return self._advance(inc, user, engine.interview_id, Input("button", data=engine.data), active,
                                 lambda outcome: self._pressed(inc, user, chat, engine, outcome), cached)
        if buttons.is_desk(data):
            pressed = buttons.parse(data)
            return self._once(inc, lambda: [AnswerCallback(cb)] + self._press_desk(inc, user, chat, pressed),
                              reads=pressed is not None and pressed.button in READ_BUTTONS)
        return self._once(inc, lambda: [AnswerCallback(cb, t("tg.stale_button"))], reads=True)

    def _pressed(self, inc: Incoming, user: User, chat: int, engine: buttons.EngineButton,
                 outcome: Reply | Exception) -> Decision:
        """The answer to a pressed button once its step is written, or why it was not."""
        cb = inc.callback_id or ""
        if isinstance(outcome, repo.UpdateAlreadyApplied):
            log.info("update %s already applied; not applied again", inc.update_id)
            return [AnswerCallback(cb)]
        if isinstance(outcome, AccessDenied):
            return self._once(inc, lambda: [AnswerCallback(cb, t("bot.not_yours"), alert=True)], reads=True)
        if isinstance(outcome, InterviewClosed):
            status = outcome.status
            return self._once(inc, lambda: [AnswerCallback(cb), *self._unbutton(inc, chat), SendMessage(
                chat, t("tg.interview_closed", status=status_text(status)))], reads=True)
        assert isinstance(outcome, Reply)
        return self._switched_then(  # pressing an older draft's button opens it
            user, outcome.interview_id or engine.interview_id,
            lambda: [AnswerCallback(cb), *self.media.contact_button(chat, user, outcome, self.show(
                chat, outcome, fresh=False, pressed=inc.message_id, in_place=engine.action in IN_PLACE))])

    def _unbutton(self, inc: Incoming, chat: int) -> list[Action]:
        """Take the buttons off the pressed message: the question has moved on."""
        return [EditMessage(chat, inc.message_id, None, ())] if inc.message_id else []

    def _press_desk(self, inc: Incoming, user: User, chat: int, pressed: buttons.Pressed | None) -> list[Action]:
        if pressed is not None and pressed.button is buttons.OPEN:
            return self._unbutton(inc, chat) + self.open_interview(chat, user, pressed.id("interview_id"))
        if pressed is not None and pressed.button is buttons.EDIT_OWN:
            return self._unbutton(inc, chat) + self.drafts.edit(user, chat, pressed.id("interview_id"))
        if pressed is not None and pressed.button is buttons.VIEW_OWN:
            return self.drafts.view(user, chat, pressed.id("interview_id"))
        if pressed is not None and pressed.button is buttons.START_FORM:
            return self._unbutton(inc, chat) + self.drafts.chosen(user, chat, pressed.word("form"))
        if pressed is not None and pressed.button in records_desk.BUTTONS:
            return self.records.on_button(inc, user, chat, pressed)
        if pressed is not None and pressed.button is buttons.INVITE_MOVE:  # a confirmed invite: a new role's menu
            moved = self.staff.on_button(inc, user, chat, pressed)
            return moved + self.menu_action(self.service.user(tg_id=user.tg_id))
        return self.staff.on_button(inc, user, chat, pressed)

    # --- commands ----------------------------------------------------------------
    def _command(self, inc: Incoming, user: User, chat: int, text: str) -> Decision:
        word, _, args = text[1:].partition(" ")
        name = word.split("@", 1)[0].lower()
        if name in ENGINE_COMMANDS:
            return self._answer(inc, user, chat, Input("text", text=f"/{name}"))
        return self._once(inc, lambda: self._run_command(user, chat, name, args.strip()), reads=name in READ_COMMANDS)

    def _run_command(self, user: User, chat: int, name: str, args: str) -> list[Action]:
        """A menu command (already claimed)."""
        if name == "start":  # also where an invite changes a role: the menu follows it
            out = self.drafts.start(user, chat, args)
            return out + self.menu_action(self.service.user(tg_id=user.tg_id) if args else user)
        if name == "new":
            return self.drafts.new(user, chat)
        if name == "drafts":
            return self.drafts.list(user, chat)
        if name == "help":  # the menu too: a role set from the command line reaches the chat this way
            return [SendMessage(chat, self.records.help_text(user.role))] + self.menu_action(user)
        if name == "review":
            return self.staff.review_list(user, chat)
        if name == "invite":
            return self.staff.invite(user, chat, args)
        if name == "role":
            return self.staff.role(user, chat, args) + self.menu_action(menus.role_target(self.service, user, args))
        if name in RECORD_COMMANDS:
            return self.records.command(user, chat, name, args)
        return [SendMessage(chat, t("tg.unknown_command", command=f"/{name}"[:40]))]

