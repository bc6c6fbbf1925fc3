"""The terminal interview: the same engine over stdin/stdout, interactive or piped."""

from __future__ import annotations

import mimetypes
import sys
from pathlib import Path
from typing import TextIO

from bot.render import Message, record_of, render
from bot.service import IntakeService, Reply
from bot.telegram.actions import FileInfo
from bot.ocr import card_meta
from bot.telegram.files import MAX_DOWNLOAD, AttachmentStore, display_name
from flows.catalog import t
from flows.outputs import Ask, Cancelled, Completed, Input
from storage.models import User

_MAX_PATH = 300  # longer lines are answers, never a file path


def _strip_label(label: str) -> str:
    label = label.removeprefix("✅ ").removeprefix("✔ ").removeprefix("✏ ")
    head, dot, rest = label.partition(". ")
    return rest if dot and head.isdigit() else label


def to_input(text: str, buttons: dict[str, str]) -> Input:
    """Typed text; a button's label presses it (words such as 下一页 or 完成 typed bare are read by the engine)."""
    stripped = text.strip()
    if stripped in buttons:
        return Input("button", data=buttons[stripped])
    return Input("text", text=text)


def file_path(text: str) -> Path | None:
    """The file a typed line names (quotes and ~ allowed), or None when it names no existing file."""
    stripped = text.strip().strip("\"'")
    if not stripped or len(stripped) > _MAX_PATH or not ("/" in stripped or "\\" in stripped or "." in stripped):
        return None
    path = Path(stripped).expanduser()
    try:
        return path if path.is_file() else None
    except OSError:
        return None


def looks_like_path(text: str) -> bool:
    """A line that is meant as a file path (at a 附件 question): has a folder separator or a file extension."""
    stripped = text.strip().strip("\"'")
    return bool(stripped) and len(stripped) <= _MAX_PATH and (
        "/" in stripped or "\\" in stripped or Path(stripped).suffix[1:].isalnum())


class TerminalChat:
    """Prints prompts, reads answers; every answer is saved before the next question appears."""

    def __init__(self, service: IntakeService, user: User, out: TextIO = sys.stdout,
                 attachments: str | Path | None = None) -> None:
        self.service, self.user, self.out = service, user, out
        self.buttons: dict[str, str] = {}
        self.interview_id: int | None = None
        self._attachments = attachments

    def store(self) -> AttachmentStore:
        """Where attached files are kept: INTAKE_ATTACHMENTS_DIR, as for files sent on Telegram."""
        if self._attachments is None:
            from bot.settings import load_settings

            self._attachments = load_settings().attachments_dir
        return AttachmentStore(self._attachments)

    def show(self, reply: Reply) -> None:
        self.interview_id = reply.interview_id
        self.buttons = {}
        messages = render(reply.outputs)
        record = record_of(reply.outputs)
        if record:  # the terminal cannot edit what it printed: the answered question's record, as a line
            print(record, file=self.out)
        asks = any(isinstance(o, Ask) for o in reply.outputs)
        hint = t("bot.terminal_file_hint") if asks and self._awaits_file() else \
            t("ocr.hint_terminal") if asks and self._awaits_card() else ""
        for i, msg in enumerate(messages):
            self._print(msg, hint if i == len(messages) - 1 else "")

    def _print(self, msg: Message, hint: str = "") -> None:
        text = msg.text
        if hint == t("ocr.hint_terminal") and t("ocr.hint") in text:  # no camera here: a path instead of a photo
            text, hint = text.replace(t("ocr.hint"), hint), ""
        print(text, file=self.out)
        if hint:
            print(hint, file=self.out)
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

    def _awaits_file(self) -> bool:
        iv = self.service.interview(self.interview_id) if self.interview_id is not None else None
        return iv is not None and self.service.awaits_file(self.user, iv)

    def _awaits_card(self) -> bool:
        iv = self.service.interview(self.interview_id) if self.interview_id is not None else None
        return iv is not None and self.service.awaits_card(self.user, iv)

    def _read_card(self, path: Path) -> Reply | None:
        """An ID card photo's path at 姓名 / 身份证号: read on this machine, its fields offered; the file is kept
        (a copy under the attachments folder, type 身份证) only if the person agrees."""
        assert self.interview_id is not None
        data = self._read(path)
        if data is None:
            return None
        print(t("ocr.reading"), file=self.out)
        card = card_meta(data, self.service.registry.today())
        photo = None
        if card["card"].get("values"):  # a copy waits in the attachments folder until kept (身份证) or declined
            info = FileInfo(f"local:{path.resolve()}", "", "document", path.name,
                            mimetypes.guess_type(path.name)[0] or "", len(data))
            photo = self.store().save(interview_id=self.interview_id, data=data, info=info,
                                      name=display_name(info, "", self.service.registry.clock()))
        return self.service.handle(user=self.user, interview_id=self.interview_id,
                                   inp=Input("file", file=dict(card, photo=photo)))

    def answer(self, text: str) -> Reply | None:
        """One typed line: a file path at a 附件 question attaches the file, anything else is typed text.

        The file goes the way of a document sent on Telegram: only where a file is awaited, at most
        MAX_DOWNLOAD, stored under the attachments folder with its checksum, and handed to the same
        service call with the stored file, so the 附件 row is written with the answer. None: refused here.
        """
        assert self.interview_id is not None
        inp = to_input(text, self.buttons)
        if inp.kind == "text" and self._awaits_file():
            path = file_path(text)
            if path is not None:
                return self._attach(path)
            if looks_like_path(text):
                self._refuse(t("bot.terminal_no_such_file", path=text.strip()))
                return None
        elif inp.kind == "text" and file_path(text) is not None and self._awaits_card():
            return self._read_card(file_path(text))  # type: ignore[arg-type]
        return self.service.handle(user=self.user, interview_id=self.interview_id, inp=inp)

    def _attach(self, path: Path) -> Reply | None:
        assert self.interview_id is not None
        data = self._read(path)
        if data is None:
            return None
        info = FileInfo(f"local:{path.resolve()}", "", "document", path.name,
                        mimetypes.guess_type(path.name)[0] or "", len(data))
        name = display_name(info, "", self.service.registry.clock())
        meta = self.store().save(interview_id=self.interview_id, data=data, info=info, name=name)
        return self.service.handle(user=self.user, interview_id=self.interview_id, inp=Input("file", file=meta),
                                   attachment=meta)

    def _read(self, path: Path) -> bytes | None:
        """The file's bytes, or None (said to the person) when it is missing or over MAX_DOWNLOAD."""
        try:
            if path.stat().st_size > MAX_DOWNLOAD:
                self._refuse(t("tg.file_too_big", mb=MAX_DOWNLOAD >> 20))
                return None
            return path.read_bytes()
        except OSError:
            self._refuse(t("bot.terminal_no_such_file", path=str(path)))
            return None

    def _refuse(self, text: str) -> None:
        print("❌ " + text, file=self.out)
        print("> ", end="", file=self.out, flush=True)

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
            reply = self.answer(text)
            if reply is None:
                continue
            self.show(reply)
            for out in reply.outputs:
                if isinstance(out, (Completed, Cancelled)):
                    print("", file=self.out)
                    return 0
        print("\n" + t("bot.terminal_bye"), file=self.out)
        return 0
