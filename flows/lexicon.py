"""The one list of words people answer with (yes, no, skip, back, done …), as data, and how to match them.

Every part of the engine that reads a command or a yes/no answer asks this module, so a synonym
added here is understood everywhere: yes/no questions, group questions ("add another?"), offers,
confirmations, menus and the review. Synonyms are written as people type them; ``match``
normalises both sides the same way (full-width to ASCII, no spaces, lower case, no trailing
punctuation).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Mapping

Word = str  # a key of WORDS, e.g. "yes", "back"

# Words a person may type anywhere, whatever is being asked: the engine's commands.
COMMAND_WORDS: tuple[Word, ...] = ("back", "skip", "review", "cancel", "help", "resume")

WORDS: Mapping[Word, tuple[str, ...]] = {
    # --- commands, understood at every question ---
    "back": ("返回", "上一步", "上一题", "后退", "/back", "back"),
    "skip": ("跳过", "/skip", "skip", "不填"),
    "review": ("查看", "核对", "/review", "review", "查看已填"),
    "cancel": ("取消", "/cancel", "cancel", "退出", "不填了"),
    "help": ("帮助", "/help", "help", "?", "？", "怎么填"),
    "resume": ("/start", "继续", "/resume"),
    # --- answers to a yes/no question, a confirmation, an offer or "add another?" ---
    "yes": ("是", "是的", "对", "对的", "有", "有的", "要", "好", "好的", "嗯", "嗯嗯", "是啊", "对呀", "可以", "行", "确认", "确定",
            "正确", "没错", "ok", "y", "yes", "true"),
    "no": ("否", "不", "不是", "不是的", "不对", "不要", "不用", "不用了", "没有", "没有了", "没了", "没", "没得", "冇", "无",
           "算了", "n", "no", "false"),
    # the "no" buttons of confirmations, typed: no to the confirmation, not an answer to a question
    "decline": ("不，继续填", "重新输入"),
    # --- menus ---
    "sign": ("确认签字提交", "确认提交", "签字", "提交", "签字提交"),
    "continue": ("继续", "继续填写"),
    "add": ("添加", "增加", "加一", "再加", "再添加", "还有", "还有一个", "还有一位"),
    "remove": ("删除", "删", "去掉"),
    "done": ("完成", "完成了", "完了", "好了", "选好了", "结束", "登记完毕", "就这些", "就这些了"),  # 没有了 is a no: at a menu, no means done
    "next_page": ("下一页", "下页", "后一页"),
    "prev_page": ("上一页", "上页", "前一页"),
}

# Words recognised by a part, at the group menu only, where a whole button label ("再添加一位",
# "删除一位", "没有，跳过", "登记完毕") or a short sentence ("添加一个家庭成员") is typed.
STEMS: Mapping[Word, tuple[str, ...]] = {
    "add": ("添加", "增加", "加一"),
    "remove": ("删",),
    "done": ("完", "没有", "无", "好了", "结束"),
    "edit": ("修改",),  # at the review: "修改 3", "3"
    "open_existing": ("打开",),  # a duplicate ID: open the record on file …
    "create_new": ("新建",),  # … or go on with a new one
}

# How a yes/no answer is written in data: the form file's conditions (``dibao == 否``) and JSON inputs.
YES_TEXT, NO_TEXT = "是", "否"
# The reply the offer prompt names (catalog engine.offer: 正确请……回复“对”), as a driver types it.
OFFER_YES = "对"

# A yes/no question shows 是 before 否; typing the position (or 0) answers it.
YES_NO_NUMBERS: Mapping[str, Word] = {"1": "yes", "2": "no", "0": "no"}

_TRAILING = "。.!！~～,，、;；…"
# Spellings people type for an option's word (其它 for 其他): read as the form writes it.
SPELLINGS: Mapping[str, str] = {"其它": "其他"}
LABEL_HEADS = ("是否为", "是否")  # a question label's lead a reviewer leaves out (零就业家庭 names 是否为零就业家庭)
# Sentence-final particles a typed word may carry (签字提交了, 完成吧, 好了): peeled before matching a word.
PARTICLES = "的了啊呀吧哦呢啦嘛"
# What button labels are decorated with (» « ✔ ✅ ✏ …): a label typed with or without it is the same label.
DECORATION = "«»‹›<>✔✓✅☑✏✎▶◀►◄→←↑↓⬅➡•·\ufe0f\u200d"
_MAX_WORD = 12  # longer texts are answers, never a command word


def normalize(text: str) -> str:
    """The matching form of a text: NFKC (full-width to ASCII), no spaces, lower case, no trailing punctuation."""
    folded = "".join(unicodedata.normalize("NFKC", text or "").split()).lower()
    stripped = folded.rstrip(_TRAILING)
    return stripped or folded  # "。" alone stays what it was rather than becoming ""


_INDEX: dict[Word, frozenset[str]] = {w: frozenset(normalize(s) for s in syn) for w, syn in WORDS.items()}


def match(text: str, among: Iterable[Word] = COMMAND_WORDS) -> Word | None:
    """The first word of ``among`` that ``text`` says, or None."""
    key = normalize(text)
    if not key or len(key) > _MAX_WORD:
        return None
    for word in among:
        if key in _INDEX[word]:
            return word
    return None


# What a button's label carries besides its word: arrows and ticks (下一页 », « 上一页, ✅ …) and the count
# of a several-choice question's 完成 button (完成（已选 1）, normalised to 完成(已选1)).
_COUNT = re.compile(r"\(已选\d+(?:项)?\)$")


def button_word(text: str, among: Iterable[Word]) -> Word | None:
    """The first word of ``among`` that ``text`` says, typed bare or as its button reads (下一页 », 完成（已选 1）)."""
    key = _COUNT.sub("", normalize(text)).strip(DECORATION)
    return match(key, among) if key else None


def command(text: str) -> Word | None:
    """The engine command a text is (back, skip, review, cancel, help, resume), or None."""
    return match(text, COMMAND_WORDS)


def yes_no(text: str) -> bool | None:
    """True for a yes word, False for a no word, None for anything else."""
    word = match(text, ("yes", "no"))
    return None if word is None else word == "yes"


def yes_no_answer(text: str) -> bool | None:
    """The answer to a yes/no question: a yes or no word, or the position of 是 (1) / 否 (2, 0)."""
    found = yes_no(text)
    if found is None:
        numbered = YES_NO_NUMBERS.get(normalize(text))
        found = None if numbered is None else numbered == "yes"
    return found


def mentions(text: str, among: Iterable[Word]) -> Word | None:
    """The first word of ``among`` whose stem occurs in ``text`` (group menus), or None."""
    key = normalize(text)
    for word in among:
        if any(stem in key for stem in STEMS.get(word, ())):
            return word
    return None


def without(text: str, word: Word) -> str:
    """``text`` normalised, with every stem of ``word`` taken out ("修改3" → "3")."""
    key = normalize(text)
    for stem in STEMS.get(word, ()):
        key = key.replace(stem, "")
    return key


def words(word: Word) -> tuple[str, ...]:
    """The synonyms of one word, as written in the table."""
    return WORDS[word]
