"""Reliability tests: crashes, redeliveries, several workers, a database restart, random input."""

from __future__ import annotations

import os

import pytest

from tests.e2e.conftest import _no_network_in_tests  # noqa: F401  (the test process talks to 127.0.0.1 only)


def pytest_configure(config: pytest.Config) -> None:
    """Markers of this folder (slow tests still run by default; `-m "not slow"` leaves them out)."""
    config.addinivalue_line("markers", "slow: takes tens of seconds (real bot processes, many interviews)")
    config.addinivalue_line("markers", "reliability: crash, duplicate, multi-worker and fuzz tests")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything here is a reliability test."""
    for item in items:
        if "tests/reliability/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.reliability)
