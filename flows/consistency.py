"""A household checked against itself: ID numbers, ages and relations, and 家庭人口 that cannot all be true.

Pure: reads the archive form's answers (worker keys at the top, ``answers["members"]``
a list of dicts with the ``members`` group's keys) and returns the problems with the
numbers that show them. Only a repeated ID number is refused; the rest are warnings,
because a real household can be unusual and the person decides.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Mapping, Sequence

from flows.catalog import t
from flows.display import mask_id
from flows.idcard import IdNumber, read_id_number

REFUSE = "refuse"
WARN = "warn"

# --- the rules' data -------------------------------------------------------------------------
CHILD_RELATIONS: frozenset[str] = frozenset({"子", "女"})
PARENT_RELATIONS: frozenset[str] = frozenset({"父亲", "母亲"})
SPOUSE_RELATION = "配偶"
MIN_PARENT_GAP = 12      # years between a parent's and a child's birth below which one of them is a typo
MIN_SPOUSE_AGE = 18
# Oldest plausible age for each 身份 of a pupil or student (the 其他 注明 words too).
STUDENT_MAX_AGE: dict[str, int] = {
    "学龄前儿童": 7, "小学生": 18, "初中生": 20,
    "高中生": 30, "大学生": 30, "学生": 30, "中专生": 30, "技校生": 30, "职高生": 30,
}
MEMBERS_KEY = "members"
CHECKS_KEY = "checks"  # the interview state's key for the checks stored at submit (checks_to_json)
_MEMBER_PATH = re.compile(rf"{MEMBERS_KEY}\.(\d+)\.id_number")


@dataclass(frozen=True)
class Check:
    """One inconsistency: stable code, the answer path to correct, the Chinese message, refuse or warn."""

    code: str
    path: str
    message: str
    severity: str  # REFUSE | WARN


def _t(key: str, **kwargs: Any) -> str:
    return t(key, **kwargs)


def checks_to_json(checks: Sequence[Check]) -> list[dict[str, str]]:
    """The checks as stored with the record (JSON-ready)."""
    return [asdict(c) for c in checks]


# --- reading the answers -----------------------------------------------------------------------
def _id(value: Any) -> str:
    return "".join(str(value).split()).upper() if value not in (None, "") else ""


def _decoded(value: Any, today: date) -> IdNumber | None:
    found = read_id_number(_id(value), today) if _id(value) else None
    return found if isinstance(found, IdNumber) else None


def _date(value: Any) -> tuple[date, bool] | None:
    """A stored date and whether it has a day (YYYY-MM-DD) or only a month (YYYY-MM)."""
    if isinstance(value, date):
        return value, True
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", str(value or "").strip())
    if m is None:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3] or 1)), m[3] is not None
    except ValueError:
        return None


def _shown(d: tuple[date, bool]) -> str:
    return d[0].isoformat() if d[1] else d[0].isoformat()[:7]


def _years(earlier: date, later: date) -> int:
    """Whole years from earlier to later (an age at ``later``)."""
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


def _members(answers: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = answers.get(MEMBERS_KEY)
    return [m for m in raw if isinstance(m, Mapping)] if isinstance(raw, list) else []


def _who(index: int, member: Mapping[str, Any]) -> str:
    name = str(member.get("name") or "").strip()
    return _t("check.member", n=index + 1, name=name) if name else _t("check.member_unnamed", n=index + 1)


def _birth(person: Mapping[str, Any], today: date) -> tuple[date, bool] | None:
    # The birth date as recorded; when it was not given, the one the ID number carries.
    stored = _date(person.get("birth_date"))
    if stored is not None:
        return stored
    found = _decoded(person.get("id_number"), today)
    return (found.birth_date, True) if found else None


# --- the rules ----------------------------------------------------------------------------------
def id_conflict(answers: Mapping[str, Any], path: str, value: Any) -> Check | None:
    """A refusal when the ID number typed at ``path`` is already the worker's or another member's."""
    number = _id(value)
    if not number:
        return None
    members = _members(answers)
    if path == "id_number":  # the worker's own ID number, typed or corrected after the members
        for j, other in enumerate(members):
            if _id(other.get("id_number")) == number:
                return Check("check.worker_id_member", path, _t(
                    "check.worker_id_member", masked=mask_id(number), other=_who(j, other)), REFUSE)
        return None
    m = _MEMBER_PATH.fullmatch(path)
    if m is None:
        return None
    index = int(m[1])
    member = members[index] if index < len(members) else {}
    who = _who(index, member)
    if _id(answers.get("id_number")) == number:
        return Check("check.member_id_same", path, _t("check.member_id_same", who=who, masked=mask_id(number)),
                     REFUSE)
    for j, other in enumerate(members):
        if j != index and _id(other.get("id_number")) == number:
            return Check("check.member_id_twice", path, _t(
                "check.member_id_twice", who=who, masked=mask_id(number), other=_who(j, other)), REFUSE)
    return None


def _id_checks(answers: Mapping[str, Any]) -> list[Check]:
    out: list[Check] = []
    worker = _id(answers.get("id_number"))
    seen: dict[str, int] = {}
    for i, member in enumerate(_members(answers)):
        number = _id(member.get("id_number"))
        if not number:
            continue
        path, who = f"{MEMBERS_KEY}.{i}.id_number", _who(i, member)
        if number == worker:
            out.append(Check("check.member_id_same", path,
                             _t("check.member_id_same", who=who, masked=mask_id(number)), REFUSE))
        elif number in seen:
            j = seen[number]
            out.append(Check("check.member_id_twice", path, _t(
                "check.member_id_twice", who=who, masked=mask_id(number), other=_who(j, _members(answers)[j])),
                REFUSE))
        else:
            seen[number] = i
    return out


def _relation_checks(answers: Mapping[str, Any], today: date) -> list[Check]:
    out: list[Check] = []
    worker_birth = _birth(answers, today)
    for i, member in enumerate(_members(answers)):
        relation, birth = str(member.get("relation") or ""), _birth(member, today)
        if birth is None:
            continue
        path, who = f"{MEMBERS_KEY}.{i}.birth_date", _who(i, member)
        facts = {"who": who, "relation": relation, "birth": _shown(birth)}
        if worker_birth is not None and relation in CHILD_RELATIONS:
            facts["worker_birth"] = _shown(worker_birth)
            if birth[0] <= worker_birth[0]:
                out.append(Check("check.child_older", path, _t("check.child_older", **facts), WARN))
            elif (gap := _years(worker_birth[0], birth[0])) < MIN_PARENT_GAP:
                out.append(Check("check.child_too_close", path, _t("check.child_too_close", gap=gap, **facts), WARN))
        if worker_birth is not None and relation in PARENT_RELATIONS:
            gap = _years(birth[0], worker_birth[0])
            if gap < MIN_PARENT_GAP:
                facts["worker_birth"] = _shown(worker_birth)
                out.append(Check("check.parent_too_close", path,
                                 _t("check.parent_too_close", gap=max(gap, 0), **facts), WARN))
        age = _years(birth[0], today)
        if relation == SPOUSE_RELATION and 0 <= age < MIN_SPOUSE_AGE:
            out.append(Check("check.spouse_minor", path,
                             _t("check.spouse_minor", age=age, min_age=MIN_SPOUSE_AGE, **facts), WARN))
        identity = str(member.get("identity") or "")
        limit = STUDENT_MAX_AGE.get(identity)
        if limit is not None and age > limit:
            out.append(Check("check.student_age", f"{MEMBERS_KEY}.{i}.identity", _t(
                "check.student_age", identity=identity, age=age, max_age=limit, **facts), WARN))
    return out


def _size_check(answers: Mapping[str, Any]) -> list[Check]:
    try:
        size = int(str(answers.get("household_size")))
    except ValueError:
        return []
    registered = len(_members(answers))
    if size == registered + 1:
        return []
    return [Check("check.household_size", "household_size", _t(
        "check.household_size", size=size, members=registered, total=registered + 1), WARN)]


def _id_agreement(person: Mapping[str, Any], prefix: str, who: str, today: date) -> list[Check]:
    found = _decoded(person.get("id_number"), today)
    if found is None:
        return []
    out: list[Check] = []
    birth = _date(person.get("birth_date"))
    if birth is not None:
        # A month-only birth date agrees when its month is the ID number's.
        same = (birth[0] == found.birth_date if birth[1]
                else (birth[0].year, birth[0].month) == (found.birth_date.year, found.birth_date.month))
        if not same:
            out.append(Check("check.birth_id", prefix + "birth_date", _t(
                "check.birth_id", who=who, birth=_shown(birth), masked=mask_id(found.number),
                id_birth=found.birth_date.isoformat()), WARN))
    sex = str(person.get("sex") or "")
    if sex and sex != found.sex:
        out.append(Check("check.sex_id", prefix + "sex", _t(
            "check.sex_id", who=who, sex=sex, masked=mask_id(found.number), id_sex=found.sex), WARN))
    return out


def household_warnings(answers: Mapping[str, Any], *, today: date) -> list[Check]:
    """Every inconsistency of the household with itself: refusals (repeated ID numbers) first, then warnings."""
    checks = _id_checks(answers)
    checks += _id_agreement(answers, "", _t("check.worker"), today)
    for i, member in enumerate(_members(answers)):
        checks += _id_agreement(member, f"{MEMBERS_KEY}.{i}.", _who(i, member), today)
    checks += _relation_checks(answers, today)
    checks += _size_check(answers)
    return checks


def refusals(checks: Sequence[Check]) -> list[Check]:
    """The checks that block signing and submitting."""
    return [c for c in checks if c.severity == REFUSE]


def stored_checks(state: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The checks stored with a submitted record (empty when none, or stored before they existed)."""
    raw = state.get(CHECKS_KEY) if isinstance(state, Mapping) else None
    return [c for c in raw if isinstance(c, Mapping) and c.get("message")] if isinstance(raw, list) else []


def stored_checks_lines(state: Mapping[str, Any]) -> list[str]:
    """The stored checks as staff read them on a record card: a title and one numbered line each."""
    found = stored_checks(state)
    if not found:
        return []
    return [_t("check.stored_title", n=len(found))] + [
        _t("check.review_item", n=i, message=c["message"]) for i, c in enumerate(found, start=1)]
