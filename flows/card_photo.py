"""Keeping an ID card (or 户口簿 page) photo as an attachment of type 身份证 (户口簿), only if the person agrees (asked once, after a reading).

The adapter has put the photo in the attachments folder (same permissions as attachments) and hands its
file value with the reading. The engine asks once (``pending = {"kind": "card_photo", ...}``): 保存 adds
an item of the 附件 group (file, type 身份证, a name) and says ``PhotoKept`` (the service links the file
as an Attachment row in the same transaction); 不保存 says ``PhotoDropped`` (the service deletes the file).
Either way the question the photo was sent at is asked again, with what was read offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from flows.catalog import t
from flows.outputs import AnswerChanged, Menu, Notice
from flows.run import Run

KIND = "card_photo"


@dataclass(frozen=True)
class PhotoKept:
    """The card photo (a file value) became an attachment: link it as an Attachment row with this step."""

    file: Mapping[str, Any]


@dataclass(frozen=True)
class PhotoDropped:
    """The person did not want the card photo kept: its file is deleted once the step is saved."""

    path: str


def _document(p: Mapping[str, Any]) -> str:
    return "hukou" if p.get("document") == "hukou" else "id_card"


def _group(run: Run, kind: str) -> tuple[str, str] | None:
    """(the 附件 group's key, its file question's key) where a photo of type ``kind`` can go, or None."""
    for section in run.form.sections:
        g = section.group
        if g is None or not g.fields or g.fields[0].type != "file":
            continue
        kinds = {f.key: f for f in g.fields}
        full = len(run.st["answers"].get(section.key) or []) >= g.max
        if not full and "type" in kinds and kind in kinds["type"].choices and "name" in kinds:
            return section.key, g.fields[0].key
    return None


def kept_photo(step: Any) -> dict[str, Any] | None:
    """The file value a step kept as a 身份证 attachment (to link as an Attachment row), or None."""
    return next((dict(ev.file) for ev in step.events if isinstance(ev, PhotoKept)), None)


def dropped_paths(step: Any) -> list[str]:
    """The files of card photos a step dropped (the service deletes them once the step is saved)."""
    return [ev.path for ev in step.events if isinstance(ev, PhotoDropped) and ev.path]


def drop(run: Run, path: str) -> None:
    """Say the photo at ``path`` is to be deleted, unless an answer holds that very file (the same photo
    sent before as an attachment lands on the same path)."""
    held = {str(v.get("path")) for section in run.form.sections if section.group
            for item in run.st["answers"].get(section.key) or [] for v in item.values() if isinstance(v, dict)}
    if path and path not in held:
        run.events.append(PhotoDropped(path))


def ask_keep(run: Run, photo: Mapping[str, Any] | None, read_name: str, document: str = "id_card") -> bool:
    """Ask whether to keep the photo (True when asked; False when it cannot be kept here).

    ``document``: "id_card" or "hukou" (a 户口簿 page), which names the attachment's type (身份证 / 户口簿).
    """
    if not photo or not photo.get("path") or _group(run, t(f"ocr.doc.{document}")) is None:
        return False
    run.st["pending"] = {"kind": KIND, "file": {k: v for k, v in photo.items() if isinstance(v, (str, int))},
                         "document": document,
                         "name": t(f"ocr.photo_name.{document}", name=f"-{read_name}" if read_name else "")[:60]}
    return True


def show_keep(run: Run, p: Mapping[str, Any]) -> None:
    """The question: 保存为附件（身份证） / 不保存."""
    doc = t(f"ocr.doc.{_document(p)}")
    run.outputs.append(Menu(t("ocr.keep_photo", doc=doc), (
        (run.button(t("ocr.keep_yes", doc=doc), "yes"), run.button(t("ocr.keep_no"), "no")),)))


def resolve_keep(run: Run, p: Mapping[str, Any], yes: bool) -> None:
    """The answer: the photo added to the 附件 group as 身份证, or dropped (nothing stored)."""
    meta = dict(p.get("file") or {})
    kind = t(f"ocr.doc.{_document(p)}")  # a choice of the form's 附件类型 (checked by _group)
    where = _group(run, kind)
    if not yes or where is None:
        drop(run, str(meta.get("path") or ""))
        run.outputs.append(Notice(t("ocr.photo_dropped", doc=kind)))
        return
    group, file_key = where
    items = run.st["answers"].setdefault(group, [])
    items.append({file_key: meta, "type": kind, "name": str(p.get("name") or kind)})
    base = f"{group}.{len(items) - 1}."
    for key, value in items[-1].items():
        run.events.append(AnswerChanged(base + key, None, value, "set"))
    run.events.append(PhotoKept(meta))
    run.invalidate()
    run.outputs.append(Notice(t("ocr.photo_kept", n=len(items), doc=kind)))
