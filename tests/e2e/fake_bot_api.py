"""A stand-in Telegram Bot API server on 127.0.0.1, owned by the tests, plus helpers that act like people."""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import web

BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Intake Test", "username": "intake_test_bot",
            "can_join_groups": False, "can_read_all_group_messages": False, "supports_inline_queries": False}
JSON_FIELDS = ("reply_markup", "commands", "allowed_updates", "scope", "entities", "link_preview_options")
EDITABLE_FOR = 48 * 3600  # Telegram lets a bot edit its own messages for 48 hours
OUTGOING = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "answerCallbackQuery")


@dataclass(frozen=True)
class TgUser:
    """A person on the test Telegram."""

    id: int
    first_name: str
    last_name: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The Bot API User object."""
        out: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name,
                               "language_code": "zh-hans"}
        if self.last_name:
            out["last_name"] = self.last_name
        return out


@dataclass
class Call:
    """One request the bot made (getUpdates excluded), with its decoded parameters."""

    n: int
    method: str
    params: dict[str, Any]
    status: int = 200
    result: Any = None
    at: float = field(default_factory=time.monotonic)

    @property
    def chat_id(self) -> int | None:
        """The chat the call addressed, when it names one."""
        value = self.params.get("chat_id")
        return int(value) if value not in (None, "") else None


class FakeBotAPI:
    """The Bot API subset the bot uses, with long polling, files, an error injector and a call log."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.calls: list[Call] = []
        self.get_updates_calls = 0
        self.pending: list[dict[str, Any]] = []  # updates not yet confirmed by an offset
        self.forced: list[dict[str, Any]] = []  # redeliveries, returned whatever the offset
        self.sent_updates: dict[int, dict[str, Any]] = {}
        self.messages: dict[int, dict[int, dict[str, Any]]] = {}  # chat id -> message id -> message
        self.files: dict[str, bytes] = {}  # file_id -> bytes
        self.failures: dict[str, list[tuple[int, int]]] = {}  # method -> [(status, retry_after)]
        self.refused: list[str] = []
        self._ids = itertools.count(5000)
        self._msg_ids = itertools.count(1)
        self._cb_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self.loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self._arrived: asyncio.Condition | None = None
        self.port = 0

    # --- server life ------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The root URL to give the bot as TELEGRAM_API_URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeBotAPI:
        """Serve on a random free port of 127.0.0.1 in a background thread."""
        ready = threading.Event()

        def main() -> None:
            self.loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(self._serve())
            ready.set()
            self.loop.run_forever()

        self._thread = threading.Thread(target=main, name="fake-bot-api", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake Bot API did not start")
        return self

    async def _serve(self) -> None:
        self._arrived = asyncio.Condition()
        app = web.Application(middlewares=[self._local_only], client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, handler_cancellation=True, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        """Shut the server down."""
        if self.loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self.loop).result(10)  # type: ignore[union-attr]
        self.loop.call_soon_threadsafe(self.loop.stop)
        if self._thread:
            self._thread.join(10)

    @web.middleware
    async def _local_only(self, request: web.Request, handler: Callable[..., Any]) -> web.StreamResponse:
        if request.remote not in ("127.0.0.1", "::1"):
            self.refused.append(str(request.remote))
            return web.json_response({"ok": False, "error_code": 403, "description": "local only"}, status=403)
        return await handler(request)

    # --- the API ------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await _params(request)
        with self.lock:
            queue = self.failures.get(method)
            failure = queue.pop(0) if queue else None
        if failure is None and method.lower() == "getupdates":
            return await self._get_updates(params)
        if failure is not None:
            status, retry_after = failure
            body: dict[str, Any] = {"ok": False, "error_code": status,
                                    "description": f"Too Many Requests: retry after {retry_after}"
                                    if status == 429 else "Bad Gateway"}
            if status == 429:
                body["parameters"] = {"retry_after": retry_after}
            self._record(method, params, status, None)
            return web.json_response(body, status=status)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            self._record(method, params, 404, None)
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        try:
            result = handler(params)
        except _BadRequest as exc:
            self._record(method, params, 400, None)
            return web.json_response({"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"},
                                     status=400)
        self._record(method, params, 200, result)
        return web.json_response({"ok": True, "result": result})

    def _record(self, method: str, params: dict[str, Any], status: int, result: Any) -> None:
        with self.changed:
            self.calls.append(Call(len(self.calls), method, params, status, result))
            self.changed.notify_all()

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = min(float(params.get("timeout") or 0), 50.0)
        deadline = time.monotonic() + timeout
        assert self._arrived is not None
        if offset:
            self._confirmed(offset)
        while True:
            with self.changed:
                self.get_updates_calls += 1
                if offset:
                    self.pending = [u for u in self.pending if u["update_id"] >= offset]
                batch = self._next_batch(limit)
                if batch:
                    self._handed_out(batch)
                self.changed.notify_all()
            if batch:
                return web.json_response({"ok": True, "result": batch})
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return web.json_response({"ok": True, "result": []})
            async with self._arrived:
                try:
                    await asyncio.wait_for(self._arrived.wait(), remaining)
                except TimeoutError:
                    pass

    def _confirmed(self, offset: int) -> None:
        """A getUpdates offset confirms every update below it (kept as a hook for the reliability stand-in)."""

    def _next_batch(self, limit: int) -> list[dict[str, Any]]:
        """What the next getUpdates answers: forced updates first, then pending ones (under ``changed``)."""
        batch, self.forced = self.forced[:limit], self.forced[limit:]
        return batch + self.pending[: limit - len(batch)]

    def _handed_out(self, batch: list[dict[str, Any]]) -> None:
        """A non-empty getUpdates answer is about to go out (under ``changed``)."""

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        path = request.match_info["path"]
        file_id = path.rsplit("/", 1)[-1]
        data = self.files.get(file_id)
        return web.Response(body=data) if data is not None else web.Response(status=404)

    def _m_getMe(self, _: dict[str, Any]) -> Any:
        return BOT_USER

    def _m_setMyCommands(self, p: dict[str, Any]) -> Any:
        scope = p.get("scope") or {"type": "default"}
        if scope.get("type") not in ("default", "chat", "all_private_chats"):
            raise _BadRequest("unsupported scope")
        return True

    def menu(self, chat_id: int) -> list[str]:
        """The commands a private chat's menu shows: its own (BotCommandScopeChat) if set, else the default."""
        with self.lock:
            calls = [c for c in self.calls if c.method == "setMyCommands" and c.status == 200]
        own = [c for c in calls if (c.params.get("scope") or {}).get("type") == "chat"
               and int((c.params.get("scope") or {}).get("chat_id", 0)) == chat_id]
        default = [c for c in calls if (c.params.get("scope") or {}).get("type", "default") in
                   ("default", "all_private_chats")]
        chosen = (own or default)[-1:] if (own or default) else []
        return [cmd["command"] for c in chosen for cmd in c.params.get("commands") or []]

    def _m_deleteWebhook(self, _: dict[str, Any]) -> Any:
        return True

    def _m_setWebhook(self, _: dict[str, Any]) -> Any:
        return True

    def _m_answerCallbackQuery(self, _: dict[str, Any]) -> Any:
        return True

    def _m_sendMessage(self, p: dict[str, Any]) -> Any:
        text = str(p.get("text") or "")
        if not text.strip():
            raise _BadRequest("message text is empty")
        if len(text) > 4096:
            raise _BadRequest("message is too long")
        return self._bot_message(int(p["chat_id"]), text=text, reply_markup=p.get("reply_markup"))

    def _m_editMessageText(self, p: dict[str, Any]) -> Any:
        msg = self._message(p)
        if msg.get("text") == p.get("text") and msg.get("reply_markup") == _markup(p.get("reply_markup")):
            raise _BadRequest("message is not modified")
        msg["text"] = str(p.get("text") or "")
        msg["reply_markup"] = _markup(p.get("reply_markup"))
        return _public(msg)

    def _m_editMessageReplyMarkup(self, p: dict[str, Any]) -> Any:
        msg = self._message(p)
        markup = _markup(p.get("reply_markup"))
        if msg.get("reply_markup") == markup:
            raise _BadRequest("message is not modified")
        msg["reply_markup"] = markup
        return _public(msg)

    def _m_sendDocument(self, p: dict[str, Any]) -> Any:
        doc = p.get("document")
        if not isinstance(doc, dict):
            raise _BadRequest("there is no document in the request")
        file_id = self._store_file(doc["content"])
        return self._bot_message(int(p["chat_id"]), caption=p.get("caption") or "",
                                 document={"file_id": file_id, "file_unique_id": f"u{file_id}",
                                           "file_name": doc["filename"], "file_size": len(doc["content"]),
                                           "_content": doc["content"]})

    def _m_getFile(self, p: dict[str, Any]) -> Any:
        file_id = str(p.get("file_id"))
        if file_id not in self.files:
            raise _BadRequest("invalid file_id")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(self.files[file_id]),
                "file_path": f"photos/{file_id}"}

    def _message(self, p: dict[str, Any]) -> dict[str, Any]:
        chat = self.messages.get(int(p["chat_id"]), {})
        msg = chat.get(int(p["message_id"]))
        if msg is None:  # (only the bot's own messages are kept: a person's cannot be edited)
            raise _BadRequest("message to edit not found")
        if time.time() - msg["date"] > EDITABLE_FOR:
            raise _BadRequest("message can't be edited")
        return msg

    def _bot_message(self, chat_id: int, **fields: Any) -> dict[str, Any]:
        msg = {"message_id": next(self._msg_ids), "date": int(time.time()), "chat": _chat(chat_id),
               "from": BOT_USER, **{k: v for k, v in fields.items() if k != "reply_markup"}}
        markup = _markup(fields.get("reply_markup"))
        if markup is not None and "inline_keyboard" in markup:  # messages only ever show inline keyboards
            msg["reply_markup"] = markup
        with self.lock:
            self.messages.setdefault(chat_id, {})[msg["message_id"]] = msg
        return _public(msg)

    def _store_file(self, data: bytes) -> str:
        file_id = f"F{next(self._file_ids):05d}"
        self.files[file_id] = data
        return file_id

    # --- what tests do --------------------------------------------------------------------
    def fail_next(self, method: str, times: int = 1, *, status: int = 429, retry_after: int = 1) -> None:
        """The next ``times`` calls of ``method`` answer ``status`` (429 with retry_after, or 502)."""
        with self.lock:
            self.failures.setdefault(method, []).extend([(status, retry_after)] * times)

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for the bot; returns its update_id."""
        with self.changed:
            update = {"update_id": next(self._ids), **update}
            self.pending.append(update)
            self.sent_updates[update["update_id"]] = update
            self.changed.notify_all()
        self._kick()
        return int(update["update_id"])

    def redeliver(self, update_id: int) -> None:
        """Deliver an update again (as Telegram does when it thinks the bot did not get it)."""
        with self.changed:
            self.forced.append(self.sent_updates[update_id])
        self._kick()

    def _kick(self) -> None:
        async def notify() -> None:
            assert self._arrived is not None
            async with self._arrived:
                self._arrived.notify_all()

        if self.loop is not None:
            asyncio.run_coroutine_threadsafe(notify(), self.loop)

    def _user_message(self, user: TgUser, chat: dict[str, Any] | None = None, **fields: Any) -> int:
        chat = chat or {**_chat(user.id), "first_name": user.first_name}
        msg = {"message_id": next(self._msg_ids), "date": int(time.time()), "chat": chat, "from": user.as_dict(),
               **fields}
        with self.lock:
            self.messages.setdefault(int(chat["id"]), {})[msg["message_id"]] = msg
        return self.push({"message": msg})

    def user_sends_text(self, user: TgUser, text: str, *, reply_to: dict[str, Any] | None = None,
                        chat: dict[str, Any] | None = None) -> int:
        """The person types and sends ``text`` (commands get a bot_command entity)."""
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if reply_to is not None:
            fields["reply_to_message"] = _public(reply_to)
        return self._user_message(user, chat, **fields)

    def user_sends_photo(self, user: TgUser, data: bytes, *, caption: str | None = None,
                         media_group_id: str | None = None) -> int:
        """A photo: Telegram sends a small thumbnail and the full size; only the last is the real one.

        ``media_group_id``: one photo of an album (Telegram sends each as its own update, sharing the id)."""
        thumb = self._store_file(b"thumbnail:" + data[:16])
        big = self._store_file(data)
        photo = [{"file_id": thumb, "file_unique_id": f"u{thumb}", "width": 90, "height": 90, "file_size": 26},
                 {"file_id": big, "file_unique_id": f"u{big}", "width": 1280, "height": 960, "file_size": len(data)}]
        fields: dict[str, Any] = {"photo": photo}
        if caption:
            fields["caption"] = caption
        if media_group_id:
            fields["media_group_id"] = media_group_id
        return self._user_message(user, **fields)

    def user_sends_document(self, user: TgUser, data: bytes, filename: str, mime: str) -> int:
        """A document (a PDF, a scan) sent as a file."""
        file_id = self._store_file(data)
        return self._user_message(user, document={"file_id": file_id, "file_unique_id": f"u{file_id}",
                                                   "file_name": filename, "mime_type": mime, "file_size": len(data)})

    def user_sends_sticker(self, user: TgUser) -> int:
        """A sticker: something the bot cannot read."""
        return self._user_message(user, sticker={"file_id": "STK", "file_unique_id": "uSTK", "type": "regular",
                                                 "width": 512, "height": 512, "is_animated": False,
                                                 "is_video": False})

    def user_sends_voice(self, user: TgUser) -> int:
        """A voice message."""
        return self._user_message(user, voice={"file_id": "VOI", "file_unique_id": "uVOI", "duration": 3,
                                               "mime_type": "audio/ogg", "file_size": 4000})

    def user_sends_contact(self, user: TgUser, phone: str, *, first_name: str = "",
                           user_id: int | None = None) -> int:
        """A shared contact (the request_contact button shares the person's own, with their user_id)."""
        contact: dict[str, Any] = {"phone_number": phone, "first_name": first_name or user.first_name}
        if user_id is not None:
            contact["user_id"] = user_id
        return self._user_message(user, contact=contact)

    def user_sends_location(self, user: TgUser) -> int:
        """A shared location."""
        return self._user_message(user, location={"latitude": 31.03, "longitude": 112.2})

    def keyboard_message(self, chat_id: int) -> dict[str, Any]:
        """The latest bot message in the chat that still has inline buttons."""
        with self.lock:
            for msg in sorted(self.messages.get(chat_id, {}).values(), key=lambda m: -m["message_id"]):
                if msg["from"].get("is_bot") and (msg.get("reply_markup") or {}).get("inline_keyboard"):
                    return msg
        raise AssertionError(f"no message with buttons in chat {chat_id}")

    def user_presses(self, user: TgUser, button: str, *, message: dict[str, Any] | None = None) -> int:
        """Press a button (by label, label without its number, or callback data) of the latest keyboard."""
        msg = message or self.keyboard_message(user.id)
        buttons = [b for row in (msg.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]
        for b in buttons:
            if button in (b["text"], b.get("callback_data"), _bare(b["text"])):
                cq = {"id": str(next(self._cb_ids)), "from": user.as_dict(), "message": _public(msg),
                      "chat_instance": "ci", "data": b.get("callback_data")}
                return self.push({"callback_query": cq})
        raise AssertionError(f"no button {button!r}; have {[b['text'] for b in buttons]}")

    def wait_call(self, pred: Callable[[Call], bool], *, since: int, timeout: float) -> Call | None:
        """The first call from index ``since`` that satisfies ``pred``, or None after ``timeout``."""
        end = time.monotonic() + timeout
        with self.changed:
            while True:
                for call in self.calls[since:]:
                    if pred(call):
                        return call
                left = end - time.monotonic()
                if left <= 0:
                    return None
                self.changed.wait(left)

    def wait_for(self, pred: Callable[[Call], bool], *, since: int = 0, timeout: float = 20.0) -> Call:
        """The first call from index ``since`` that satisfies ``pred`` (waits for it; fails the test if none)."""
        found = self.wait_call(pred, since=since, timeout=timeout)
        if found is None:
            with self.changed:
                recent = [(c.method, c.chat_id, str(c.params.get("text", ""))[:60]) for c in self.calls[since:]]
            raise AssertionError(f"timed out waiting; calls since {since}: {recent}")
        return found

    def mark(self) -> int:
        """The index the next call will have."""
        with self.lock:
            return len(self.calls)

    def sent_to(self, chat_id: int, *, since: int = 0, methods: tuple[str, ...] = OUTGOING) -> list[Call]:
        """Successful outgoing calls to a chat since an index."""
        with self.lock:
            return [c for c in self.calls[since:] if c.method in methods and c.status == 200 and c.chat_id == chat_id]

    def wait_idle(self, *, quiet: float = 0.4, timeout: float = 10.0) -> None:
        """Wait until the bot made no call for ``quiet`` seconds."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            n = self.mark()
            time.sleep(quiet)
            if self.mark() == n:
                return
        raise AssertionError("the bot never went quiet")


class _BadRequest(Exception):
    pass


def _chat(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "type": "private"} if chat_id > 0 else {"id": chat_id, "type": "group", "title": "组"}


def _markup(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str):
        value = json.loads(value) if value else None
    if isinstance(value, dict) and value.get("inline_keyboard") == []:
        return None
    return value or None


def _public(msg: dict[str, Any]) -> dict[str, Any]:
    """A message as the Bot API shows it (test-only keys dropped)."""
    out = {k: v for k, v in msg.items() if not k.startswith("_")}
    if "document" in out:
        out["document"] = {k: v for k, v in out["document"].items() if not k.startswith("_")}
    if out.get("reply_markup") is None:
        out.pop("reply_markup", None)
    return out


def _bare(label: str) -> str:
    """A button label without its ✅/✔ mark and "3. " number."""
    label = label.removeprefix("✅ ").removeprefix("✔ ")
    head, dot, rest = label.partition(". ")
    return rest if dot and head.isdigit() else label


async def _params(request: web.Request) -> dict[str, Any]:
    """Parameters from a query string, JSON, urlencoded or multipart body; JSON-valued fields decoded."""
    data: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = await request.json()
        data.update(body if isinstance(body, dict) else {})
    elif request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                data[key] = {"filename": value.filename, "content": value.file.read(),
                             "content_type": value.content_type}
            else:
                data[key] = value
    for key, value in list(data.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            data[key] = data.get(value.removeprefix("attach://"))
        elif key in JSON_FIELDS and isinstance(value, str):
            try:
                data[key] = json.loads(value)
            except ValueError:
                pass
    return data
