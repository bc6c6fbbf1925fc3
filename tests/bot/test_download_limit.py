"""The 20 MB limit counts the bytes themselves: an update whose file_size is absent or lies is stopped."""

from __future__ import annotations

from pathlib import Path
from typing import AsyncIterator

import pytest

from bot.telegram.actions import FileInfo
from bot.telegram.files import MAX_DOWNLOAD, AttachmentStore, FileTooBig, read_limited

MB = 1024 * 1024


async def test_a_download_is_stopped_once_past_the_limit() -> None:
    served: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:  # 25 MB, as a lying file_size let through
        for i in range(25):
            served.append(i)
            yield b"x" * MB

    with pytest.raises(FileTooBig):
        await read_limited(chunks())
    assert len(served) == MAX_DOWNLOAD // MB + 1  # stopped at the first chunk past the limit


async def test_a_file_within_the_limit_comes_whole() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"a" * 10
        yield b"b" * 5

    assert await read_limited(chunks()) == b"a" * 10 + b"b" * 5


def test_the_store_refuses_too_many_bytes_and_writes_nothing(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path)
    info = FileInfo(file_id="f1", unique_id="u1", kind="document", name="a.pdf", mime="application/pdf", size=0)
    with pytest.raises(FileTooBig):
        store.save(interview_id=7, data=b"x" * (MAX_DOWNLOAD + 1), info=info, name="a.pdf")
    assert not any(tmp_path.rglob("*.pdf"))
    assert store.save(interview_id=7, data=b"%PDF", info=info, name="a.pdf")["size"] == 4
