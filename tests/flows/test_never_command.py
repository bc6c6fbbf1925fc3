"""Nothing typed is ever stored as a command word or a button label.

A property test: interviews of both forms are driven to random questions (answering from a plan),
and there a person types a command word, a lexicon word or a button label, decorated the way people
type them (spaces, full-width forms, a trailing 的/了, the button's own 完成（已选 1） or » …), or random
text, or presses a random button. After every input no stored answer may equal a command word or a
button label (compared on the folded form: no spaces, full-width folded, no decoration).
"""

from __future__ import annotations

import json
import unicodedata
from datetime import date
from typing import Any, Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flows import lexicon, non_answers
from flows.autofill import next_input
from flows.catalog import t
from flows.engine import advance, new_state
from flows.outputs import Context, Input
from flows.registry import Registry
from tests.support.plans import ALL_MET, WANG

# The lexicon's commands and menu words (not yes/no: 无 and 否 are real options of some lists).
COMMAND_KINDS = ("back", "skip", "review", "cancel", "help", "resume", "decline", "sign", "continue", "add",
                 "remove", "done", "next_page", "prev_page")
BUTTON_KEYS = ("engine.back", "engine.skip", "engine.review", "engine.cancel", "engine.keep", "engine.yes",
               "engine.no", "engine.done_button", "engine.confirm_yes", "engine.confirm_no",
               "engine.confirm_value_yes", "engine.confirm_value_no", "engine.review_continue", "engine.sign_button",
               "engine.sign_button_surveyor", "engine.group_none", "engine.group_done", "engine.page_prev",
               "engine.page_next", "engine.duplicate_open", "engine.duplicate_continue")
STATIC_LABELS = ([w for k in COMMAND_KINDS for w in lexicon.words(k)] + [t(k) for k in BUTTON_KEYS]
                 + [t("engine.group_add", counter=c) for c in "位个项"] + [t("engine.group_remove", counter=c) for c in "位个项"]
                 + [t("engine.done_button") + t("engine.multi_selected", n=n) for n in (1, 2, 3)]
                 + sorted(non_answers.COMMAND_WORDS | non_answers.SKIP_WORDS | non_answers.BUTTON_LABELS))
OTHER_WORDS = (sorted(non_answers.YES_WORDS | non_answers.NO_WORDS) + list(lexicon.words("yes"))
               + list(lexicon.words("no")) + ["1", "2", "12", "0", "其他", "无", "良好", "王 建国", "1200", "对"])
_DECORATION = str.maketrans("", "", "«»‹›✔✓✅☑✏✎▶◀►◄→←•·\ufe0f\u200d")


def key(text: str) -> str:
    """A text's folded form: full-width folded, no whitespace, no decoration or trailing punctuation."""
    folded = "".join(unicodedata.normalize("NFKC", text).lower().split()).translate(_DECORATION)
    return folded.strip("。.!！~～,，、;；:：")


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def decorated(draw: st.DrawFn, words: list[str]) -> str:
    word = draw(st.sampled_from(words))
    if draw(st.booleans()) and len(word) > 1:  # a space typed inside
        cut = draw(st.integers(min_value=1, max_value=len(word) - 1))
        word = word[:cut] + draw(st.sampled_from([" ", "　", "  "])) + word[cut:]
    if draw(st.booleans()):
        word = _full_width(word)
    prefix = draw(st.sampled_from(["", "", " ", "✔ ", "✅ ", "« "]))
    suffix = draw(st.sampled_from(["", "", " ", "的", "了", "。", "！", "（已选 1）", "(已选2)", " »", "啊"]))
    return prefix + word + suffix


def _stored(value: Any) -> Iterator[str]:
    """Every text stored in the answers (file metadata apart)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _stored(v)
    elif isinstance(value, dict) and "file_id" not in value:
        for v in value.values():
            yield from _stored(v)


def _options(registry: Registry) -> set[str]:
    """Every option of every list: an option is the answer it names, whatever word it is."""
    return {key(c) for form_key in ("archive", "followup") for _, f in registry.form(form_key).all_fields()
            for c in f.choices}


def _labels(outputs: list[Any]) -> set[str]:
    """The labels of the buttons just shown, except those that are answers (options, offers, quick replies)."""
    out = set()
    for o in outputs:
        for row in getattr(o, "buttons", ()):
            for b in row:
                action = b.data.split(":")[1] if ":" in b.data else ""
                if action not in ("c", "t", "offer", "q", "e", "rs", "rm", "pg"):
                    out.add(key(b.label))
    return out


inputs = st.one_of(
    st.tuples(st.just("plan"), st.integers(min_value=1, max_value=25)),
    st.tuples(st.just("type"), decorated(STATIC_LABELS)),
    st.tuples(st.just("type"), decorated(OTHER_WORDS)),
    st.tuples(st.just("type"), st.text(max_size=30)),
    st.tuples(st.just("press"), st.integers(min_value=0, max_value=60)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(form_key=st.sampled_from(["archive", "followup"]), role=st.sampled_from(["worker", "surveyor", "staff"]),
       script=st.lists(inputs, min_size=1, max_size=30))
def test_no_typed_command_word_or_button_label_is_ever_stored(registry: Registry, form_key: str, role: str,
                                                             script: list[tuple[str, Any]]) -> None:
    form = registry.form(form_key)
    plan = WANG if form_key == "archive" else ALL_MET
    ctx = Context(today=date(2026, 11, 29), now="2026-11-29 10:30", actor_id="1", actor_name="张调查员",
                  region_names=registry.standards.region_names(), assess=registry.assess,
                  find_duplicate=lambda n: None)
    options = _options(registry)
    forbidden = ({key(w) for w in STATIC_LABELS} - options) - {""}
    step = advance(form, new_state(form, role="staff" if form_key == "followup" else role), Input("start"), ctx)
    for kind, arg in script:
        if step.state["status"] != "draft":
            break
        seen = _labels(list(step.outputs)) - options
        if kind == "plan":
            for _ in range(arg):
                inp = next_input(step.outputs, plan, sign=False)
                if inp is None:
                    break
                step = advance(form, step.state, inp, ctx)
            continue
        if kind == "press":
            data = [b.data for o in step.outputs for row in getattr(o, "buttons", ()) for b in row]
            inp = Input("button", data=data[arg % len(data)]) if data else Input("start")
        else:
            inp = Input("text", text=arg)
        step = advance(form, json.loads(json.dumps(step.state)), inp, ctx)
        for value in _stored(step.state["answers"]):
            assert key(value) not in forbidden | seen, f"{inp!r} stored {value!r}"


def test_the_checked_words_include_every_command_and_the_decorated_buttons() -> None:
    keys = {key(w) for w in STATIC_LABELS}
    for word in ("返回", "跳过", "查看", "取消", "完成", "下一页", "确认签字提交", "继续填写", "登记完毕", "完成(已选1)",
                 "再添加一位", "保留原答案,下一项"):
        assert key(word) in keys, word
    assert key("下一页 »") == key("下一页") and key("Ｂａｃｋ") == "back" and key("返 回") == "返回"
