"""Photos and documents sent as 附件 (checked, downloaded, stored with their checksum, then answered), or as an
ID card at 姓名 / 身份证号 (read in memory by bot/ocr.py, never stored)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from bot.ocr import card_meta_async
from bot.service import can_open
from bot.telegram.actions import Action, BotIO, Incoming, SendMessage
from bot.telegram.delivery import with_retries
from bot.telegram.desk import DeskContext
from bot.telegram.files import MAX_DOWNLOAD, AttachmentStore, display_name
from flows.catalog import t
from flows.outputs import Input
from storage import repo
from storage.models import Interview, User

log = logging.getLogger(__name__)


class UploadDesk:
    """Files a person sends: only where the active interview waits on a 附件 file, at most MAX_DOWNLOAD."""

    def __init__(self, core: DeskContext, store: AttachmentStore) -> None:
        self.core, self.store = core, store
        self._cards: set[int] = set()  # updates whose photo is an ID card to read (decided by _target)

    def _target(self, inc: Incoming) -> tuple[User, int | None, list[Action]]:
        """Where a photo or document goes: the active interview when it waits on a 附件 file."""
        user = self.core.user(inc)
        chat = inc.chat_id or 0
        iv = self.core.active_interview(user)
        if iv is None or not can_open(user, iv) or iv.status not in repo.OPEN_STATUSES:
            return user, None, self.core.once(inc, lambda: [SendMessage(chat, t("tg.file_not_expected"))])
        if not self._awaits_file(user, iv):
            if not self.core.service.awaits_card(user, iv):
                return user, None, self.core.once(inc, lambda: [SendMessage(chat, t("tg.file_not_expected"))])
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
        if is_card:  # an ID card photo at 姓名 / 身份证号: read in memory, offered field by field, the photo not kept
            card = await card_meta_async(data, self.core.service.registry.today())
            return await asyncio.to_thread(self.core.apply, inc, user, inc.chat_id or 0, interview_id,
                                           Input("file", file=card))
        name = display_name(info, inc.text or "", self.core.service.registry.clock())
        where = {"interview_id": interview_id, "data": data, "info": info, "name": name}
        fresh = not self.store.target(**where).exists()
        meta = await asyncio.to_thread(self.store.save, **where)
        try:
            return await asyncio.to_thread(self.core.apply, inc, user, inc.chat_id or 0, interview_id,
                                           Input("file", file=meta), meta)
        except BaseException:  # not recorded: a file no answer refers to is not left on disk
            if fresh:
                Path(meta["path"]).unlink(missing_ok=True)
            raise

