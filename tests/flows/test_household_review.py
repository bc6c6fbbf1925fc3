"""A household checked against itself at the final review: every warning shown with its numbers and a
修改 button to the answer it concerns; a refusal blocks signing; the warnings are stored and exported."""

from __future__ import annotations

import copy
import string
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.service import IntakeService
from exports.columns import household_columns
from flows.catalog import MESSAGES, t
from flows.consistency import CHECKS_KEY, stored_checks_lines
from flows.engine import advance
from flows.outputs import Completed, Input, Notice, Review
from flows.registry import Registry
from tests.support.factory import load, make_user
from tests.support.household import submit, walk
from tests.support.plans import WANG, household

WORKER_ID = WANG["id_number"]


def _member(i: int, **changes: Any) -> list[dict[str, Any]]:
    members = copy.deepcopy(WANG["members"])
    members[i].update(changes)
    return members


def _no_id(i: int, **changes: Any) -> list[dict[str, Any]]:
    members = _member(i, **changes)
    members[i].pop("id_number", None)
    return members


def _final_review(registry: Registry, plan: dict[str, Any]) -> tuple[Any, Review]:
    done = walk(registry.form("archive"), plan, registry.context(actor_id="1", actor_name="张调查员"), sign=False)
    review = [o for o in done.step.outputs if isinstance(o, Review)][-1]
    assert review.final
    return done, review


def _fix_buttons(review: Review) -> dict[str, str]:
    """The 修改 buttons of a review: answer path → button label."""
    by_index = {it.index: it.path for _, items in review.sections for it in items}
    prefix = t("check.fix_button", label="")
    out = {}
    for row in review.buttons:
        for b in row:
            if b.label.startswith(prefix):
                out[by_index[int(b.data.rsplit(":", 1)[1])]] = b.label
    return out


def _signable(review: Review) -> bool:
    return any(b.label in (t("engine.sign_button"), t("engine.sign_button_surveyor")) for row in review.buttons
               for b in row)


CASES = [
    ("check.child_older", {"members": _no_id(1, birth_date="1970-05-01", sex="男", identity="灵活就业")},
     "members.1.birth_date", ["1970-05-01", "1975-03-14"]),
    ("check.child_too_close", {"members": _no_id(1, birth_date="1980-05-01", sex="男", identity="灵活就业")},
     "members.1.birth_date", ["1980-05-01", "5 岁"]),
    ("check.parent_too_close", {"members": _member(2, birth_date="1970-07-10")},
     "members.2.birth_date", ["1970-07-10", "1975-03-14"]),
    ("check.spouse_minor", {"members": _no_id(0, birth_date="2012-01-01", sex="女")},
     "members.0.birth_date", ["2012-01-01", "14 岁"]),
    ("check.student_age", {"members": _no_id(1, birth_date="1990-01-01", sex="男", identity="高中生")},
     "members.1.identity", ["高中生", "36 岁"]),
    ("check.household_size", {"household_size": "5", "months_below_standard": "8"}, "household_size", ["5 人", "3 位", "共 4 人"]),
    ("check.birth_id", {"members": _member(0, sex="女", birth_date="1978-06-13")},
     "members.0.birth_date", ["1978-06-13", "1978-06-12"]),
    ("check.sex_id", {"members": _member(0, sex="男")}, "members.0.sex", ["“男”", "“女”"]),
]


@pytest.mark.parametrize(("code", "changes", "path", "numbers"), CASES, ids=[c[0] for c in CASES])
def test_each_warning_is_shown_with_its_numbers_and_a_fix_button(registry: Registry, code: str,
                                                                 changes: dict[str, Any], path: str,
                                                                 numbers: list[str]) -> None:
    done, review = _final_review(registry, household(**changes))
    head = t(code, **_blank_fields(code)).split("{")[0][:4]  # the message's opening words
    warning_lines = [line for line in review.footer.splitlines() if all(n in line for n in numbers)]
    assert warning_lines, (code, review.footer)
    assert head in review.footer
    assert path in _fix_buttons(review), (code, _fix_buttons(review))
    assert _signable(review)  # a warning does not block
    # the 修改 button opens that very question
    data = next(b.data for row in review.buttons for b in row if b.label == _fix_buttons(review)[path])
    step = advance(registry.form("archive"), done.state, Input("button", data=data), registry.context())
    assert step.state["cursor"] == path and step.state["cursor_from"] == "review"


