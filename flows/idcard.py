"""Rules of the 18-character citizen ID number (GB 11643-1999), without any wording.

``read_id_number`` returns either the decoded number or a problem code; the
validators module turns problems into catalog messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
EARLIEST_BIRTH = date(1900, 1, 1)
MALE = "男"
FEMALE = "女"

# First two digits of the region code: provinces, autonomous regions,
# municipalities, Taiwan (71), Hong Kong (81), Macao (82).
PROVINCE_CODES: frozenset[str] = frozenset(
    [str(n) for n in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47))]
    + [str(n) for n in (*range(50, 55), *range(61, 66), 71, 81, 82)]
)

_DIGITS = frozenset("0123456789")


@dataclass(frozen=True)
class IdNumber:
    """A well-formed ID number and what it encodes."""

    number: str
    birth_date: date
    sex: str
    region_code: str
    known_province: bool


@dataclass(frozen=True)
class IdProblem:
    """Why a string is not an ID number; ``code`` selects the message."""

    code: str  # old15 | length | non_digit | bad_date | too_old | future | check_digit
    length: int = 0
    position: int = 0  # 1-based
    char: str = ""
    birth: str = ""


def id_check_digit(first17: str) -> str:
    """Return the GB 11643-1999 check character ("0"-"9" or "X") for 17 ASCII digits."""
    if len(first17) != 17 or not set(first17) <= _DIGITS:
        raise ValueError("id_check_digit needs exactly 17 ASCII digits")
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def read_id_number(compact: str, today: date) -> IdNumber | IdProblem:
    """Decode an ID number already stripped of spaces; the first problem found wins."""
    if len(compact) != 18:
        if len(compact) == 15 and set(compact) <= _DIGITS:
            return IdProblem("old15", length=15)
        return IdProblem("length", length=len(compact))
    number = compact[:17] + compact[17].upper()
    for position, char in enumerate(number, start=1):
        if char not in _DIGITS and not (position == 18 and char == "X"):
            return IdProblem("non_digit", position=position, char=char)
    raw = number[6:14]
    try:
        birth = date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        return IdProblem("bad_date", birth=raw)
    if birth < EARLIEST_BIRTH:
        return IdProblem("too_old", birth=birth.isoformat())
    if birth > today:
        return IdProblem("future", birth=birth.isoformat())
    if id_check_digit(number[:17]) != number[17]:
        return IdProblem("check_digit")
    return IdNumber(
        number=number,
        birth_date=birth,
        sex=MALE if int(number[16]) % 2 else FEMALE,
        region_code=number[:6],
        known_province=number[:2] in PROVINCE_CODES,
    )
