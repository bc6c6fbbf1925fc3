"""The review shown by section: a short table of contents with each section's state, a section opened to read or
change it, and a correction that returns to that section rather than to the whole list."""

from __future__ import annotations

from bot.render import render
from flows.engine import advance
from flows.outputs import Ask, Input, Review
from flows.registry import Registry
from tests.support.household import walk
from tests.support.plans import WANG


def _review(outputs: object) -> Review:
    return [o for o in outputs if isinstance(o, Review)][-1]  # type: ignore[attr-defined]


def _press(review: Review, label_start: str) -> str:
    return next(b.data for row in review.buttons for b in row if b.label.startswith(label_start))


def test_the_final_review_opens_on_its_contents_and_a_correction_returns_to_its_section(registry: Registry) -> None:
    form = registry.form("archive")
    ctx = registry.context(actor_id="1", actor_name="张调查员")
    done = walk(form, WANG, ctx, sign=False)
    review = _review(done.step.outputs)
    assert review.final and not review.selected
    (text,) = [m.text for m in render([review])]
    assert len(text.splitlines()) < 30, text  # was 64–88 lines: every answer each time
    assert "家庭主要成员 · 已填 32 项" in text and "王建国" not in text
    assert "认定结果" in text, "the eligibility result stays on the contents"

    opened = advance(form, done.state, Input("button", data=_press(review, "修改：家庭主要成员")), ctx)
    section = _review(opened.outputs)
    assert section.selected == "家庭主要成员"
    (shown,) = [m.text for m in render([section])]
    assert "家庭成员2·姓名：王小明" in shown and "职工基本信息" not in shown
    edit_rows = [row for row in section.buttons if all(b.label.startswith("✏ ") for b in row)]
    assert sum(len(r) for r in edit_rows) == 32 and len(edit_rows) <= 9, "32 items, a few to a row"

    item = next(it for s, items in section.sections if s == "家庭主要成员" for it in items if it.label == "家庭成员2·姓名")
    asked = advance(form, opened.state, Input("button", data=_press(section, f"✏ {item.index}")), ctx)
    assert [o.path for o in asked.outputs if isinstance(o, Ask)] == ["members.1.name"]
    back = advance(form, asked.state, Input("text", text="王晓明"), ctx)
    again = _review(back.outputs)
    assert again.selected == "家庭主要成员", "the correction returns to its section, not to the whole list"
    assert "家庭成员2·姓名：王晓明" in render([again])[0].text

    toc = advance(form, back.state, Input("button", data=_press(again, "« 返回目录")), ctx)
    assert not _review(toc.outputs).selected


def test_the_footer_says_what_to_do_in_each_view_numbers_only_inside_an_opened_section(registry: Registry) -> None:
    form = registry.form("archive")
    ctx = registry.context(actor_id="1", actor_name="张调查员")
    done = walk(form, WANG, ctx, sign=False)
    review = _review(done.step.outputs)
    toc = render([review])[0].text
    assert "序号" not in toc, toc  # no number is shown in the contents: none is asked for
    assert "修改：" in toc and "确认" in review.footer

    opened = advance(form, done.state, Input("button", data=_press(review, "修改：家庭主要成员")), ctx)
    section = _review(opened.outputs)
    first = section.sections[[s for s, _ in section.sections].index("家庭主要成员")][1][0].index
    assert f"直接输入序号（如 {first}）" in section.footer and "✏" in section.footer
    typed = advance(form, opened.state, Input("text", text=str(first)), ctx)  # what the footer says works
    assert [o.path for o in typed.outputs if isinstance(o, Ask)] == ["members.0.name"]

    mid = advance(form, done.state, Input("button", data=_press(review, "修改：职工基本信息")), ctx)
    assert "序号" not in _review(advance(form, mid.state, Input("button", data=_press(_review(mid.outputs), "« 返回目录")),
                                         ctx).outputs).footer
