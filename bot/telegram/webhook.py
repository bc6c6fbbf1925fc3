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
