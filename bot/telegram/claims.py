"""Update claims and the "saving is delayed" notice of BotCore: writes kept off the event loop.

On SQLite the bot decides on the event loop's thread (a read is faster than a thread hop); every
write it then needs goes to the group commit's writer thread, so a database locked by another
process holds up only the people whose writes wait, never /help or anyone's reads. That covers
the person's own row (a new or renamed person is decided on the writer thread), the switch of
their active interview after a step, and a read of a person whose earlier update is decided and
waits only for its write (UserLocks.parked): it does not queue behind it. Audited looks at records
(CARD, JOURNAL, REVIEW) are not READ_BUTTONS: the audit row is written before they are shown.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Awaitable, Callable, Union

from bot.service import IntakeService, PersonNeedsWrite
from bot.telegram import buttons
from bot.telegram.actions import Action, BotIO, Incoming, SendMessage
from bot.telegram.delivery import with_retries
from flows.catalog import t
from storage import repo
from storage.commit import GroupCommit
from storage.models import ProcessedUpdate, User

log = logging.getLogger("bot.telegram.core")
SAVING_NOTICE_AFTER = 3.0  # seconds an update may wait for the database before the person is told
Decision = Union[list[Action], Awaitable[list[Action]]]  # actions now, or once the answer's commit returns
READ_COMMANDS = ("help", "drafts")  # commands that only read: answered even while the database is locked
# Desk buttons that only read. (CARD, JOURNAL and REVIEW read too, but a look at someone's personal
# data is audited before it is shown: that write waits for a locked database, in a thread, for that
# person only; on the event loop it stopped every update for the busy timeout.)
READ_BUTTONS = (buttons.VIEW_OWN, buttons.EXPORT_KIND)


class Claims:
    """At-most-once handling of updates and the notice for a person whose write waits (a BotCore part)."""

    service: IntakeService
    commits: GroupCommit | None  # SQLite's group commit and writer thread (None: PostgreSQL, all in threads)
    _notices: set[asyncio.Task[None]]
    _decide: Callable[..., Decision]  # BotCore's decision for one update
    set_active: Callable[[User, int], None]

    def claim(self, inc: Incoming) -> bool:
        """Mark a non-answer update applied before acting on it (False: it was already)."""
        with self.service.session() as s:
            return repo.claim_update(s, update_id=inc.update_id)

    def seen(self, update_id: int) -> bool:
        """True when this update was applied before."""
        with self.service.session() as s:
            return s.get(ProcessedUpdate, update_id) is not None

    def once(self, inc: Incoming, act: Callable[[], list[Action]]) -> list[Action]:
        """Claim the update first (at most once), then act (off the event loop: the claim writes)."""
        return act() if self.claim(inc) else []

    def _once(self, inc: Incoming, act: Callable[[], list[Action]], *, reads: bool = False) -> Decision:
        """once() for decisions made on the event loop (SQLite): the claim is written on the writer thread.

        ``reads``: the action only reads (/help, a record card), so it is answered at once and its
        claim is written behind it; a redelivery seen before that claim is written is answered twice,
        which for a read is harmless. Any other action waits for its claim and then runs in a thread,
        so a locked database holds up this person only.
        """
        if self.commits is None:  # PostgreSQL: the whole decision already runs in a thread
            return self.once(inc, act)
        if reads:
            if self.seen(inc.update_id):
                return []
            self.commits.later(self.commits.claim, inc.update_id)
            return act()
        return self._claimed_then(self.commits, inc, act)

    async def _claimed_then(self, commits: GroupCommit, inc: Incoming, act: Callable[[], list[Action]]
                            ) -> list[Action]:
        """Claim, then act in a thread. The claim is written here at once when the write lock is free
        (one thread hop, not two, as the group commit does); else it waits on the writer thread."""
        fresh = None if commits.busy else commits.claim(inc.update_id, wait=False)
        if fresh is None:
            fresh = await commits.call(commits.claim, inc.update_id)
        if not fresh:
            return []
        return await asyncio.to_thread(act)

    def _decide_or_defer(self, inc: Incoming, *, fresh: bool = False) -> Decision:
        """_decide on the event loop (SQLite); a person who must be created or renamed first is decided on
        the writer thread instead, so a locked database holds up that person only, never the loop."""
        try:
            return self._decide(inc, fresh=fresh)
        except PersonNeedsWrite:
            return self._decided_on_writer(inc, fresh)

    async def _decided_on_writer(self, inc: Incoming, fresh: bool) -> list[Action]:
        assert self.commits is not None
        decided = await self.commits.call(lambda: self._decide(inc, fresh=fresh))
        return await decided if inspect.isawaitable(decided) else decided

    @staticmethod
    def _reads_only(inc: Incoming) -> bool:
        """An update that only reads (READ_COMMANDS, READ_BUTTONS), told from the update alone."""
        if inc.file is not None or inc.contact is not None:
            return False
        if inc.callback_data is not None:
            if not buttons.is_desk(inc.callback_data):
                return False
            pressed = buttons.parse(inc.callback_data)
            return pressed is not None and pressed.button in READ_BUTTONS
        text = (inc.text or "").strip()
        if not text.startswith("/") or inc.reply_to_id is not None or inc.reply_to_text is not None:
            return False
        return text[1:].partition(" ")[0].split("@", 1)[0].lower() in READ_COMMANDS

    def _switched_then(self, user: User, interview_id: int, then: Callable[[], list[Action]]) -> Decision:
        """Make the interview the active one, then ``then()``: on the event loop (SQLite) the write goes to
        the writer thread, so a database locked by another process holds up this person only."""
        if user.active_interview_id == interview_id or self.commits is None or not on_event_loop():
            self.set_active(user, interview_id)
            return then()
        return self._switch_on_writer(self.commits, user, interview_id, then)

    async def _switch_on_writer(self, commits: GroupCommit, user: User, interview_id: int,
                                then: Callable[[], list[Action]]) -> list[Action]:
        await commits.call(self.set_active, user, interview_id)
        return then()

    async def _telling_when_slow(self, work: Awaitable[list[Action]], inc: Incoming, io: BotIO) -> list[Action]:
        """The update's actions; when the database keeps it waiting, the person is told saving is delayed.

        Only this person's update waits (the commit runs on the writer thread, the event loop goes on);
        what they sent is kept and answered once it is written. (A timer, not a task per update: cheap.)
        """
        if inc.chat_type != "private" or inc.chat_id is None:
            return await work
        loop = asyncio.get_running_loop()
        timer = loop.call_later(SAVING_NOTICE_AFTER, self._spawn_notice, inc, io)
        try:
            return await work
        finally:
            timer.cancel()

    def _spawn_notice(self, inc: Incoming, io: BotIO) -> None:
        task = asyncio.get_running_loop().create_task(self._tell_saving(inc, io))
        self._notices.add(task)  # held until done (the loop keeps only a weak reference)
        task.add_done_callback(self._notices.discard)

    async def _tell_saving(self, inc: Incoming, io: BotIO) -> None:
        log.warning("update %s from user %s waits for the database; the person is told", inc.update_id, inc.user_id)
        try:
            await with_retries(lambda: io.perform(SendMessage(inc.chat_id or 0, t("tg.saving_delayed"))),
                               what="SendMessage")
        except Exception as exc:  # the answer still comes; only the notice was lost
            log.warning("update %s: saving notice not delivered: %s", inc.update_id, type(exc).__name__)


def on_event_loop() -> bool:
    """True on the event loop's thread (the writer thread and worker threads run no loop)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
