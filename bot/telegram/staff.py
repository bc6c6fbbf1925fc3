"""Staff and admin work in the bot: review (approve / return), invites, roles; roles checked here."""

from __future__ import annotations

import copy
import logging
from datetime import timedelta
from pathlib import Path

from bot.render import assessment_text
from bot.service import AccessDenied
from bot.telegram import buttons, journey
from bot.telegram.actions import Action, EditMessage, Expect, Incoming, SendDocument, SendMessage
from bot.telegram.buttons import Pressed, is_id
from bot.telegram.desk import DeskContext
from bot.telegram.queue_desk import QueueDesk
from bot.telegram import review_card
from flows.catalog import MESSAGES, t
from flows.categories import CATEGORY_CHOICES, NOT_ELIGIBLE
from flows.consistency import stored_checks_lines
from flows.engine import advance
from flows.answers import Invalid
from flows.names import normalize_name
from flows import policy
from flows.outputs import Input, Review
from flows.return_fields import named_paths  # noqa: F401  (importers read it here)
from storage import invites, queue, repo, review
from storage import pending
from storage.models import ROLES, Interview, PendingReply, User, utcnow

log = logging.getLogger(__name__)
STAFF = policy.STAFF_ROLES  # kept for importers; the rule is policy.is_staff
INVITE_HOURS = 72
ROLE_WORDS = {t(f"tg.role.{role}"): role for role in ROLES}  # /invite 调查员, /role <id> 职工: the labels typed
OVERRIDE_CATEGORIES = CATEGORY_CHOICES  # in the order of buttons.OVERRIDE_TO
REPLIES = ("return_comment", "override_reason", "reviewer_name")  # the typed replies this desk reads (Expect.kind)
_DESK_BUTTONS = (buttons.REVIEW, buttons.APPROVE, buttons.APPROVE_YES, buttons.RETURN, buttons.DOWNLOAD,
                 buttons.TAKE_OVER, buttons.OVERRIDE, *buttons.OVERRIDE_TO)
_QUEUE_BUTTONS = (buttons.QUEUE, buttons.QUEUE_PICK, buttons.BULK, buttons.BULK_YES)  # carry a filter word
PLAIN_REPLY_MINUTES = 30  # a message sent this soon after 退回修改, not as a reply, is still its comment
_READ_BUTTONS = (buttons.REVIEW, buttons.DOWNLOAD)  # reading the record: allowed on a readable one (policy.can_see_review)


def role_label(role: str) -> str:
    """A role in Chinese."""
    return t(f"tg.role.{role}") if role in ROLES else role


def status_text(status: str) -> str:
    """An interview status in Chinese."""
    key = f"tg.status.{status}"
    return t(key) if key in MESSAGES else status


