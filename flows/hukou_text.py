"""A 户口簿 person page (常住人口登记卡) as OCR lines → the fields it shows; and which document a photo is.

The page is a table: each row holds several label cells with their values between them, and OCR joins a
row's cells into one line ("姓名张三户主或与户主关系妻"). So a row is cut at every label the page prints
(longest first, so 出生日期 is not 出生地), and each label's value is the text up to the next label. Of
what the page shows, the fields an archive asks are kept: 姓名, 性别, 民族, 出生日期 and 公民身份证件编号,
checked the way a card's are (``flows.idcard_text.decide``: the number only with a right check digit,
the number wins over the printed date and sex). 户主或与户主关系 is not offered: it is the relation to the
head of the 户口簿, not to the worker. The 户主页 (户别, 户主姓名, 户号, 住址) names nobody's own fields.

``read_identity(lines, today)`` is what a photo's reader calls: a 户口簿 page when it carries a label only
that page has, else the front of a 居民身份证.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Sequence

from dataclasses import replace

from flows.idcard_text import CardReading, clean_line, decide, read_card

# Every label of the person page (and of the 户主页), fragments included, so that no label's words end
# up inside a value: "本市（县）其他住址" is matched by 其他住址 whatever OCR makes of its brackets.
PAGE_LABELS = ("户主或与户主关系", "与户主关系", "户主关系", "户主或与", "户主姓名", "曾用名", "出生地", "出生日期",
               "籍贯", "民族", "性别", "姓名", "其他住址", "宗教信仰", "公民身份证件编号", "身份证件编号", "身高", "血型",
               "文化程度", "婚姻状况", "兵役状况", "服务处所", "职业", "迁来本市", "迁来本址", "承办人签章", "登记日期",
               "户别", "户号", "住址", "常住人口登记卡")
_BY_LENGTH = sorted(PAGE_LABELS, key=len, reverse=True)
# Labels a card front never prints: one of them and the photo is a 户口簿 page
ONLY_ON_A_PAGE = ("户主", "曾用名", "出生地", "籍贯", "证件编号", "宗教信仰", "婚姻状况", "兵役状况", "服务处所",
                  "常住人口登记卡", "户别", "户号", "登记日期")
_SPACE = re.compile(r"\s+")


def is_register_page(lines: Sequence[str]) -> bool:
    """True when the lines carry a label that only a 户口簿 page prints."""
    text = _SPACE.sub("", "".join(lines))
    return any(word in text for word in ONLY_ON_A_PAGE)


def cells(row: str) -> list[tuple[str, str]]:
    """(label, value) pairs of one table row; text before the first label comes first, as ("", text)."""
    out: list[tuple[str, str]] = []
    i, start, label = 0, 0, ""
    while i < len(row):
        found = next((lab for lab in _BY_LENGTH if row.startswith(lab, i)), None)
        if found is None:
            i += 1
            continue
        if label or row[start:i]:
            out.append((label, row[start:i].strip(":：")))
        label, i = found, i + len(found)
        start = i
    if label or row[start:]:
        out.append((label, row[start:].strip(":：")))
    return out


def read_register_page(lines: Sequence[str], today: date) -> CardReading:
    """Read a 常住人口登记卡's own fields (see the module docstring); nothing stored, all offered."""
    values: dict[str, str] = {}
    waiting: str | None = None  # a label whose value cell OCR put on the next line
    for line in lines:
        pairs = cells(clean_line(line))
        for at, (label, value) in enumerate(pairs):
            if not label:  # text before any label: the value of the label that ended the line above
                if waiting is not None and value:
                    values.setdefault(waiting, value)
            elif value:
                values.setdefault(label, value)
        waiting = pairs[-1][0] if pairs and pairs[-1][0] and not pairs[-1][1] else None
    number = values.get("公民身份证件编号") or values.get("身份证件编号") or ""
    reading = decide(values.get("姓名", ""), _sex(values.get("性别", "")), values.get("民族", ""),
                     values.get("出生日期", ""), [], number, today)
    return replace(reading, document="hukou")


def _sex(text: str) -> str:
    return next((ch for ch in text if ch in "男女"), "")


def read_identity(lines: Sequence[str], today: date) -> CardReading:
    """The fields of a photo of an identity document: a 户口簿 page or the front of an ID card."""
    return read_register_page(lines, today) if is_register_page(lines) else read_card(lines, today)