def _blank_fields(code: str) -> dict[str, str]:
    return {name: "" for _, name, _, _ in string.Formatter().parse(MESSAGES[code]) if name}


def test_a_consistent_household_has_no_checks(registry: Registry) -> None:
    _, review = _final_review(registry, household())
    assert t("check.review_title", n=1)[:6] not in review.footer
    assert _fix_buttons(review) == {} and _signable(review)


def _with_repeated_id(registry: Registry) -> Any:
    # A state from before the check at the question (or edited outside it): a son with the worker's number.
    done, _ = _final_review(registry, household())
    state = copy.deepcopy(done.state)
    state["answers"]["members"][1]["id_number"] = WORKER_ID
    return state


def test_a_refusal_blocks_signing_says_why_and_offers_the_fix(registry: Registry) -> None:
    form, ctx = registry.form("archive"), registry.context(actor_id="1", actor_name="张调查员")
    state = _with_repeated_id(registry)
    step = advance(form, state, Input("start"), ctx)
    review = [o for o in step.outputs if isinstance(o, Review)][-1]
    assert not _signable(review)
    assert t("check.review_refused") in review.footer and "与职工本人的相同" in review.footer
    assert "members.1.id_number" in _fix_buttons(review)
    for attempt in ("确认", "签字提交"):  # typed, as the review's hint allows
        typed = advance(form, step.state, Input("text", text=attempt), ctx)
        assert typed.state["status"] == "draft"
        assert not any(isinstance(o, Completed) for o in typed.outputs)
        errors = [o.text for o in typed.outputs if isinstance(o, Notice) and o.level == "error"]
        assert errors and "与职工本人的相同" in errors[0], typed.outputs


def test_a_stale_sign_button_cannot_submit_a_refused_household(registry: Registry) -> None:
    form, ctx = registry.form("archive"), registry.context(actor_id="1", actor_name="张调查员")
    done, review = _final_review(registry, household())
    sign = next(b.data for row in review.buttons for b in row if b.data.endswith(":sign"))
    state = copy.deepcopy(done.state)
    state["answers"]["members"][1]["id_number"] = WORKER_ID
    step = advance(form, state, Input("button", data=sign), ctx)
    assert step.state["status"] == "draft" and CHECKS_KEY not in step.state


def test_warnings_are_stored_with_the_record_shown_to_staff_and_exported(service: IntakeService) -> None:
    surveyor = make_user(service, "surveyor")
    hid = submit(service, surveyor, household(household_size="5", months_below_standard="8"))
    row = load(service, hid)
    stored = row.state[CHECKS_KEY]
    assert [c["code"] for c in stored] == ["check.household_size"] and stored[0]["severity"] == "warn"
    assert stored[0]["path"] == "household_size" and "5 人" in stored[0]["message"]
    lines = stored_checks_lines(row.state)
    assert len(lines) == 2 and "5 人" in lines[1]
    column = next(c for c in household_columns(service.registry.form("archive"), tz=ZoneInfo("Asia/Shanghai"))
                  if c.header == "核对提示")
    cell = column.get(row, row.state["answers"])
    assert cell is not None and "共 4 人" in cell


def test_a_consistent_record_stores_no_warnings_and_exports_an_empty_cell(service: IntakeService) -> None:
    surveyor = make_user(service, "surveyor")
    row = load(service, submit(service, surveyor, household()))
    assert row.state[CHECKS_KEY] == []
    column = next(c for c in household_columns(service.registry.form("archive"), tz=ZoneInfo("Asia/Shanghai"))
                  if c.header == "核对提示")
    assert column.get(row, {}) is None
    assert column.get(SimpleNamespace(state={}), {}) is None  # records from before the checks
