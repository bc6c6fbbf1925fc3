"""Words typed at a free-text question that are not its value: yes/no words, skip and command words, button labels.

The lists are data on purpose: the lead merges them into the one project lexicon
(``flows/lexicon.py``). Matching is on a folded key (full-width to ASCII, no spaces,
lower case, trailing punctuation and a trailing 的/了 dropped), never on substrings,
so a real value that merely contains such a word (无锡银行, 继续教育学院) is kept.
"""

from __future__ import annotations

import re
import unicodedata

from flows.lexicon import COMMAND_WORDS as ENGINE_COMMANDS, DECORATION, PARTICLES, match, normalize

# --- the word lists (data) -------------------------------------------------------------------
YES_WORDS: frozenset[str] = frozenset({
    "是", "是的", "是啊", "对", "对的", "对啊", "有", "有的", "要", "好", "好的", "好吧", "嗯", "嗯嗯", "恩",
    "可以", "行", "行的", "没问题", "确认", "确定", "正确", "没错", "收到", "知道了", "ok", "okay", "yes", "y",
    "👍", "👌", "🆗",
})
NO_WORDS: frozenset[str] = frozenset({
    "否", "不", "不是", "没", "没有", "没有了", "没得", "木有", "无", "暂无", "空", "不用", "不用了", "不需要",
    "不要", "算了", "不对", "不知道", "不清楚", "不详", "无业", "没单位", "无单位", "没工作", "没上学",
    "没有银行卡", "没有卡", "没办卡", "没开户",
    "no", "none", "n", "nil", "null", "na", "n/a", "-", "--", "/", "\\",
})
SKIP_WORDS: frozenset[str] = frozenset({
    "跳过", "跳", "略过", "不填", "不填了", "先不填", "以后再填", "暂不填写", "下一个", "下一题", "下一项",
    "skip", "pass", "/skip",
})
# What the engine treats as commands, plus the menu verbs a person types from a button they saw.
COMMAND_WORDS: frozenset[str] = frozenset({
    "返回", "上一步", "上一题", "后退", "回去", "查看", "核对", "查看已填", "取消", "退出", "帮助", "怎么填",
    "继续", "添加", "删除", "完成", "修改", "提交", "签字", "下一页", "上一页", "重新输入", "重来", "菜单",
    "?", "back", "review", "cancel", "help", "/start", "/back", "/review", "/cancel", "/help", "/resume",
})
# Button labels of the interview (catalog engine.* / tg.*), decoration already stripped.
BUTTON_LABELS: frozenset[str] = frozenset({
    "确认签字提交", "确认提交", "继续填写", "登记完毕", "没有,跳过", "没有跳过", "保留原答案,下一项",
    "保留原答案下一项", "打开那份档案", "仍然新建", "接手并补充帮扶计划", "调整困难类别", "标记脱困",
})
# Buttons whose label carries a number or a measure word: 完成（已选 2）, 再添加一位, 添加第1位家庭成员.
BUTTON_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"完成\(已选\d+\)"),
    re.compile(r"(再添加|删除)一[位个项]"),
    re.compile(r"添加第\d+[位个项].{0,8}"),
)
# Decoration buttons carry (» « ✔ ✅ ✏ …): a label typed with or without it is the same label.
_DECORATION = re.compile("[" + re.escape(DECORATION) + "]")
_TRAILING = "。.!！~～,，、;；:：\"'“”‘’"
_PARTICLES = PARTICLES

KINDS = ("yes", "no", "skip", "command", "button")


def fold(text: str) -> str:
    """The matching key: NFKC, lower case, no whitespace, no trailing punctuation."""
    s = "".join(unicodedata.normalize("NFKC", text).lower().split())
    return s.rstrip(_TRAILING)


def _keys(text: str) -> tuple[str, ...]:
    # The folded text, then the same without a trailing particle (没有了 is a word, 好了 → 好).
    key = fold(text)
    bare = key.rstrip(_PARTICLES).rstrip(_TRAILING)
    return (key, bare) if bare and bare != key else (key,)


def _is_button(key: str) -> bool:
    plain = _DECORATION.sub("", key)
    return plain in BUTTON_LABELS or any(p.fullmatch(plain) for p in BUTTON_PATTERNS)


def not_an_answer(text: str) -> str | None:
    """The kind ("yes", "no", "skip", "command", "button") when text is such a word rather than a value."""
    if not text.strip():
        return None  # empty is the caller's "nothing typed", not a word
    keys = _keys(text)
    for key in keys:
        if key in SKIP_WORDS:
            return "skip"
        if key in COMMAND_WORDS:
            return "command"
        if _DECORATION.sub("", key) in COMMAND_WORDS:
            return "button"  # 下一页 » / « 上一页 as shown on the button
        if _is_button(key):
            return "button"
        if key in NO_WORDS:
            return "no"
        if key in YES_WORDS:
            return "yes"
    if not any(unicodedata.category(c)[0] in "LN" for c in keys[0]):  # also "。" or "…", folded to nothing
        return "no"  # only punctuation or symbols (“/”, “——”, “…”): the paper form's way to leave a box empty
    return None


# Menu words of the lexicon (签字提交, 继续填写, 登记完毕, 下一页 …): typed at a free-text question they
# are a button pressed by hand, never the answer.
_MENU_WORDS = ("sign", "continue", "add", "remove", "done", "next_page", "prev_page", "decline")


def undecorated(text: str) -> str:
    """A typed text without the decoration a button label carries (✔ 跳过 → 跳过)."""
    return normalize(text).strip(DECORATION + " ")


def typed_button(text: str) -> str | None:
    """What a text typed from a button is: a command or menu word of the lexicon ("command"), or a
    decorated label ("✔ 是") whose plain word is a non-answer; None for anything else."""
    bare = undecorated(text)
    if bare != normalize(text) and (kind := not_an_answer(bare)):
        return kind
    for candidate in (bare, bare.rstrip(PARTICLES)):
        if candidate and match(candidate, _MENU_WORDS + ENGINE_COMMANDS):
            return "command"
    return None
