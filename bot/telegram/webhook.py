"""Webhook mode for both runtimes: an aiohttp server that checks Telegram's secret-token header."""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any, Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Feed = Callable[[dict[str, Any]], Awaitable[None]]
# A connection that has not sent a request's complete headers this long after it opened is closed
# (slow or silent clients would otherwise each hold a connection: aiohttp before 3.14 has no such limit).
HEADER_TIMEOUT = 10.0
BODY_TIMEOUT = 10.0  # reading an update's body, once its headers are in
KEEPALIVE_TIMEOUT = 30.0  # an idle connection between two requests (Telegram reconnects as it needs)
LINGERING_TIME = 2.0  # after an answer that did not read the whole body (401, 408): the rest, then closed


def webhook_app(*, path: str, secret: str, feed: Feed) -> web.Application:
    """POST ``path``: wrong secret 401, bad JSON 400, else the update is processed before answering 200.

    Processing before answering means a crash makes Telegram deliver the update again; the
    database then makes sure it is applied once.
    """
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook call with a wrong secret token from %s", request.remote)
            return web.json_response({"ok": False, "description": "unauthorized"}, status=401)
        try:
            data = await asyncio.wait_for(request.json(), BODY_TIMEOUT)
        except asyncio.TimeoutError:
            return web.json_response({"ok": False, "description": "body too slow"}, status=408,
                                     headers={"Connection": "close"})
        except Exception:
            return web.json_response({"ok": False, "description": "not JSON"}, status=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return web.json_response({"ok": False, "description": "not an update"}, status=400)
        try:
            await feed(data)
        except Exception as exc:  # a malformed update: its kind and size only, never its content
            kinds = sorted(k for k in data if k != "update_id")[:3]
            log.warning("webhook update %s (%s, %d bytes) could not be processed: %s", data["update_id"],
                        ",".join(kinds) or "empty", request.content_length or 0, type(exc).__name__)
            return web.json_response({"ok": False, "description": "update not processed"}, status=500)
        return web.json_response({"ok": True})

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post(path, receive)
    app.router.add_get("/healthz", health)
    return app


class _HeaderDeadline(asyncio.Protocol):
    """Stands in front of aiohttp's protocol for one connection: closes it when the end of the first
    request's headers (a blank line) has not arrived within HEADER_TIMEOUT; passes everything through."""

    def __init__(self, inner: asyncio.Protocol) -> None:
        self.inner = inner
        self.tail = b""
        self.timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.timer = asyncio.get_running_loop().call_later(HEADER_TIMEOUT, self._expire, transport)
        self.inner.connection_made(transport)

    def _expire(self, transport: asyncio.BaseTransport) -> None:
        self.timer = None
        log.info("webhook: closed a connection that sent no complete request in %.0f s", HEADER_TIMEOUT)
        if isinstance(transport, asyncio.Transport):
            transport.abort()
        else:
            transport.close()

    def data_received(self, data: bytes) -> None:
        if self.timer is not None:
            seen = self.tail + data
            if b"\r\n\r\n" in seen or b"\n\n" in seen:
                self.timer.cancel()
                self.timer = None
            self.tail = seen[-3:]
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def connection_lost(self, exc: Exception | None) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        self.inner.connection_lost(exc)

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()


class _Guarded:
    """aiohttp's Server as a protocol factory whose every connection gets a header deadline."""

    def __init__(self, server: Any) -> None:
        self._inner = server

    def __call__(self) -> asyncio.Protocol:
        return _HeaderDeadline(self._inner())

    def __getattr__(self, name: str) -> Any:  # shutdown, connections … as the runner uses them
        return getattr(self._inner, name)


class _Runner(web.AppRunner):
    async def _make_server(self) -> Any:
        return _Guarded(await super()._make_server())


async def serve(app: web.Application, *, host: str, port: int, stop: asyncio.Event) -> None:
    """Serve until ``stop`` is set; slow or silent connections are closed (HEADER_TIMEOUT, KEEPALIVE_TIMEOUT)."""
    runner = _Runner(app, access_log=None, keepalive_timeout=KEEPALIVE_TIMEOUT, lingering_time=LINGERING_TIME)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("webhook listening on %s:%s", host, port)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