class StaffDesk:
    """Review, invites and roles; every entry point checks the caller's role on the server."""

    def __init__(self, core: DeskContext) -> None:
        self.core = core
        self.service = core.service
        self.queue = QueueDesk(core)

    # --- review -----------------------------------------------------------------
    def review_list(self, user: User, chat: int) -> list[Action]:
        """/review: the first page of the records waiting in the caller's unit (admins: all), with filters."""
        return self.queue.listing(user, chat, queue.QueueFilter())

    def _queue_button(self, inc: Incoming, user: User, chat: int, pressed: Pressed) -> list[Action]:
        f = buttons.parse_queue_word(pressed.word("filter"))
        if f is None:
            return [SendMessage(chat, t("tg.stale_button"))]
        if pressed.button is buttons.QUEUE:
            return self.queue.listing(user, chat, f, pressed.id("page"), edit=inc.message_id)
        if pressed.button is buttons.QUEUE_PICK:
            return self.queue.pick(user, chat, f, pressed.word("what"))
        if pressed.button is buttons.BULK:
            return self.queue.bulk_ask(user, chat, f)
        return self.queue.bulk_do(inc, user, chat, f, pressed.id("count"))

    def on_button(self, inc: Incoming, user: User, chat: int, pressed: Pressed | None) -> list[Action]:
        """Review buttons: view, approve, return, download, take over, change the 困难类别."""
        if pressed is not None and pressed.button is buttons.INVITE_MOVE:
            return self.redeem(user, chat, pressed.word("code"), confirmed_move=True, inc=inc)
        if pressed is not None and pressed.button in _QUEUE_BUTTONS:
            return self._queue_button(inc, user, chat, pressed)
        if pressed is None or pressed.button not in (*_DESK_BUTTONS, buttons.ATTACHMENT):
            return [SendMessage(chat, t("tg.stale_button"))]
        if not policy.is_staff(user):
            return [SendMessage(chat, t("tg.denied_staff"))]
        if pressed.button is buttons.ATTACHMENT:
            return review_card.send_attachment(self.service, Path(self.core.settings.attachments_dir), user, chat,
                                               pressed.id("attachment_id"))
        iv = self.core.load(pressed.id("interview_id"))
        kind = pressed.button
        allowed = (policy.can_see_review if kind in _READ_BUTTONS else policy.can_take_over
                   if kind is buttons.TAKE_OVER else policy.can_override_category
                   if kind is buttons.OVERRIDE or kind in buttons.OVERRIDE_TO else policy.can_review)
        if iv is None or not allowed(user, iv):
            return [SendMessage(chat, t("bot.not_yours"))]
        iid = iv.id or 0
        if kind is buttons.DOWNLOAD:
            self.service.audit_view(user, "download", iv)
            return [SendDocument(chat, f"{iv.ref or iv.id}.txt", self.record_text(iv).encode("utf-8"),
                                 t("tg.review.file_caption", ref=iv.ref or iv.id))]
        if kind is buttons.OVERRIDE or kind in buttons.OVERRIDE_TO:  # submitted or approved records
            return self._override_step(chat, user, iv, kind)
        if kind is buttons.REVIEW:  # any status the queue lists (returned, approved): read, with what still applies
            return self.card(user, chat, iv)
        if iv.status != "submitted":
            return [self._not_waiting(chat, iv, iv.status)]
        if kind is buttons.TAKE_OVER:
            return self._take_over(inc, user, chat, iv)
        unbutton: list[Action] = [EditMessage(chat, inc.message_id, None, ())] if inc.message_id else []
        if kind in (buttons.APPROVE, buttons.APPROVE_YES) and not self._may_approve(user, iv):
            return unbutton + [SendMessage(chat, t("queue.self_denied", ref=iv.ref or iv.id))]
        if not user.registered_name and kind in (buttons.APPROVE, buttons.APPROVE_YES):
            # 审核人 is a real name, never the Telegram display name; the name prompt says it approves (the one ask)
            return unbutton + [self._ask_name(chat, user, iv, "tg.review.need_name")]
        if kind is buttons.APPROVE:  # asks once
            with self.service.session() as s:  # the help plan's editors, from the answer journal
                key = "queue.confirm_self" if review.is_self_approval(s, user, iv) else "queue.confirm"
            rows = (((t("queue.confirm_button"), buttons.APPROVE_YES.data(iid)),
                     (t("queue.cancel_button"), buttons.REVIEW.data(iid))),)
            return unbutton + [SendMessage(chat, t(key, ref=iv.ref or iv.id, name=iv.worker_name or t("tg.unnamed"),
                                                   category=iv.override_category or iv.category or NOT_ELIGIBLE), rows)]
        if kind is buttons.APPROVE_YES:
            return unbutton + self._approve(user, chat, iv)
        return unbutton + [SendMessage(chat, t("tg.review.return_prompt", id=iv.id, ref=iv.ref or iv.id),
                                       force_reply=True, expects=Expect("return_comment", iid, user.id or 0))]

    def _may_approve(self, user: User, iv: Interview) -> bool:
        """policy.can_approve with whoever edited the record's help plan (storage.review.may_approve)."""
        with self.service.session() as s:
            return review.may_approve(s, user, iv)

    def card(self, user: User, chat: int, iv: Interview) -> list[Action]:
        """The review card: the record, its category (decided and overridden), warnings, the diff since the
        last return, its attachments as buttons, and what the user may do with it."""
        iid = iv.id or 0
        first = ((t("tg.review.approve"), buttons.APPROVE.data(iid)),) if self._may_approve(user, iv) else ()
        rows: tuple[tuple[tuple[str, str], ...], ...] = (
            (*first, (t("tg.review.return"), buttons.RETURN.data(iid))),
            ((t("tg.review.download"), buttons.DOWNLOAD.data(iid)), (t("tg.override.button"), buttons.OVERRIDE.data(iid))))
        if iv.status == "approved" and policy.can_override_category(user, iv):
            rows = rows[1:]  # approved: no approve or return, the category may still change
        elif not policy.can_review(user, iv) or iv.status != "submitted":  # an unassigned self-report: read only
            rows = ((t("tg.review.download"), buttons.DOWNLOAD.data(iid)),),
        if iv.kind == "self" and iv.status == "submitted":  # the worker's own report: the help plan is for staff
            rows = (((t("tg.review.take_over"), buttons.TAKE_OVER.data(iid)),),) + rows
        files = review_card.attachments(self.service, iv)
        text = self.record_text(iv)
        if files:
            text += "\n\n" + t("queue.card.attachments", n=len(files))
            rows = review_card.attachment_rows(files) + rows
        self.service.audit_view(user, "review_card", iv)
        return review_card.card_messages(chat, text, rows)

    def _take_over(self, inc: Incoming, user: User, chat: int, iv: Interview) -> list[Action]:
        """Take a self-report over: it becomes the staff member's draft at the first staff question."""
        try:
            reply = self.service.take_over(user=user, interview_id=iv.id or 0)
        except (AccessDenied, review.ReviewError):
            return [self._not_waiting(chat, iv, iv.status)]
        unbutton: list[Action] = [EditMessage(chat, inc.message_id, None, ())] if inc.message_id else []
        return unbutton + [SendMessage(chat, t("tg.review.taken_over", ref=iv.ref or iv.id,
                                               name=iv.worker_name or t("tg.unnamed")))] + self.core.show(chat, reply)

    def _not_waiting(self, chat: int, iv: Interview, status: str) -> SendMessage:
        """The record is no longer (or not yet) waiting for review."""
        return SendMessage(chat, t("tg.review.not_waiting", ref=iv.ref or iv.id, status=status_text(status)))

    def record_text(self, iv: Interview) -> str:
        """The whole record, by section, as staff read it (the engine's own review list)."""
        form = self.service.registry.form(iv.form_key)
        state = copy.deepcopy(iv.state)
        state.update(status="draft", mode="review", pending=None, review_section=None, role="staff")
        outputs = advance(form, state, Input("start"), self.service.registry.context()).outputs
        lines = [t("tg.review.detail_title", ref=iv.ref or iv.id, name=iv.worker_name or t("tg.unnamed"),
                   status=status_text(iv.status))]
        for out in outputs:
            if isinstance(out, Review):
                for section, items in out.sections:
                    lines.append(f"【{section}】")
                    lines.extend(f"{it.index}. {it.label}：{it.display}" for it in items)
        if form.eligibility:  # a follow-up form decides nothing
            lines += ["", assessment_text(iv.assessment), *review_card.category_lines(self.service, iv)]
        if stored_checks_lines(iv.state or {}):  # 核对提示 stored at submit
            lines += ["", *stored_checks_lines(iv.state or {})]
        lines += review_card.return_lines(self.service, iv)
        return "\n".join(lines)

    def _ask_name(self, chat: int, user: User, iv: Interview, key: str, **values: str) -> SendMessage:
        return SendMessage(chat, t(key, ref=iv.ref or iv.id, **values), force_reply=True,
                           expects=Expect("reviewer_name", iv.id or 0, user.id or 0))

    def reviewer_name(self, chat: int, user: User, interview_id: int, text: str) -> list[Action]:
        """The real name typed for 审核人: registered (audited), echoed, then the approval goes on."""
        if not policy.is_staff(user):
            return [SendMessage(chat, t("tg.denied_staff"))]
        iv = self.core.load(interview_id)
        if iv is None or not policy.can_review(user, iv):
            return [SendMessage(chat, t("bot.not_yours"))]
        got = normalize_name(text)
        if isinstance(got, Invalid):
            return [self._ask_name(chat, user, iv, "tg.review.bad_name", error=got.message)]
        with self.service.session() as s:
            fresh = review.register_name(s, user=user, name=str(got.value))
        user.registered_name = fresh.registered_name
        echo = SendMessage(chat, t("tg.review.name_registered", name=fresh.registered_name))
        if iv.status != "submitted":
            return [echo, self._not_waiting(chat, iv, iv.status)]
        return [echo] + self._approve(user, chat, iv)

    def _approve(self, user: User, chat: int, iv: Interview) -> list[Action]:
        name = user.registered_name
        with self.service.session() as s:
            try:
                done = review.approve(s, interview_id=iv.id or 0, reviewer=user, name=name)
            except review.ReviewError as exc:
                return [self._not_waiting(chat, iv, exc.status)]
            author = s.get(User, done.created_by)
        log.info("interview %s approved by user %s", done.id, user.id)
        out: list[Action] = [SendMessage(chat, t("tg.review.approved", ref=done.ref or done.id, name=name))]
        if author is not None and author.tg_id and author.id != user.id:
            out.append(SendMessage(author.tg_id, t("tg.review.approved_notice", ref=done.ref or done.id)))
        with self.service.session() as s:  # on to the next record waiting
            nxt = queue.next_waiting(s, user=user, after=done.id or 0, now=utcnow(), tz=self.service.registry.tz)
        if nxt is None:
            return out + [SendMessage(chat, t("queue.all_done"))]
        return out + [SendMessage(chat, t("queue.next_title"))] + self.card(user, chat, nxt)

    def _override_step(self, chat: int, user: User, iv: Interview, kind: buttons.Button) -> list[Action]:
        """Choose the new 困难类别, then reply with the reason."""
        if iv.status not in ("submitted", "approved"):
            return [self._not_waiting(chat, iv, iv.status)]
        if kind is buttons.OVERRIDE:
            rows = tuple(((label, to.data(iv.id or 0)),) for to, label in zip(buttons.OVERRIDE_TO, OVERRIDE_CATEGORIES))
            return [SendMessage(chat, t("tg.override.choose", ref=iv.ref or iv.id,
                                        category=iv.category or t("tg.review.no_category")), rows)]
        category = OVERRIDE_CATEGORIES[buttons.OVERRIDE_TO.index(kind)]
        return [self._override_ask(chat, user, iv, category, "tg.override.prompt")]

    def _override_ask(self, chat: int, user: User, iv: Interview, category: str, key: str) -> SendMessage:
        return SendMessage(chat, t(key, id=iv.id, ref=iv.ref or iv.id, category=category), force_reply=True,
                           expects=Expect("override_reason", iv.id or 0, user.id or 0, {"category": category}))

    def plain_prompt(self, user: User, chat: int) -> PendingReply | None:
        """The 退回修改 prompt a plain message (not a Telegram reply) answers: the user's latest prompt in this
        chat, when it is a return comment, recent, and its record still waits (else the message is ordinary)."""
        if not policy.is_staff(user):
            return None
        with self.service.session() as s:
            latest = pending.latest(s, chat_id=chat, user_id=user.id or 0)
            iv = s.get(Interview, latest.interview_id) if latest is not None else None
        if latest is None or iv is None or latest.kind != "return_comment" or iv.status != "submitted":
            return None
        made = latest.created_at if latest.created_at.tzinfo else latest.created_at.replace(tzinfo=utcnow().tzinfo)
        return latest if utcnow() - made <= timedelta(minutes=PLAIN_REPLY_MINUTES) else None

    def on_reply(self, chat: int, user: User, prompt: PendingReply, text: str, shown_name: str) -> list[Action]:
        """A typed reply to one of this desk's prompts (already claimed): a 退回 comment or a 调整类别 reason."""
        if prompt.kind == "reviewer_name":
            return self.reviewer_name(chat, user, prompt.interview_id, text)
        if prompt.kind == "override_reason":
            category = str(prompt.payload.get("category", ""))
            if category not in OVERRIDE_CATEGORIES:
                return [SendMessage(chat, t("tg.stale_button"))]
            return self.override_reason(chat, user, prompt.interview_id, category, text)
        return self.return_comment(chat, user, prompt.interview_id, text, shown_name)

    def override_reason(self, chat: int, user: User, interview_id: int, category: str, reason: str) -> list[Action]:
        """The written reason for a changed 困难类别: both values are kept, and audited."""
        if not policy.is_staff(user):
            return [SendMessage(chat, t("tg.denied_staff"))]
        iv = self.core.load(interview_id)
        if iv is None or not policy.can_override_category(user, iv):
            return [SendMessage(chat, t("bot.not_yours"))]
        if iv.status not in ("submitted", "approved"):
            return [self._not_waiting(chat, iv, iv.status)]
        if len(reason.strip()) < 4:
            return [self._override_ask(chat, user, iv, category, "tg.override.need_reason")]
        with self.service.session() as s:
            fresh = s.get(Interview, interview_id)
            assert fresh is not None
            repo.override_category(s, interview=fresh, category=category, reason=reason, actor_id=user.id or 0)
        return [SendMessage(chat, t("tg.override.done", ref=iv.ref or iv.id, computed=iv.category or NOT_ELIGIBLE,
                                    category=category, reason=reason.strip()))]

    def return_comment(self, chat: int, user: User, interview_id: int, comment: str, shown_name: str) -> list[Action]:
        """The comment typed in reply to 退回: reopen at the fields named and tell the author."""
        if not policy.is_staff(user):
            return [SendMessage(chat, t("tg.denied_staff"))]
        iv = self.core.load(interview_id)
        if iv is None or not policy.can_review(user, iv):
            return [SendMessage(chat, t("bot.not_yours"))]
        with self.service.session() as s:
            author = s.get(User, iv.created_by)
        form = self.service.registry.form(iv.form_key)
        role = policy.engine_role(author, iv) if author is not None else policy.WORKER
        found = named_paths(form, iv.state, role, comment, self.service.registry.context())
        if not found:
            return [SendMessage(chat, t("tg.review.need_field", id=iv.id, ref=iv.ref or iv.id), force_reply=True,
                                expects=Expect("return_comment", interview_id, user.id or 0))]
        with self.service.session() as s:
            try:
                done = review.return_to_author(s, interview_id=interview_id, reviewer=user, comment=comment,
                                               paths=[p for p, _ in found])
            except review.ReviewError as exc:
                return [self._not_waiting(chat, iv, exc.status)]
        fields = "、".join(label for _, label in found)
        told = author is not None and bool(author.tg_id)
        out: list[Action] = [SendMessage(chat, t("tg.review.returned" if told else "queue.returned_unnotified",
                                                 ref=done.ref or done.id, fields=fields))]
        if author is not None and author.tg_id and author.id != user.id:
            out.append(journey.returned_notice(author.tg_id, done, fields=fields, comment=comment,
                                               reviewer=user.registered_name or user.name or shown_name))
        return out

    # --- invites and roles ---------------------------------------------------------
    def redeem(self, user: User, chat: int, code: str, *, confirmed_move: bool = False,
               inc: Incoming | None = None) -> list[Action]:
        """/start <code>: use an invite code (flows.policy.redeem_decision says what it may do).

        An invite of a lower role is refused; one that moves the person to another unit is used only
        after they press the confirmation button (and only an admin's invite can do that).
        """
        code = code.strip()[:64]
        unbutton: list[Action] = [EditMessage(chat, inc.message_id, None, ())] if inc and inc.message_id else []
        with self.service.session() as s:
            fresh = s.get(User, user.id) or user
            try:
                invites.redeem_invite(s, code=code, user=fresh, confirmed_move=confirmed_move)
            except invites.InviteError as exc:
                if exc.reason != "confirm_move":
                    return unbutton + [SendMessage(chat, t(f"tg.invite.{exc.reason}", role=role_label(fresh.role),
                                                           unit=fresh.unit or t("tg.no_unit")))]
                invite, decision = invites.check_invite(s, code=code, user=fresh)
                rows = (((t("tg.invite.move_button", unit=decision.unit), buttons.INVITE_MOVE.data(code)),),)
                return [SendMessage(chat, t("tg.invite.confirm_move", unit=fresh.unit, new_unit=decision.unit,
                                            role=role_label(decision.role)), rows)]
            s.refresh(fresh)
            user.role, user.unit = fresh.role, fresh.unit
        return unbutton + [SendMessage(chat, t("tg.invite.redeemed", role=role_label(user.role),
                                               unit=user.unit or t("tg.no_unit")))]

    def invite(self, user: User, chat: int, args: str) -> list[Action]:
        """/invite surveyor|staff [unit]: staff invite surveyors to their unit; admins any role, any unit."""
        if not policy.is_staff(user):
            return [SendMessage(chat, t("tg.denied_staff"))]
        parts = args.split(maxsplit=1)
        word = parts[0] if parts else "surveyor"
        role = ROLE_WORDS.get(word, word.lower())
        allowed = policy.invitable_roles(user)
        if role not in allowed:
            return [SendMessage(chat, t("tg.invite.usage", roles="、".join(role_label(r) for r in allowed)))]
        unit = policy.invite_unit(user, parts[1].strip() if len(parts) > 1 else "")
        with self.service.session() as s:
            inv = invites.create_invite(s, role=role, unit=unit, created_by=user.id, hours=INVITE_HOURS)
        link = invite_link(self.core.bot_username, inv.code)
        return [SendMessage(chat, t("tg.invite.created", role=role_label(role), unit=unit or t("tg.no_unit"),
                                    hours=INVITE_HOURS, link=link))]

    def role(self, user: User, chat: int, args: str) -> list[Action]:
        """/role <Telegram id> <role> [unit]: admins only (a unit change is an admin action, audited)."""
        if not policy.is_admin(user):
            return [SendMessage(chat, t("tg.denied_admin"))]
        parts = args.split(maxsplit=2)
        role = ROLE_WORDS.get(parts[1], parts[1].lower()) if len(parts) > 1 else ""
        if len(parts) < 2 or not is_id(parts[0].lstrip("-")) or role not in ROLES:
            return [SendMessage(chat, t("tg.role.usage"))]
        with self.service.session() as s:
            target = repo.get_or_create_user(s, tg_id=int(parts[0]))
            repo.set_role(s, user=target, role=role, unit=parts[2].strip() if len(parts) > 2 else None,
                          actor_id=user.id)
        return [SendMessage(chat, t("tg.role.set", tg_id=parts[0], role=role_label(role),
                                    unit=target.unit or t("tg.no_unit")))]


def invite_link(username: str, code: str) -> str:
    """https://t.me/<bot>?start=<code>, or the pattern when the bot's username is unknown."""
    if username:
        return f"https://t.me/{username}?start={code}"
    return t("tg.invite.no_username", code=code)

