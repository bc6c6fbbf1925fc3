"""Shared pytest fixtures built on the factory (registered by tests/conftest.py as a plugin)."""

from __future__ import annotations

import pytest

from bot.service import IntakeService
from storage.models import User
from tests.support.factory import UNIT, make_user


@pytest.fixture
def surveyor(service: IntakeService) -> User:
    """A surveyor of UNIT on the test's ``service`` (the nearest ``service`` fixture decides the database)."""
    return make_user(service, "surveyor", UNIT, local_name="s1", name="张调查员")
