"""A tidy chat: each chat has one live question message; an answered question becomes its one-line record.

When the engine reports an answer (``flows.outputs.Answered``), the message that showed the question
is edited into "✔ 民族：汉族" with its keyboard removed, and the next question is sent: the chat reads
like the filled form. A refused answer gets a brief reply (the error, with its example) and the same
question message stays the live one: it is edited in place, since its buttons carry the new step's
number. Anything else that moves on (返回, a group menu, a review) takes the keyboard off the old
message, so no old keyboard stays live.

The live message's id is kept per chat in the database (``storage.pending``: one row per chat), so a
restart loses nothing. With one process on SQLite (``write_behind``) the rows are kept in memory, exact
since no other process writes them, and written in batches (at most a second late, and at shutdown):
a write of its own after every answer cost more than the answer (468 → 1,178 answers/s in the bench).
A row lost in a crash only means the next question is sent anew instead of editing the old one. Telegram lets a bot edit its own messages for 48 hours: an older live message
is left as it is and the question is sent anew.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import replace
from datetime import datetime, timedelta, timezone

from bot.render import Message, record_of, render
from bot.service import IntakeService, Reply
from bot.telegram.actions import Action, EditMessage, Live, SendMessage, bind
from flows.outputs import Answered, Ask, Menu, Notice, Output, Review
from storage.live_rows import LiveRow, LiveRows
from storage.models import utcnow

EDITABLE_FOR = timedelta(hours=47)  # Telegram: 48 h; an hour's margin for clocks and queued updates
FLUSH_EVERY = 1.0  # seconds: how late a kept row may reach the database (write_behind)
MEMO_SIZE = 10_000  # chats whose live row is kept in memory (write_behind); the oldest clean ones go first


def prompt_key(outputs: list[Output]) -> str:
    """Which prompt the outputs end on ("ask:phone", "menu:members", "review"); "" when none."""
    for o in reversed(outputs):
        if isinstance(o, Ask):
            return f"ask:{o.path}"
        if isinstance(o, Menu):
            return f"menu:{o.key}"
        if isinstance(o, Review):
            return "review"
    return ""


class LiveQuestions:
    """Turns an engine reply into sends and edits around the chat's live question message."""

    def __init__(self, service: IntakeService, *, write_behind: bool = False) -> None:
        self.service = service
        self.write_behind = write_behind  # one process on SQLite: rows kept in memory, written in batches
        self.rows = LiveRows(service.steps)  # precompiled statements, no ORM objects (storage.live_rows)
        self._memo: OrderedDict[int, LiveRow | None] = OrderedDict()
        self._dirty: dict[int, LiveRow | None] = {}
        self._lock = threading.Lock()  # tidy runs on worker threads, keep on the event loop
        self._flushing = threading.Lock()  # batches reach the database in the order they were taken
        self._flushed = time.monotonic()

    def current(self, chat: int) -> LiveRow | None:
        """The chat's live question message while it may still be edited (older: forgotten)."""
        with self._lock:
            known = self.write_behind and chat in self._memo
            row = self._memo.get(chat) if known else None
        if not known:
            row = self.rows.get(chat)
            self._remember(chat, row, dirty=False)
        if row is not None and utcnow() - _aware(row.created_at) > EDITABLE_FOR:
            self.forget(chat)
            return None
        return row

    def forget(self, chat: int) -> None:
        """The live message was edited for good (its record) or lost its keyboard."""
        if self.write_behind:
            self._remember(chat, None, dirty=True)
            return
        self.rows.drop(chat)

    def keep(self, chat: int, live: Live, message_id: int) -> None:
        """A question message was sent: it is the chat's live one now."""
        row = LiveRow(chat_id=chat, user_id=live.user_id, interview_id=live.interview_id, message_id=message_id,
                      payload={"key": live.key}, created_at=utcnow())
        if self.write_behind:
            self._remember(chat, row, dirty=True)
            return
        self.rows.set(row)

    def due(self) -> bool:
        """Rows wait to be written and the last batch is a second old (write_behind)."""
        return bool(self._dirty) and time.monotonic() - self._flushed >= FLUSH_EVERY

    def flush(self) -> None:
        """Write the rows kept since the last batch, in one transaction (on the writer thread, or at shutdown)."""
        with self._flushing:
            with self._lock:
                batch, self._dirty = self._dirty, {}
                self._flushed = time.monotonic()
            if batch:
                self.rows.replace(batch)

    def _remember(self, chat: int, row: LiveRow | None, *, dirty: bool) -> None:
        if not self.write_behind:
            return
        with self._lock:
            self._memo[chat] = row
            self._memo.move_to_end(chat)
            if dirty:
                self._dirty[chat] = row
            while len(self._memo) > MEMO_SIZE:
                oldest = next(iter(self._memo))
                if oldest in self._dirty:  # not written yet: keep it (it goes with the next batch)
                    break
                self._memo.popitem(last=False)

    def tidy(self, chat: int, reply: Reply, *, fresh: bool, pressed: int | None = None,
             in_place: bool = False) -> list[Action]:
        """The actions for ``reply``: edits of the live message, then what is sent.

        ``fresh``: the question is shown anew (an interview opened), never edited in place;
        ``pressed``: the message whose button was pressed (``in_place``: a toggle or a page of it).
        """
        outputs = list(reply.outputs)
        key = prompt_key(outputs)
        record = record_of(outputs)
        row = self.current(chat)
        live_id = row.message_id if row is not None else None
        ours = row is not None and row.interview_id == reply.interview_id  # (not another draft's question)
        same = ours and row is not None and (row.payload or {}).get("key") == key
        out: list[Action] = []
        if pressed is not None and pressed != live_id:  # a button of a message not recorded as live
            if live_id is not None:
                out.append(EditMessage(chat, live_id, None, ()))
            live_id, same, ours = pressed, in_place, True
        if live_id is not None and not fresh and not record and same and key:
            edited = self._again(chat, reply, outputs, live_id)
            if edited is not None:
                return out + edited
        sends = self._sends(chat, reply, render(outputs), key)
        if live_id is not None:
            out.append(EditMessage(chat, live_id, record if ours else None, ()))  # its record, or no keyboard
            if row is not None and not any(isinstance(a, SendMessage) and a.live for a in sends):
                self.forget(chat)  # (a new live question replaces the row when it is sent)
        return out + sends

    def _again(self, chat: int, reply: Reply, outputs: list[Output], live_id: int) -> list[Action] | None:
        """The same question again: the notices as a brief reply, the question message edited in place."""
        prompt = render([o for o in outputs if not isinstance(o, (Notice, Answered))])
        if len(prompt) != 1:
            return None
        (edit,) = bind(prompt, chat, reply.interview_id)
        assert isinstance(edit, SendMessage)
        notes = render([o for o in outputs if isinstance(o, Notice)])
        return [EditMessage(chat, live_id, edit.text, edit.buttons)] + bind(notes, chat, None)

    def _sends(self, chat: int, reply: Reply, messages: list[Message], key: str) -> list[Action]:
        sends = bind(messages, chat, reply.interview_id)
        if key and reply.interview_id is not None:
            for i in range(len(sends) - 1, -1, -1):
                send = sends[i]
                if isinstance(send, SendMessage) and send.buttons:  # the prompt: the message with its keyboard
                    sends[i] = replace(send, live=Live(reply.interview_id, key))
                    break
        return sends


def _aware(moment: datetime) -> datetime:
    """created_at as stored: SQLite gives it back without its zone (it was written in UTC)."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
