"""The webhook server closes connections that send no complete request in time (silent ones, half a header,
a trickled body), while Telegram's authenticated updates, even slow to process, still get their answer."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from typing import Any, AsyncIterator

import aiohttp
import pytest

from bot.telegram import webhook

SECRET = "s3cret-token"
PATH = "/hook"
LIMIT = 1.0  # the patched HEADER_TIMEOUT / BODY_TIMEOUT (10 s in production)
MARGIN = 1.5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def server(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[int, list[dict[str, Any]]]]:
    monkeypatch.setattr(webhook, "HEADER_TIMEOUT", LIMIT, raising=False)
    monkeypatch.setattr(webhook, "BODY_TIMEOUT", LIMIT, raising=False)
    monkeypatch.setattr(webhook, "LINGERING_TIME", 0.2, raising=False)
    fed: list[dict[str, Any]] = []

    async def feed(data: dict[str, Any]) -> None:
        await asyncio.sleep(LIMIT * 1.5)  # processing outlasts the header deadline: must not cut it
        fed.append(data)

    port, stop = free_port(), asyncio.Event()
    task = asyncio.create_task(webhook.serve(webhook.webhook_app(path=PATH, secret=SECRET, feed=feed),
                                             host="127.0.0.1", port=port, stop=stop))
    for _ in range(100):  # until it listens
        try:
            _, w = await asyncio.open_connection("127.0.0.1", port)
            w.close()
            break
        except OSError:
            await asyncio.sleep(0.05)
    yield port, fed
    stop.set()
    await asyncio.wait_for(task, 10)


async def closed_within(reader: asyncio.StreamReader, seconds: float) -> bytes:
    """What the server sent before closing the connection (fails when it is still open after ``seconds``)."""
    got = b""
    try:
        async with asyncio.timeout(seconds):
            while chunk := await reader.read(4096):
                got += chunk
    except ConnectionResetError:
        pass
    return got


async def update(port: int, update_id: int) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http:
        async with http.post(f"http://127.0.0.1:{port}{PATH}", json={"update_id": update_id, "message": {}},
                             headers={webhook.SECRET_HEADER: SECRET}) as resp:
            return resp.status, await resp.json()


async def test_silent_and_half_header_connections_are_closed_while_updates_still_work(
        server: tuple[int, list[dict[str, Any]]]) -> None:
    port, fed = server
    conns = [await asyncio.open_connection("127.0.0.1", port) for _ in range(50)]
    for i, (_, w) in enumerate(conns):
        if i % 2:  # half a header, never finished
            w.write(f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n{webhook.SECRET_HEADER}: {SECRET}\r\n".encode())
            await w.drain()
    began = time.monotonic()
    status, body = await update(port, 7)  # served meanwhile, though it takes longer than the deadline
    assert (status, body) == (200, {"ok": True}) and fed == [{"update_id": 7, "message": {}}]
    results = await asyncio.gather(*(closed_within(r, LIMIT + MARGIN) for r, _ in conns))
    assert time.monotonic() - began < LIMIT + MARGIN + 0.5
    assert all(b"200" not in got for got in results)  # closed, not answered
    for _, w in conns:
        w.close()


async def test_a_trickled_body_is_cut_off(server: tuple[int, list[dict[str, Any]]]) -> None:
    port, fed = server
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps({"update_id": 8, "message": {}}).encode()
    writer.write(f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n{webhook.SECRET_HEADER}: {SECRET}\r\n"
                 f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body[:5])
    await writer.drain()
    got = await closed_within(reader, LIMIT + MARGIN)
    assert got.startswith(b"HTTP/1.1 408") and fed == []
    writer.close()


def test_the_production_limits_are_seconds_not_an_hour() -> None:
    assert 0 < webhook.HEADER_TIMEOUT <= 30 and 0 < webhook.BODY_TIMEOUT <= 30
    assert 0 < webhook.KEEPALIVE_TIMEOUT <= 120 and 0 < webhook.LINGERING_TIME <= 10
