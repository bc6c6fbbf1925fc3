"""flows/eligibility.py was split (inputs vs decision): its public names must still import from it."""

from __future__ import annotations

import flows.eligibility as eligibility
import flows.eligibility_inputs as eligibility_inputs

PUBLIC = ("Inputs", "InputError", "Member", "Result", "assess", "household_facts", "inputs_from_mapping",
          "result_to_json", "special_reasons", "sudden_reasons", "HEALTH_GOOD", "CATEGORY_BY_CRITERION",
          "NOT_ELIGIBLE", "MIN_MONTHS")


def test_public_names_still_import_from_flows_eligibility() -> None:
    missing = [name for name in PUBLIC if not hasattr(eligibility, name)]
    assert not missing, missing


def test_the_inputs_are_one_class_not_a_copy() -> None:
    assert eligibility.Inputs is eligibility_inputs.Inputs
    assert eligibility.InputError is eligibility_inputs.InputError
    assert eligibility.inputs_from_mapping is eligibility_inputs.inputs_from_mapping


def test_the_decision_module_does_not_check_inputs_itself() -> None:
    # the seam: the value checks live in eligibility_inputs only
    assert not any(name.startswith("_check_") for name in vars(eligibility))
