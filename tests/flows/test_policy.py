"""flows.policy: who may open, see, review and manage which record, worked case by case."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from flows import policy
from flows.policy import AccessDenied, RecordRef, Visibility


@dataclass(frozen=True)
class Person:
    id: int | None
    role: str
    unit: str = ""


ADMIN = Person(1, "admin")
STAFF_A = Person(2, "staff", "东宝区总工会")
STAFF_B = Person(3, "staff", "掇刀区总工会")
SURVEYOR_A = Person(4, "surveyor", "东宝区总工会")
OTHER_SURVEYOR_A = Person(5, "surveyor", "东宝区总工会")
WORKER = Person(6, "worker")
PEOPLE = {p.id: p for p in (ADMIN, STAFF_A, STAFF_B, SURVEYOR_A, OTHER_SURVEYOR_A, WORKER)}

SURVEY_A = RecordRef(created_by=4, kind="survey", unit="东宝区总工会")
UNASSIGNED_SELF = RecordRef(created_by=6, kind="self", unit="", subject_user_id=6)
TAKEN_OVER_SELF = RecordRef(created_by=6, kind="self", unit="东宝区总工会", subject_user_id=6)
UNASSIGNED_SURVEY = RecordRef(created_by=4, kind="survey", unit="")
RECORDS = {"survey_a": SURVEY_A, "unassigned_self": UNASSIGNED_SELF, "taken_over_self": TAKEN_OVER_SELF,
           "unassigned_survey": UNASSIGNED_SURVEY}

# Who may open (and change) each record (ids of PEOPLE).
OPENERS = {
    "survey_a": {1, 2, 4},  # admin, the unit's staff, the surveyor who made it
    "unassigned_self": {6},  # a self-report is the worker's own until staff take it over
    "taken_over_self": {6},  # a unit's worker's self-report: still theirs (staff take it over to change it)
    "unassigned_survey": {1, 4},  # not a self-report: only its surveyor and admins
}
# Who may see it in their unit's scope (visibility: cards, review, approval).
SEERS = {
    "survey_a": {1, 2, 4},
    "unassigned_self": {1, 6},  # only admins, the worker (and, read only, staff of the claimed unit)
    "taken_over_self": {1, 2, 6},  # the unit's
    "unassigned_survey": {1, 4},
}


@pytest.mark.parametrize("record", sorted(RECORDS))
@pytest.mark.parametrize("person", sorted(PEOPLE))
def test_who_may_open_which_record(person: int, record: str) -> None:
    user, rec = PEOPLE[person], RECORDS[record]
    assert policy.can_open(user, rec) is (person in OPENERS[record])
    assert policy.visibility(user).allows(rec) is (person in SEERS[record])


def test_a_surveyor_does_not_see_another_surveyors_household_of_the_same_unit() -> None:
    """The case where the copies disagreed: storage's search showed surveyors their whole unit."""
    assert not policy.can_open(OTHER_SURVEYOR_A, SURVEY_A)
    assert not policy.can_see_household(OTHER_SURVEYOR_A, SURVEY_A)
    assert policy.can_see_household(SURVEYOR_A, SURVEY_A)
    assert policy.visibility(OTHER_SURVEYOR_A) == Visibility(creator_id=5, subject_id=5)


def test_workers_open_their_own_record_but_do_not_search_the_archive() -> None:
    assert policy.can_open(WORKER, UNASSIGNED_SELF)
    assert not policy.may_search(WORKER) and not policy.can_see_household(WORKER, UNASSIGNED_SELF)
    assert all(policy.may_search(p) for p in (SURVEYOR_A, STAFF_A, ADMIN))


def test_a_user_without_an_id_matches_no_record_by_creator_or_subject() -> None:
    nobody = Person(None, "worker")
    assert not policy.can_open(nobody, RecordRef(created_by=None, subject_user_id=None))


@pytest.mark.parametrize("user, role", [(WORKER, "worker"), (SURVEYOR_A, "surveyor"), (STAFF_A, "staff"),
                                        (ADMIN, "staff")])
@pytest.mark.parametrize("record", [UNASSIGNED_SELF, SURVEY_A, None])
def test_the_engine_role_follows_the_users_role(user: Person, role: str, record: RecordRef | None) -> None:
    assert policy.engine_role(user, record) == role


def test_review_is_for_staff_who_may_open_the_record_and_admins() -> None:
    assert policy.can_review(STAFF_A, SURVEY_A) and policy.can_review(ADMIN, SURVEY_A)
    assert not policy.can_review(STAFF_B, UNASSIGNED_SELF), "an unassigned self-report is read only until taken over"
    assert not policy.can_review(STAFF_B, SURVEY_A) and not policy.can_review(SURVEYOR_A, SURVEY_A)


def test_unit_management_and_its_scope() -> None:
    assert policy.is_unit_staff(STAFF_A, "东宝区总工会") and policy.is_unit_staff(ADMIN, "掇刀区总工会")
    assert not policy.is_unit_staff(STAFF_B, "东宝区总工会") and not policy.is_unit_staff(SURVEYOR_A, "东宝区总工会")
    assert policy.unit_scope(ADMIN) == Visibility(all_units=True)
    assert policy.unit_scope(STAFF_A) == Visibility(units=("东宝区总工会",))
    for user in (SURVEYOR_A, WORKER):
        with pytest.raises(AccessDenied):
            policy.unit_scope(user)


def test_category_overrides_by_surveyors_staff_of_the_unit_and_admins() -> None:
    assert policy.can_override_category(SURVEYOR_A, SURVEY_A) and policy.can_override_category(ADMIN, SURVEY_A)
    assert policy.can_override_category(STAFF_A, SURVEY_A) and not policy.can_override_category(STAFF_B, SURVEY_A)
    assert not policy.can_override_category(WORKER, TAKEN_OVER_SELF)


def test_roles_rank_and_an_unknown_role_ranks_as_worker() -> None:
    assert policy.outranks("staff", "surveyor") and not policy.outranks("surveyor", "staff")
    assert not policy.outranks("worker", "nonsense") and policy.outranks("admin", "nonsense")
    assert policy.ROLES == ("worker", "surveyor", "staff", "admin")
