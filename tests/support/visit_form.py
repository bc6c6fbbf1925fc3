"""A test-only form file that declares its own way in (entry:): no production file names it."""

from __future__ import annotations

from flows.registry import Registry, load_registry
from tests.support.factory import FIXED_NOW

VISIT_YAML = """
form: visit_log
version: "1"
title: 走访登记表
signed_by: surveyor
entry: {start: true, menu: 走访登记, audience: [surveyor, staff], export: [ledger]}
sections:
  - key: visit
    label: 走访
    fields:
      - {key: visit_note, label: 走访情况, type: text, required: true}
      - {key: visit_count, label: 走访次数, type: count, required: true}
"""
VISIT_PLAN = {"visit_note": "入户看望，送去慰问金", "visit_count": 3}


def visit_registry() -> Registry:
    """The shipped forms plus visit_log, on the tests' fixed clock."""
    reg = load_registry(timezone="Asia/Shanghai", extra_forms={"visit_log": VISIT_YAML})
    reg.clock = lambda: FIXED_NOW
    return reg
