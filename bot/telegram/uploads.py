"""Photos and documents sent as 附件 (checked, downloaded, stored with their checksum, then answered), or as an
ID card at 姓名 / 身份证号 (read by bot/ocr.py, kept as a 身份证 attachment only if the person agrees); shared contacts at 手机号码; a short reply
and the question again for what the bot cannot read."""

from __future__ import annotations

import asyncio
import inspect
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.ocr import card_meta_async
from bot.service import Reply, can_open
from bot.telegram.actions import Action, BotIO, EditMessage, Incoming, SendMessage
from bot.telegram.delivery import with_retries
from bot.telegram.desk import DeskContext
from bot.telegram.files import MAX_DOWNLOAD, AttachmentStore, display_name
from flows.catalog import t
from flows.outputs import Answered, Ask, Input, Notice
from flows.policy import answers_for_self, engine_role
from flows.sent_files import asked_type
from storage import repo
from storage.models import Interview, User

log = logging.getLogger(__name__)
ALBUMS_KEPT = 10_000  # chats whose album is remembered (in memory: a restart mid-album costs one extra reply)


def question_again(core: DeskContext, user: User, chat: int, iv: Interview | None) -> list[Action]:
    """The question the interview waits on, shown again (nothing without an open interview)."""
    if iv is None:
        return []
    return core.show(chat, core.service.handle(user=user, interview_id=iv.id or 0, inp=Input("start")))


