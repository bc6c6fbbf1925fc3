"""A malformed update with the right secret is logged by its kind and size only, never its content."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.telegram.webhook import SECRET_HEADER, webhook_app

SECRET = "s3cret_token"


async def test_a_malformed_update_is_logged_without_its_content(caplog: pytest.LogCaptureFixture) -> None:
    async def feed(data: dict[str, Any]) -> None:  # as aiogram's validation error quotes its input
        raise ValueError(f"invalid message: {data['message']}")

    app = webhook_app(path="/hook", secret=SECRET, feed=feed)
    update = {"update_id": 5, "message": {"text": "身份证 420802197503141232", "chat": "not-a-chat"}}
    async with TestClient(TestServer(app)) as client:
        with caplog.at_level(logging.DEBUG):
            resp = await client.post("/hook", json=update, headers={SECRET_HEADER: SECRET})
    assert resp.status == 500  # Telegram delivers it again; nothing is lost silently
    assert "420802197503141232" not in caplog.text and "身份证" not in caplog.text
    assert "webhook update 5 (message," in caplog.text and "ValueError" in caplog.text
