"""The review queue in the bot: /review as pages with 上一页/下一页, filters as buttons, bulk approval.

The queries are storage.queue's (scoped by flows.policy through storage visibility); the filter a
button carries is buttons.queue_word. Approving goes through storage.review.approve one record at a
time, so every approval is checked, journalled and audited as a single one is.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from bot.telegram import buttons
from bot.telegram.actions import Action, EditMessage, Incoming, Rows, SendMessage
from bot.telegram.desk import DeskContext
from flows import policy
from flows.categories import CATEGORIES
from flows.catalog import t
from storage import queue, review
from storage.models import User
from storage.queue import NO_CATEGORY, QueueFilter

log = logging.getLogger(__name__)
PICKS = ("category", "author", "days", "status")  # the filter parts chosen from a list (QUEUE_PICK's what)


class QueueDesk:
    """Lists, filters and bulk approval; every entry point checks the role on the server (storage.queue too)."""

    def __init__(self, core: DeskContext) -> None:
        self.core = core
        self.service = core.service

    def _now(self) -> datetime:
        return datetime.now(timezone.utc)

    # --- the list -------------------------------------------------------------------
    def describe(self, f: QueueFilter) -> str:
        """The filter's parts in words ("" for none)."""
        parts = []
        if f.category is not None:
            value = t("tg.review.no_category") if f.category == NO_CATEGORY else f.category
            parts.append(t("queue.part.category", value=value))
        if f.author_id is not None:
            with self.service.session() as s:
                author = s.get(User, f.author_id)
            parts.append(t("queue.part.author", value=(author.name if author else str(f.author_id))))
        if f.days:
            parts.append(t("queue.part.days", value=t(f"queue.days.{f.days}")))
        if f.warnings:
            parts.append(t("queue.part.warnings"))
        if f.overrides:
            parts.append(t("queue.part.overrides"))
        return t("queue.filters", parts="、".join(parts)) if parts else ""

    def listing(self, user: User, chat: int, f: QueueFilter, number: int = 0, *,
                edit: int | None = None) -> list[Action]:
        """One page of the queue: the true count, the records as buttons, paging, filters, bulk approval."""
        if not policy.is_staff(user):
            return [SendMessage(chat, t("tg.denied_staff"))]
        tz, now = self.service.registry.tz, self._now()
        with self.service.session() as s:
            total = queue.count(s, user=user, f=f, now=now, tz=tz)
            pages = max(1, -(-total // queue.PAGE_SIZE))
            number = min(max(number, 0), pages - 1)
            items = queue.page(s, user=user, f=f, number=number, now=now, tz=tz)
        word = buttons.queue_word(f)
        rows: list[tuple[tuple[str, str], ...]] = []
        for iv in items:
            marks = (t("queue.mark.warnings") if (iv.state or {}).get("checks") else "") + \
                    (t("queue.mark.override") if iv.override_category else "")
            label = t("queue.item", ref=iv.ref or iv.id, name=iv.worker_name or t("tg.unnamed"), marks=marks,
                      category=iv.override_category or iv.category or t("tg.review.no_category"))
            rows.append(((label[:60], buttons.REVIEW.data(iv.id or 0)),))
        nav = []
        if number > 0:
            nav.append((t("queue.prev"), buttons.QUEUE.data(word, number - 1)))
        if number < pages - 1:
            nav.append((t("queue.next"), buttons.QUEUE.data(word, number + 1)))
        if nav:
            rows.append(tuple(nav))
        rows += self._filter_rows(f)
        if f.status == "submitted" and total:
            rows.append(((t("queue.bulk", n=total), buttons.BULK.data(word)),))
        filters = self.describe(f)
        if total:
            text = t("queue.title", status=t(f"queue.status.{f.status}"), n=total, filters=filters,
                     page=number + 1, pages=pages)
        else:
            text = t("queue.none", filters=filters)
        if edit is not None:
            return [EditMessage(chat, edit, text, tuple(rows))]
        return [SendMessage(chat, text, tuple(rows))]

    def _filter_rows(self, f: QueueFilter) -> Rows:
        word = buttons.queue_word(f)

        def ticked(on: bool, key: str) -> str:
            return ("✓ " if on else "") + t(key)

        return (tuple((t(f"queue.pick.{what}"), buttons.QUEUE_PICK.data(word, what)) for what in PICKS[:3]),
                ((ticked(f.warnings, "queue.pick.warnings"), buttons.QUEUE.data(buttons.queue_word(
                    f.but(warnings=not f.warnings)), 0)),
                 (ticked(f.overrides, "queue.pick.overrides"), buttons.QUEUE.data(buttons.queue_word(
                     f.but(overrides=not f.overrides)), 0))),
                ((t("queue.pick.status"), buttons.QUEUE_PICK.data(word, "status")),
                 (t("queue.pick.clear"), buttons.QUEUE.data("-", 0))))

    def pick(self, user: User, chat: int, f: QueueFilter, what: str) -> list[Action]:
        """The choices for one part of the filter, each a button to the list filtered so."""
        if not policy.is_staff(user):
            return [SendMessage(chat, t("tg.denied_staff"))]
        any_button = (t("queue.pick.any"),)
        if what == "category":
            options = [(c, f.but(category=c)) for c in CATEGORIES]
            options += [(t("tg.review.no_category"), f.but(category=NO_CATEGORY)), (*any_button, f.but(category=None))]
        elif what == "author":
            with self.service.session() as s:
                found = queue.authors(s, user=user, f=f, now=self._now(), tz=self.service.registry.tz)
            options = [(t("queue.pick.author_item", name=u.name or str(u.id), n=n), f.but(author_id=u.id))
                       for u, n in found] + [(*any_button, f.but(author_id=None))]
        elif what == "days":
            options = [(t(f"queue.days.{d}"), f.but(days=d)) for d in (*queue.DAYS, -queue.DAYS[-1])]
            options.append((*any_button, f.but(days=None)))
        elif what == "status":
            options = [(t(f"queue.status.{st}").strip(), f.but(status=st)) for st in queue.STATUSES]
        else:
            return [SendMessage(chat, t("tg.stale_button"))]
        rows = tuple(((label[:60], buttons.QUEUE.data(buttons.queue_word(g), 0)),) for label, g in options)
        return [SendMessage(chat, t("queue.pick.choose", what=t(f"queue.pick.{what}")), rows)]

    # --- bulk approval ------------------------------------------------------------------
    def bulk_ask(self, user: User, chat: int, f: QueueFilter) -> list[Action]:
        """One confirmation that names how many records the approval takes."""
        if not policy.is_staff(user):
            return [SendMessage(chat, t("tg.denied_staff"))]
        if not user.registered_name:
            return [SendMessage(chat, t("queue.bulk_need_name"))]
        with self.service.session() as s:
            chosen = queue.selection(s, user=user, f=f, now=self._now(), tz=self.service.registry.tz)
        filters = self.describe(f)
        if not chosen:
            return [SendMessage(chat, t("queue.bulk_none", filters=filters))]
        word = buttons.queue_word(f)
        rows = (((t("queue.bulk_button", n=len(chosen)), buttons.BULK_YES.data(word, len(chosen))),
                 (t("queue.cancel_button"), buttons.QUEUE.data(word, 0))),)
        return [SendMessage(chat, t("queue.bulk_confirm", n=len(chosen), filters=filters,
                                    name=user.registered_name), rows)]

    def bulk_do(self, inc: Incoming, user: User, chat: int, f: QueueFilter, confirmed: int) -> list[Action]:
        """Approve the selection confirmed, if it is still the same size; each record on its own."""
        if not policy.is_staff(user):
            return [SendMessage(chat, t("tg.denied_staff"))]
        if not user.registered_name:
            return [SendMessage(chat, t("queue.bulk_need_name"))]
        unbutton: list[Action] = [EditMessage(chat, inc.message_id, None, ())] if inc.message_id else []
        with self.service.session() as s:
            chosen = queue.selection(s, user=user, f=f, now=self._now(), tz=self.service.registry.tz)
        if len(chosen) != confirmed:
            return unbutton + [SendMessage(chat, t("queue.bulk_changed", was=confirmed, now=len(chosen)))] + \
                self.bulk_ask(user, chat, f)
        done, skipped = [], []
        for iv in chosen:
            with self.service.session() as s:
                try:
                    review.approve(s, interview_id=iv.id or 0, reviewer=user, name=user.registered_name)
                    done.append(iv)
                except (review.ReviewError, policy.AccessDenied):
                    skipped.append(iv)
        log.info("%s interviews approved in bulk by user %s (%s skipped)", len(done), user.id, len(skipped))
        out: list[Action] = [SendMessage(chat, t("queue.bulk_done", n=len(done), name=user.registered_name))]
        if skipped:
            out.append(SendMessage(chat, t("queue.bulk_skipped", n=len(skipped),
                                           refs="、".join(str(iv.ref or iv.id) for iv in skipped[:20]))))
        with self.service.session() as s:
            for iv in done:
                author = s.get(User, iv.created_by)
                if author is not None and author.tg_id and author.id != user.id:
                    out.append(SendMessage(author.tg_id, t("tg.review.approved_notice", ref=iv.ref or iv.id)))
        return unbutton + out