class UploadDesk:
    """Files a person sends: only where the active interview waits on a 附件 file, at most MAX_DOWNLOAD."""

    def __init__(self, core: DeskContext, store: AttachmentStore) -> None:
        self.core, self.store = core, store
        self._cards: set[int] = set()  # updates whose photo is an ID card to read (decided by _target)
        self._albums: dict[int, tuple[str, int]] = {}  # chat -> (the album being received, its photos so far)

    def _target(self, inc: Incoming) -> tuple[User, int | None, list[Action]]:
        """Where a photo or document goes: the active interview when it waits on a 附件 file."""
        user = self.core.user(inc)
        chat = inc.chat_id or 0
        iv = self.core.active_interview(user)
        still_open = iv is not None and can_open(user, iv) and iv.status in repo.OPEN_STATUSES

        def not_now() -> list[Action]:
            return self.core.once(inc, lambda: [SendMessage(chat, t("media.file_not_now"))] +
                                  question_again(self.core, user, chat, iv if still_open else None))

        if iv is None or not still_open:
            return user, None, not_now()
        if not self._awaits_file(user, iv):
            if not self.core.service.awaits_card(user, iv):
                return user, None, not_now()
            self._cards.add(inc.update_id)  # an ID card photo at 姓名 / 身份证号: read, not stored
        assert inc.file is not None
        if inc.file.size > MAX_DOWNLOAD:
            return user, None, self.core.once(inc, lambda: [SendMessage(chat, t("tg.file_too_big", mb=MAX_DOWNLOAD >> 20))])
        return user, iv.id, []

    def _awaits_file(self, user: User, iv: Interview) -> bool:
        return self.core.service.awaits_file(user, iv)

    async def receive(self, inc: Incoming, io: BotIO) -> list[Action]:
        """Download a photo or document, store it, and give it to the engine as the answer it waits for."""
        user, interview_id, refusal = await asyncio.to_thread(self._target, inc)
        is_card = inc.update_id in self._cards
        self._cards.discard(inc.update_id)
        if interview_id is None:
            return refusal
        if await asyncio.to_thread(self.core.seen, inc.update_id):
            return []
        info = inc.file
        assert info is not None
        try:
            data = await with_retries(lambda: io.download(info.file_id), what="download")
        except Exception as exc:  # not claimed: a redelivery can try again
            log.warning("update %s: download failed: %s", inc.update_id, type(exc).__name__)
            return [SendMessage(inc.chat_id or 0, t("tg.file_failed"))]
        if is_card:
            return await self._card(inc, io, user, interview_id, data)
        name = display_name(info, inc.text or "", self.core.service.registry.clock())
        where = {"interview_id": interview_id, "data": data, "info": info, "name": name}
        fresh = not self.store.target(**where).exists()
        meta = await asyncio.to_thread(self.store.save, **where)
        try:
            actions = await asyncio.to_thread(self.core.apply, inc, user, inc.chat_id or 0, interview_id,
                                              Input("file", file=meta), meta)
        except BaseException:  # not recorded: a file no answer refers to is not left on disk
            if fresh:
                Path(meta["path"]).unlink(missing_ok=True)
            raise
        return await asyncio.to_thread(self._album, inc, interview_id, meta, actions)

    def _album(self, inc: Incoming, interview_id: int, meta: dict[str, Any], actions: list[Action]) -> list[Action]:
        """An album's photos after its first: one edit of the question message, not a reply per photo.

        Telegram sends an album as one update per photo (same media_group_id) and never says which is the last.
        The first photo is answered as any file; each later one is stored the same way, and its reply (the
        question again, edited in place for the new step's buttons, plus "已收到第 n 个附件") becomes that
        edit alone, opened by one line counting the album's photos: no message per photo, the chat still ends
        on the question. Anything else (a refusal, a new question) is left as it is."""
        chat, group = inc.chat_id or 0, inc.media_group_id
        seen = self._albums.pop(chat, None)
        if group is None:
            return actions
        count = seen[1] + 1 if seen is not None and seen[0] == group else 1
        self._albums[chat] = (group, count)
        while len(self._albums) > ALBUMS_KEPT:
            self._albums.pop(next(iter(self._albums)))
        edits = [a for a in actions if isinstance(a, EditMessage) and a.text is not None]
        notes = [a for a in actions if isinstance(a, SendMessage) and not a.buttons and a.live is None]
        position = self._position(interview_id, meta)
        if count == 1 or len(edits) != 1 or len(edits) + len(notes) != len(actions) or position is None:
            return actions
        (edit,) = edits
        line = t("media.album_added", n=count, first=position - count + 1, last=position)
        return [replace(edit, text=f"{line}\n\n{edit.text}")]

    def _position(self, interview_id: int, meta: dict[str, Any]) -> int | None:
        """Which attachment (1, 2 …) holds the file just stored, as the interview now records it."""
        iv = self.core.service.interview(interview_id)
        for value in (iv.state.get("answers") or {}).values() if iv is not None else ():
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, dict) and (item.get("file") or {}).get("path") == meta.get("path"):
                        return i + 1
        return None


    async def _card(self, inc: Incoming, io: BotIO, user: User, interview_id: int, data: bytes) -> list[Action]:
        """An ID card photo at 姓名 / 身份证号: read in memory, offered field by field. When something was read,
        the photo waits in the attachments folder (same permissions) until the person says whether to keep
        it as a 身份证 attachment (flows.card_photo); otherwise, or when declined, it is deleted."""
        info = inc.file
        assert info is not None
        try:  # so the person knows something happens while the card is read (a few seconds the first time)
            await io.perform(SendMessage(inc.chat_id or 0, t("ocr.reading")))
        except Exception as exc:  # the reading goes on without it
            log.info("update %s: reading notice not sent: %s", inc.update_id, type(exc).__name__)
        card = await card_meta_async(data, self.core.service.registry.today())
        photo: dict[str, Any] | None = None
        fresh = False
        if card["card"].get("values"):
            where = {"interview_id": interview_id, "data": data, "info": info,
                     "name": display_name(info, inc.text or "", self.core.service.registry.clock())}
            fresh = not self.store.target(**where).exists()  # an earlier attachment may hold these very bytes
            photo = await asyncio.to_thread(self.store.save, **where)
        try:
            return await asyncio.to_thread(self.core.apply, inc, user, inc.chat_id or 0, interview_id,
                                           Input("file", file=dict(card, photo=photo)))
        except BaseException:  # not recorded: the photo no answer refers to is not left on disk
            if photo is not None and fresh:
                Path(photo["path"]).unlink(missing_ok=True)
            raise


