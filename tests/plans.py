"""Kept for the tests not yet moved to tests.support: the plans live in tests/support/plans.py."""

from tests.support.plans import WANG, household

__all__ = ["WANG", "household"]
