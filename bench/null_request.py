"""A python-telegram-bot request backend that answers every Bot API call locally."""

from __future__ import annotations

import json
from typing import Any

from telegram.request import BaseRequest, RequestData

_ME = {"id": 123456, "is_bot": True, "first_name": "intake", "username": "intake_bench_bot",
       "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}


class NullRequest(BaseRequest):
    """getMe answers a bot; sendMessage/editMessageText a message; everything else True."""

    def __init__(self) -> None:
        self.calls = 0
        self._next_id = 1

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
                         pool_timeout: Any = None) -> tuple[int, bytes]:
        self.calls += 1
        endpoint = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        if endpoint == "getMe":
            result: Any = _ME
        elif endpoint in ("sendMessage", "editMessageText"):
            self._next_id += 1
            result = {"message_id": self._next_id, "date": 1_795_000_000,
                      "chat": {"id": int(params.get("chat_id", 0) or 0), "type": "private"},
                      "text": str(params.get("text", ""))}
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()
