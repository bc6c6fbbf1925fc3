"""Kept for the tests not yet moved to tests.support: the cases live in tests/support/export_cases.py."""

from tests.support.export_cases import (ATTACHMENTS, CASES, UNIT_A, UNIT_B, X_ID, ZERO_CARD, ZERO_POSTCODE, Case,
                                        expected_stats, make_id, populate)

__all__ = ["ATTACHMENTS", "CASES", "UNIT_A", "UNIT_B", "X_ID", "ZERO_CARD", "ZERO_POSTCODE", "Case", "expected_stats",
           "make_id", "populate"]
