"""NUL never reaches the database (PostgreSQL refuses it on every later update); a refused file is removed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace as NS
from typing import Any

import pytest

from bot.telegram.actions import FileInfo, Incoming, incoming_from
from bot.telegram.files import AttachmentStore
from bot.telegram.uploads import UploadDesk


def _update(**message: Any) -> NS:
    user = NS(id=5, first_name="王\x00建国", last_name="\x00")
    base = dict(from_user=user, photo=None, document=None, text=None, caption=None, reply_to_message=None,
                chat=NS(id=5, type="private"))
    return NS(update_id=1, message=NS(**{**base, **message}), callback_query=None)


def test_nul_is_dropped_from_names_texts_and_file_names() -> None:
    doc = NS(file_id="f", file_unique_id="u", file_name="票据\x00.pdf", mime_type="application/pdf\x00", file_size=3)
    inc = incoming_from(_update(document=doc, caption="住院\x00票据"))
    assert inc is not None and inc.file is not None
    assert (inc.first_name, inc.last_name, inc.text) == ("王建国", "", "住院票据")
    assert (inc.file.name, inc.file.mime) == ("票据.pdf", "application/pdf")
    assert "\x00" not in repr(incoming_from(_update(text="/start\x00")))


def test_callback_data_and_names_lose_nul_too() -> None:
    cq = NS(id="c", data="x:\x001", from_user=NS(id=5, first_name="\x00李", last_name=None),
            message=NS(chat=NS(id=5, type="private"), message_id=9))
    inc = incoming_from(NS(update_id=2, message=None, callback_query=cq))
    assert inc is not None and (inc.first_name, inc.callback_data) == ("李", "x:1")


class _Core:
    """A desk context whose apply fails the way a database refusal does."""

    def __init__(self) -> None:
        self.service = NS(registry=NS(clock=lambda: __import__("datetime").datetime(2026, 12, 1)))

    def seen(self, update_id: int) -> bool:
        return False

    def apply(self, *args: Any) -> list[Any]:
        raise RuntimeError("DataError: invalid byte sequence")


class _IO:
    async def download(self, file_id: str) -> bytes:
        return b"%PDF-1.4 receipt"


def test_a_file_the_database_refused_is_not_left_on_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = AttachmentStore(tmp_path / "attachments")
    desk = UploadDesk(_Core(), store)  # type: ignore[arg-type]
    monkeypatch.setattr(desk, "_target", lambda inc: (NS(id=1), 42, []))
    info = FileInfo("f", "u", "document", "票据.pdf", "application/pdf", 16)
    inc = Incoming(update_id=3, user_id=5, chat_id=5, file=info)
    with pytest.raises(RuntimeError):
        asyncio.run(desk.receive(inc, _IO()))  # type: ignore[arg-type]
    assert [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()] == []


def test_a_file_already_stored_for_an_answer_stays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = AttachmentStore(tmp_path / "attachments")
    info = FileInfo("f", "u", "document", "票据.pdf", "application/pdf", 16)
    kept = Path(store.save(interview_id=42, data=b"%PDF-1.4 receipt", info=info, name="票据.pdf")["path"])
    desk = UploadDesk(_Core(), store)  # type: ignore[arg-type]
    monkeypatch.setattr(desk, "_target", lambda inc: (NS(id=1), 42, []))
    with pytest.raises(RuntimeError):
        asyncio.run(desk.receive(Incoming(update_id=4, user_id=5, chat_id=5, file=info), _IO()))  # type: ignore[arg-type]
    assert kept.exists()
