"""The terminal interview: the same engine over stdin/stdout, interactive or piped."""

from __future__ import annotations

import hashlib
import mimetypes
import sys
from pathlib import Path
from typing import TextIO

from bot.render import Message, render
from bot.service import IntakeService, Reply
from flows.catalog import t
from flows.outputs import Cancelled, Completed, Input
from storage.models import User


def _strip_label(label: str) -> str:
    label = label.removeprefix("✅ ").removeprefix("✔ ").removeprefix("✏ ")
    head, dot, rest = label.partition(". ")
    return rest if dot and head.isdigit() else label


def to_input(text: str, buttons: dict[str, str]) -> Input:
    """Typed text; a button's label presses it; an existing file path sends the file."""
    stripped = text.strip()
    if stripped in buttons:
        return Input("button", data=buttons[stripped])
    path = Path(stripped).expanduser()
    if stripped and len(stripped) < 300 and ("/" in stripped or "." in stripped):
        try:
            if path.is_file():
                data = path.read_bytes()
                return Input("file", file={"file_id": f"local:{path.resolve()}", "name": path.name,
                                           "mime": mimetypes.guess_type(path.name)[0] or "", "size": len(data),
                                           "sha256": hashlib.sha256(data).hexdigest(), "path": str(path.resolve()),
                                           "kind": "document"})
        except OSError:
            pass
    return Input("text", text=text)


class TerminalChat:
    """Prints prompts, reads answers; every answer is saved before the next question appears."""

    def __init__(self, service: IntakeService, user: User, out: TextIO = sys.stdout) -> None:
        self.service, self.user, self.out = service, user, out
        self.buttons: dict[str, str] = {}
        self.interview_id: int | None = None

    def show(self, reply: Reply) -> None:
        self.interview_id = reply.interview_id
        self.buttons = {}
        for msg in render(reply.outputs):
            self._print(msg)

    def _print(self, msg: Message) -> None:
        print(msg.text, file=self.out)
        labels = []
        for row in msg.buttons:
            for label, data in row:
                self.buttons[_strip_label(label)] = data
                self.buttons[label] = data
                labels.append(f"[{label}]")
        if labels:
            print(t("bot.terminal_buttons", labels=" ".join(labels)), file=self.out)
        print("> ", end="", file=self.out, flush=True)

    def choose_form(self, stdin: TextIO, form: str | None) -> str | None:
        """``--form KEY`` checked, or a numbered choice when the role may begin several forms (None: the default)."""
        forms = self.service.registry.startable_forms(self.user.role)
        keys = [f.key for f in forms]
        if form is not None:
            if form not in keys:
                raise SystemExit(t("start.terminal_unknown", key=form, keys="、".join(keys)))
            return form
        if len(forms) < 2:
            return None
        print("\n".join([t("start.terminal_choose")] + [t("start.terminal_item", n=i, menu=f.entry.menu)
                                                           for i, f in enumerate(forms, start=1)]), file=self.out)
        for line in stdin:
            if line.strip().isdecimal() and 1 <= int(line) <= len(forms):
                return keys[int(line) - 1]
            print(t("start.terminal_choose"), file=self.out)
        return None

    def run(self, stdin: TextIO = sys.stdin, *, new: bool = False, form: str | None = None) -> int:
        """The loop: until the interview ends or input runs out. ``form``: a new interview of that form."""
        print(t("bot.terminal_welcome"), file=self.out)
        if new or form is not None:
            reply = self.service.start_interview(user=self.user, kind="survey", form_key=self.choose_form(stdin, form))
        else:
            reply = self.service.resume_or_start(user=self.user)
        self.show(reply)
        for line in stdin:
            text = line.rstrip("\n")
            if not text.strip():
                continue
            assert self.interview_id is not None
            reply = self.service.handle(user=self.user, interview_id=self.interview_id,
                                        inp=to_input(text, self.buttons))
            self.show(reply)
            for out in reply.outputs:
                if isinstance(out, (Completed, Cancelled)):
                    print("", file=self.out)
                    return 0
        print("\n" + t("bot.terminal_bye"), file=self.out)
        return 0
