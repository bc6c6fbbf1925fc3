"""The front of a 居民身份证 as OCR lines → the fields it shows, without any wording or I/O.

``read_card(lines, today)`` takes the recognised text lines in reading order (top to bottom, left to
right; a label and its value may be one line or two) and returns a ``CardReading``. Only what is sure
is kept: the number only when its GB 11643 check digit (and date) is right (``flows.idcard`` decides),
民族 only when it is one of the 56, 出生 and 性别 compared with the number (the number wins; a
disagreement is listed in ``conflicts``). Nothing here is stored: the engine offers each value for
confirmation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Sequence

from flows.idcard import IdNumber, read_id_number
from flows.names import NAME_DOTS
from flows.answers import Valid
from flows.validators import parse_ethnicity

LABELS = ("姓名", "性别", "民族", "出生", "住址", "公民身份号码")
# Words of the labels printed on an ID card or a 户口簿 page: a "name" holding one is a misread row
NOT_IN_A_NAME = ("姓名", "性别", "民族", "出生", "住址", "公民", "身份", "号码", "户主", "关系", "曾用名", "籍贯",
                 "宗教", "编号", "登记", "婚姻", "文化程度", "职业", "迁来")
# What OCR reads in place of a digit or X (fullwidth forms are folded by NFKC-like mapping below).
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1", "Z": "2",
                                   "S": "5", "B": "8", "x": "X", "×": "X", "Ⅹ": "X"})
_FULLWIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"Ｘ": "X", "ｘ": "X", "：": ":"})
_NUMBER = re.compile(r"[0-9]{17}[0-9X]")
_BIRTH = re.compile(r"(\d{4})\D{0,2}?年?\s*(\d{1,2})\D{0,2}?月?\s*(\d{1,2})")
_NAME_DOT_RE = re.compile("[" + re.escape(NAME_DOTS) + "]")
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class CardReading:
    """What was read from one card front; an empty string where nothing sure was read."""

    name: str = ""
    sex: str = ""
    ethnicity: str = ""
    birth_date: str = ""  # ISO
    address: str = ""
    id_number: str = ""
    conflicts: tuple[str, ...] = field(default=())  # "birth_date" / "sex": the card text disagrees with the number
    rejected_number: bool = False  # an 18-character number was seen but its check digit or date is wrong
    document: str = "id_card"  # what the photo showed: "id_card" (a card front) or "hukou" (a 户口簿 page)

    def values(self) -> dict[str, str]:
        """The fields read, keyed as the form names them (empty ones left out)."""
        out = {"name": self.name, "sex": self.sex, "ethnicity": self.ethnicity, "birth_date": self.birth_date,
               "address": self.address, "id_number": self.id_number}
        return {k: v for k, v in out.items() if v}

    def as_state(self) -> dict[str, Any]:
        """A JSON-able form of the reading (what an adapter hands the engine)."""
        return {"values": self.values(), "conflicts": list(self.conflicts), "rejected_number": self.rejected_number,
                "document": self.document}


def clean_line(line: str) -> str:
    """One OCR line with its spaces dropped and fullwidth digits, X and colons folded."""
    return re.sub(r"\s+", "", line.translate(_FULLWIDTH)).strip(":")


def _after(line: str, label: str) -> str | None:
    """The text after ``label`` in ``line`` (None when the label is not there)."""
    at = line.find(label)
    return None if at < 0 else line[at + len(label):].lstrip(":")


def _number_in(text: str) -> str | None:
    folded = text.translate(_DIGIT_LOOKALIKES)
    m = _NUMBER.search(folded)
    return m.group(0) if m else None


def _name(text: str) -> str:
    text = _NAME_DOT_RE.sub("·", text).strip("·")
    kept = "".join(ch for ch in text if _HAN.match(ch) or ch == "·")
    if any(word in kept for word in NOT_IN_A_NAME):
        return ""  # a label ran into the value (a 户口簿 row read as one line): not a name, not offered
    return kept if 2 <= len(kept) <= 30 else ""


def _ethnicity(text: str) -> str:
    text = "".join(ch for ch in text if _HAN.match(ch))
    for candidate in (text, text[:4], text[:3], text[:2], text[:1]):
        if candidate:
            found = parse_ethnicity(candidate)
            if isinstance(found, Valid):
                return str(found.value)
    return ""


def _birth(text: str) -> str:
    m = _BIRTH.search(text)
    if not m:
        return ""
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return ""


def _label_at(line: str) -> str | None:
    return next((lab for lab in LABELS if line.startswith(lab)), None)


def read_card(lines: Sequence[str], today: date) -> CardReading:
    """Read the fields of a card front from its OCR lines (see the module docstring)."""
    rows = [clean_line(ln) for ln in lines]
    rows = [r for r in rows if r]
    name = sex = nation = birth_text = ""
    address: list[str] = []
    number_text = ""
    in_address = False
    for i, row in enumerate(rows):
        label = _label_at(row) or ("公民身份号码" if "身份号码" in row or _number_in(row) else None)
        if label is None:
            if in_address:
                address.append(row)
            continue
        in_address = False
        rest = _after(row, label) if row.startswith(label) else row
        nxt = rows[i + 1] if i + 1 < len(rows) and _label_at(rows[i + 1]) is None else ""
        if label == "姓名":
            name = rest or nxt
        elif label in ("性别", "民族"):
            # 性别男民族汉 on one line, or 性别 / 男 / 民族 / 汉 split
            part_sex = _after(row, "性别")
            if part_sex is not None:
                seg = part_sex.split("民族")[0] or nxt
                sex = next((ch for ch in seg if ch in "男女"), sex)
            part_nation = _after(row, "民族")
            if part_nation is not None:
                nation = part_nation or nxt
        elif label == "出生":
            birth_text = rest or nxt
        elif label == "住址":
            in_address = True
            if rest:
                address.append(rest)
        else:
            number_text = number_text or (_after(row, "身份号码") if "身份号码" in row else row) or nxt
    return decide(name, sex, nation, birth_text, address, number_text, today)


def decide(name: str, sex: str, nation: str, birth_text: str, address: list[str], number_text: str,
           today: date) -> CardReading:
    """The sure values among the texts read next to each label (the number checked, the others cleaned)."""
    number = ""
    rejected = False
    found = _number_in(number_text)
    decoded: IdNumber | None = None
    if found:
        got = read_id_number(found, today)
        if isinstance(got, IdNumber):
            decoded, number = got, got.number
        else:
            rejected = True
    birth = _birth(birth_text)
    conflicts: list[str] = []
    if decoded is not None:
        if birth and birth != decoded.birth_date.isoformat():
            conflicts.append("birth_date")
        if sex and sex != decoded.sex:
            conflicts.append("sex")
        birth, sex = decoded.birth_date.isoformat(), decoded.sex  # the number wins
    addr = "".join(address)
    addr = "".join(ch for ch in addr if ch.isalnum() or ch in "-（）()#·")[:120]
    return CardReading(name=_name(name), sex=sex, ethnicity=_ethnicity(nation), birth_date=birth,
                       address=addr if len(addr) >= 4 else "", id_number=number, conflicts=tuple(conflicts),
                       rejected_number=rejected)
