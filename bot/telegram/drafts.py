"""/start, /new and /drafts: which interview a person works on, and where they pick up again."""

from __future__ import annotations

from flows import policy
from bot.render import Message, split_message
from bot.telegram import buttons
from bot.telegram.actions import Action, SendMessage
from bot.telegram.desk import DeskContext
from bot.telegram.staff import StaffDesk, status_text
from flows.catalog import t
from storage import repo, review
from storage.models import Interview, User

def no_active_text(user: User) -> str:
    """What to say when a message answers no interview (surveyors and staff can start one)."""
    return t("tg.no_active_survey") if policy.may_start_survey(user) else t("tg.no_active")


class DraftsDesk:
    """The person's interviews: resume, start, list; access checked by the service and can_open."""

    def __init__(self, core: DeskContext, staff: StaffDesk) -> None:
        self.core, self.staff = core, staff

    def start(self, user: User, chat: int, code: str) -> list[Action]:
        """/start [invite code]: redeem, then resume where the person was, or begin their self-report."""
        out: list[Action] = []
        if code:
            out += self.staff.redeem(user, chat, code)
            user = self.core.service.user(tg_id=user.tg_id)
        active = self.core.active_interview(user)
        if active is not None and (active.status not in repo.OPEN_STATUSES or not policy.can_open(user, active)):
            active = None
        with self.core.service.session() as s:
            drafts = repo.open_drafts(s, user_id=user.id or 0)
            latest = review.latest_created(s, user_id=user.id or 0, kind="self")
        resume = active or (drafts[0] if drafts else None)
        if resume is not None:
            resumed: list[Action] = [SendMessage(chat, t("engine.resumed"))]
            return out + resumed + self.core.open_interview(chat, user, resume.id or 0)
        if policy.may_start_survey(user):
            return out + [SendMessage(chat, t(f"tg.welcome.{user.role}"))]
        if latest is not None and latest.status in ("submitted", "approved", "closed"):
            return out + [self.status(user, chat, latest)]
        out.append(SendMessage(chat, t("tg.welcome.worker")))
        choice = self._choice(user, chat)
        if choice:
            return out + choice
        return out + self.core.show(chat, self.core.service.start_interview(user=user, kind="self"))

    def status(self, user: User, chat: int, iv: Interview) -> SendMessage:
        """A submitted record's status, what happens next, 查看 (read it) and, while it may be changed, 修改."""
        text = t("journey.status", ref=iv.ref or iv.id, status=status_text(iv.status),
                 next=t(f"journey.next.{iv.status}"))
        row = [(t("journey.view"), buttons.VIEW_OWN.data(iv.id or 0))]
        if policy.may_change_own(user, iv):
            row.append((t("journey.edit"), buttons.EDIT_OWN.data(iv.id or 0)))
        return SendMessage(chat, text, (tuple(row),))

    def edit(self, user: User, chat: int, interview_id: int) -> list[Action]:
        """修改: the submitted self-report becomes a draft at its final review (unless staff acted on it first)."""
        iv = self.core.load(interview_id)
        if iv is None or iv.subject_user_id != user.id:  # a forged button: say nothing about that record
            return [SendMessage(chat, t("bot.not_yours"))]
        with self.core.service.session() as s:
            try:
                review.reopen_for_author(s, interview_id=interview_id, author=user)
            except review.ReviewError as exc:
                return [SendMessage(chat, t("journey.edit_too_late", status=status_text(exc.status)))]
            except policy.AccessDenied:
                return [SendMessage(chat, t("bot.not_yours"))]
        return [SendMessage(chat, t("journey.edit_opened"))] + self.core.open_interview(chat, user, interview_id)

    def view(self, user: User, chat: int, interview_id: int) -> list[Action]:
        """查看: one's own record, read only (only its subject: their own data, so no audit row)."""
        iv = self.core.load(interview_id)
        if iv is None or iv.subject_user_id != user.id:
            return [SendMessage(chat, t("bot.not_yours"))]
        return [SendMessage(chat, m.text) for m in split_message(Message(self.staff.record_text(iv)))]

    def new(self, user: User, chat: int) -> list[Action]:
        """/new: a surveyor's new interview, of the default form, or of the one chosen when several may be begun."""
        if not policy.may_start_survey(user):
            return [SendMessage(chat, t("tg.denied_new"))]
        return self._choice(user, chat) or self._begin(user, chat, None)

    def _choice(self, user: User, chat: int) -> list[Action]:
        """A button per form the role may begin (the form files' entry: menu), when there is more than one."""
        forms = self.core.service.registry.startable_forms(user.role)
        if len(forms) < 2:
            return []
        rows = tuple(((f.entry.menu[:60], buttons.START_FORM.data(f.key)),) for f in forms)
        return [SendMessage(chat, t("start.choose"), rows)]

    def chosen(self, user: User, chat: int, form_key: str) -> list[Action]:
        """A form's button from the choice: begin it, if the person's role may (the data come from the client)."""
        if form_key not in {f.key for f in self.core.service.registry.startable_forms(user.role)}:
            return [SendMessage(chat, t("start.stale"))]
        return self._begin(user, chat, form_key)

    def _begin(self, user: User, chat: int, form_key: str | None) -> list[Action]:
        if not policy.may_start_survey(user):  # a worker's own record
            return self.core.show(chat, self.core.service.start_interview(user=user, kind="self", form_key=form_key))
        reply = self.core.service.start_interview(user=user, kind="survey", form_key=form_key)
        return [SendMessage(chat, t("tg.new_started", id=reply.interview_id))] + self.core.show(chat, reply)

    def list(self, user: User, chat: int) -> list[Action]:
        """/drafts: the open interviews, the active one marked; a button opens one."""
        with self.core.service.session() as s:
            drafts = repo.open_drafts(s, user_id=user.id or 0)[:20]
        if not drafts:
            return [SendMessage(chat, no_active_text(user))]
        rows = []
        for iv in drafts:
            mark = "▶ " if iv.id == user.active_interview_id else ""
            label = t("tg.drafts_item", mark=mark, id=iv.id, name=iv.worker_name or t("tg.unnamed"),
                      status=status_text(iv.status), at=f"{iv.updated_at.astimezone(self.core.tz):%m-%d %H:%M}")
            rows.append(((label[:60], buttons.OPEN.data(iv.id or 0)),))
        return [SendMessage(chat, t("tg.drafts_title", n=len(drafts)), tuple(rows))]
