"""Waiting out a database outage (a restart, a failover): an update is tried again, and a reply lost with the
connection is made good. A mixin of BotCore, which supplies ``process``, ``user``, ``active_interview`` and
``open_interview``."""

from __future__ import annotations

import asyncio
import logging
import traceback
from typing import Any

from bot.service import can_open
from bot.telegram.actions import Action, AnswerCallback, BotIO, Incoming, SendMessage
from flows.catalog import t
from storage import repo
from storage.steps import describe, unreachable

log = logging.getLogger("bot.telegram.core")  # one logger for the core's story of an update

DB_RETRY_WAITS = (0.5, 1.0, 2.0, 4.0, 8.0)  # seconds; an update waits up to ~15 s for the database to return


class Patience:
    """Retry an update while the database is unreachable; never crash on one that fails."""

    process: Any
    user: Any
    active_interview: Any
    open_interview: Any

    async def _process_patiently(self, inc: Incoming, io: BotIO) -> list[Action]:
        """Process the update; while the database is unreachable (a restart, a failover) wait and try again.

        Trying again is safe: whatever an update writes carries its update id, so a try that did
        commit is not applied twice. The person's later updates wait behind it (their lock is held).
        """
        waited = False
        for wait in (*DB_RETRY_WAITS, None):
            try:
                actions = await self.process(inc, io)
                if waited and not [a for a in actions if not isinstance(a, AnswerCallback)]:
                    # the failed try had got as far as writing (a redelivery is refused, a button's press is only
                    # acknowledged): its reply was lost, so say it was kept and show the question again
                    return await asyncio.to_thread(self._after_outage, inc)
                return actions
            except Exception as exc:  # bad input never crashes the bot; the person hears about it
                if wait is not None and unreachable(exc):
                    log.warning("update %s from user %s: database unavailable (%s); trying again in %.1f s",
                                inc.update_id, inc.user_id, describe(exc), wait)
                    waited = True
                    await asyncio.sleep(wait)
                    continue
                # Frames only: an exception's message can carry answers (SQL parameters, the state).
                log.error("update %s from user %s failed: %s\n%s", inc.update_id, inc.user_id,
                          describe(exc), "".join(traceback.format_tb(exc.__traceback__)))
                return self._oops(inc)
        raise AssertionError("unreachable")  # pragma: no cover - the last wait is None

    def _after_outage(self, inc: Incoming) -> list[Action]:
        """A try wrote the update and then lost the database: say it was kept and show where the person is."""
        out: list[Action] = [AnswerCallback(inc.callback_id)] if inc.callback_id else []
        if inc.chat_type != "private" or inc.chat_id is None:
            return out
        user = self.user(inc)
        iv = self.active_interview(user)
        if iv is not None and iv.status in repo.OPEN_STATUSES and can_open(user, iv):
            return out + [SendMessage(inc.chat_id, t("tg.kept_after_outage"))] + \
                self.open_interview(inc.chat_id, user, iv.id or 0)
        return out + [SendMessage(inc.chat_id, t("tg.done_after_outage"))]

    def _oops(self, inc: Incoming) -> list[Action]:
        out: list[Action] = []
        if inc.callback_id:
            out.append(AnswerCallback(inc.callback_id))
        if inc.chat_id is not None and inc.chat_type == "private":
            out.append(SendMessage(inc.chat_id, t("tg.error")))
        return out
