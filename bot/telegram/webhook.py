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
            data = await request.json()
        except Exception:
            return web.json_response({"ok": False, "description": "not JSON"}, status=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return web.json_response({"ok": False, "description": "not an update"}, status=400)
        await feed(data)
        return web.json_response({"ok": True})

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post(path, receive)
    app.router.add_get("/healthz", health)
    return app


async def serve(app: web.Application, *, host: str, port: int, stop: asyncio.Event) -> None:
    """Serve until ``stop`` is set."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    log.info("webhook listening on %s:%s", host, port)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
