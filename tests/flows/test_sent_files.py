"""Photos and documents sent during the 附件 step: at the group's menu the file opens an attachment, a second
file sent while the first one's type is asked is a second attachment, and the likely type is offered."""

from __future__ import annotations

from typing import Any

from flows.engine import advance
from flows.outputs import Ask, Input, Menu, Notice
from flows.registry import Registry
from flows.sent_files import takes_file
from tests.support.household import walk
from tests.support.plans import household


def _photo(n: int, kind: str = "photo") -> dict[str, Any]:
    return {"file_id": f"F{n}", "name": f"照片{n}.jpg", "mime": "image/jpeg", "size": 100 + n,
            "sha256": f"{n:064d}", "path": f"/tmp/a/{n}.jpg", "kind": kind}


def _at_attachments(registry: Registry) -> tuple[Any, Any]:
    """A worker's interview at 现在登记“附件”… (the group's first menu), and its context."""
    form, ctx = registry.form("archive"), registry.context(actor_id="1", actor_name="")
    w = walk(form, household(), ctx, role="worker", until="bank_card")
    step = advance(form, w.state, Input("text", text="6222021234567890128"), ctx)
    assert isinstance(step.outputs[-1], Menu) and step.outputs[-1].key == "attachments"
    return step, ctx


def _ask(step: Any) -> Ask:
    asks = [o for o in step.outputs if isinstance(o, Ask)]
    assert asks, step.outputs
    return asks[-1]


def test_a_photo_at_the_attachment_question_is_the_first_attachment_and_its_type_is_asked_with_id_card_offered(
        registry: Registry) -> None:
    step, ctx = _at_attachments(registry)
    form = registry.form("archive")
    assert takes_file(form, step.state, ctx)
    step = advance(form, step.state, Input("file", file=_photo(1)), ctx)
    assert step.state["answers"]["attachments"] == [{"file": _photo(1)}]
    ask = _ask(step)
    assert ask.path == "attachments.0.type"
    assert "身份证" in ask.text and any(b.label == "✔ 身份证" for row in ask.buttons for b in row)
    assert [e.path for e in step.events] == ["attachments.0.file"]


def test_a_second_photo_while_the_first_type_is_asked_is_kept_as_a_second_attachment(registry: Registry) -> None:
    step, ctx = _at_attachments(registry)
    form = registry.form("archive")
    step = advance(form, step.state, Input("file", file=_photo(1)), ctx)
    step = advance(form, step.state, Input("file", file=_photo(2)), ctx)  # the back of the ID card, at once
    items = step.state["answers"]["attachments"]
    assert [it["file"]["file_id"] for it in items] == ["F1", "F2"]
    assert any(isinstance(o, Notice) and "第 2 个附件" in o.text for o in step.outputs)
    assert _ask(step).path == "attachments.0.type"  # the first one's questions go on first
    step = advance(form, step.state, Input("text", text="对"), ctx)  # ✔ 身份证
    assert items[0] != step.state["answers"]["attachments"][0]
    assert step.state["answers"]["attachments"][0]["type"] == "身份证"
    step = advance(form, step.state, Input("text", text="对"), ctx)  # 附件名称 offered from the file name
    step = advance(form, step.state, Input("text", text="跳过"), ctx)  # 备注
    ask = _ask(step)
    assert ask.path == "attachments.1.type" and "✔ 身份证" in [b.label for row in ask.buttons for b in row]
    step = advance(form, step.state, Input("text", text="1"), ctx)
    step = advance(form, step.state, Input("text", text="对"), ctx)
    step = advance(form, step.state, Input("text", text="跳过"), ctx)
    assert isinstance(step.outputs[-1], Menu) and step.outputs[-1].key == "attachments"
    step = advance(form, step.state, Input("file", file=_photo(3)), ctx)  # a third photo at the menu
    assert "✔ 户口簿" in [b.label for row in _ask(step).buttons for b in row]  # two 身份证 taken: 户口簿 next
    assert len(step.state["answers"]["attachments"]) == 3


def test_an_album_of_photos_becomes_one_attachment_each(registry: Registry) -> None:
    step, ctx = _at_attachments(registry)
    form = registry.form("archive")
    for n in range(1, 5):
        step = advance(form, step.state, Input("file", file=_photo(n)), ctx)
    assert [it["file"]["file_id"] for it in step.state["answers"]["attachments"]] == ["F1", "F2", "F3", "F4"]
    assert len([e for e in step.events if e.path.endswith(".file")]) == 1  # one event per update, each its file


def test_a_document_is_not_offered_the_id_card_and_files_elsewhere_are_refused(registry: Registry) -> None:
    step, ctx = _at_attachments(registry)
    form = registry.form("archive")
    step = advance(form, step.state, Input("file", file=_photo(1, kind="document")), ctx)
    assert not any(b.label.startswith("✔ ") for row in _ask(step).buttons for b in row)
    w = walk(form, household(), ctx, role="worker", until="phone")
    assert not takes_file(form, w.state, ctx)
    refused = advance(form, w.state, Input("file", file=_photo(1)), ctx)
    assert refused.state["answers"] == w.state["answers"] and not refused.events
    assert _ask(refused).path == "phone"  # the question again