class MediaDesk:
    """What is not text, a button or a file: a shared contact at 手机号码, and what the bot cannot read.

    Either way the person gets a short reply and then the question again, so the chat never ends on
    a message that asks nothing.
    """

    def __init__(self, core: Any) -> None:
        self.core = core
        self._phones: tuple[Any, frozenset[str]] | None = None  # (the registry, its phone fields' keys)

    def _open(self, user: User) -> Interview | None:
        iv = self.core.active_interview(user)
        if iv is None or not can_open(user, iv) or iv.status not in repo.OPEN_STATUSES:
            return None
        return iv

    def asked_type(self, user: User, iv: Interview) -> str | None:
        """The type of the question ``iv`` waits on, as ``user`` sees it."""
        state = dict(iv.state)
        state["role"] = engine_role(user, iv)
        return asked_type(self.core.service.registry.form(iv.form_key), state, self.core.service.registry.context())

    def refuse(self, inc: Incoming, user: User, chat: int, key: str) -> Any:
        """A short reply, then the question again (claimed once: a redelivery sends neither twice)."""
        return self.core._once(inc, lambda: [SendMessage(chat, t(key))] +
                               question_again(self.core, user, chat, self._open(user)))

    def contact(self, inc: Incoming, user: User, chat: int, active: Any) -> Any:
        """A shared contact: the answer at 手机号码 (checked as a mobile number), else a short reply."""
        shared = inc.contact
        assert shared is not None
        iv = self._open(user)
        if iv is None or self.asked_type(user, iv) != "phone":
            return self.refuse(inc, user, chat, "media.contact_not_now")
        own = shared.user_id == inc.user_id
        if answers_for_self(user) and not own:  # a worker's record holds the worker's own number
            return self.refuse(inc, user, chat, "media.contact_not_own")
        whose = [] if own else [SendMessage(chat, t("media.contact_of", name=shared.name or shared.phone[-4:]))]

        def then(outcome: Any) -> Any:
            decided = self.core._answered(inc, user, chat, outcome)
            if not whose or not isinstance(outcome, Reply) or \
                    any(isinstance(o, Notice) and o.level == "error" for o in outcome.outputs):
                return decided
            return _prefixed(whose, decided)

        return self.core._advance(inc, user, iv.id or 0, Input("text", text=shared.phone), active, then)

    def contact_button(self, chat: int, user: User, reply: Reply, shown: list[Action]) -> list[Action]:
        """``shown`` with Telegram's request_contact button under a worker's own 手机号码 question, and, once that
        question is answered (typed, shared or skipped), a short line before the next question that takes the
        button off the screen: the next question carries inline buttons, and one message cannot carry both."""
        if not answers_for_self(user):
            return shown
        phone = self._phone_paths()
        if any(isinstance(o, Ask) and o.path in phone for o in reply.outputs):
            return shown + [SendMessage(chat, t("media.contact_hint"), contact_button=t("media.contact_button"))]
        if not any(isinstance(o, Answered) and o.path in phone for o in reply.outputs):
            return shown
        removal = SendMessage(chat, t("media.contact_done"), remove_keyboard=True)
        live = next((i for i in range(len(shown) - 1, -1, -1)
                     if isinstance(shown[i], SendMessage) and shown[i].live is not None), len(shown))  # type: ignore[union-attr]
        return shown[:live] + [removal] + shown[live:]

    def _phone_paths(self) -> frozenset[str]:
        """The keys of every form's phone fields, found once per registry (forms are fixed once loaded):
        walking every form's fields at each of a worker's answers was ~1.5 % of an answer's time."""
        registry = self.core.service.registry
        if self._phones is None or self._phones[0] is not registry:
            self._phones = (registry, frozenset(f.key for form in registry.forms.values()
                                                for _, f in form.all_fields() if f.type == "phone"))
        return self._phones[1]


def _prefixed(first: list[Action], decided: Any) -> Any:
    """``first`` before the actions of a decision made now or later."""
    if inspect.isawaitable(decided):
        async def later() -> list[Action]:
            return first + await decided
        return later()
    return first + decided
