"""One home for the access rules: no role-name literal decides anything in bot/ or storage/ (issue 11).

Every decision on roles goes through flows.policy (is_staff, is_admin, may_search, can_open …). This
walks the syntax of every module of bot/ and storage/ and fails on a role name ("worker", "surveyor",
"staff", "admin") that is compared with (==, !=, in, not in), or listed with another one in a tuple,
list or set (a copy of a role list such as SURVEY_ROLES). Word tables that translate Chinese into a
role (dict values) and keyword arguments that set a role are not decisions and are not flagged.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flows.policy import ROLES

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "storage")


def _role(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in ROLES


def _listed_roles(node: ast.AST) -> int:
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return sum(1 for e in node.elts if _role(e))
    return 0


def violations(source: str, name: str) -> list[str]:
    """The role decisions written outside flows.policy in one module's source, as 'file:line: code'."""
    tree = ast.parse(source, name)
    lines = source.splitlines()
    found: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_role(o) or _listed_roles(o) for o in operands):
                found.append(node.lineno)
        elif _listed_roles(node) >= 2:
            found.append(node.lineno)
    return [f"{name}:{n}: {lines[n - 1].strip()}" for n in sorted(set(found))]


def test_the_check_finds_the_copies_it_is_meant_to_find() -> None:
    """The detector itself: each shape of copy the issue named is caught, a non-decision is not."""
    caught = violations('SURVEY_ROLES = ("surveyor", "staff", "admin")\n'
                        'if user.role != "worker":\n    pass\n'
                        'ok = user.role in ("staff", "admin")\n'
                        'fine = {"调查员": "surveyor"}\n'
                        'set_role(role="admin")\n', "example.py")
    assert [c.split(":")[1] for c in caught] == ["1", "2", "4"]


def _modules() -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if "migrations" not in p.parts)


def test_no_role_literal_decides_anything_outside_flows_policy() -> None:
    found = [v for path in _modules()
             for v in violations(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert not found, "role decisions outside flows/policy.py (use its predicates):\n" + "\n".join(found)


@pytest.mark.parametrize("copy", ["SEARCH_ROLES", "SURVEY_ROLES", 'STAFF = ("staff"'])
def test_the_named_copies_are_gone(copy: str) -> None:
    holders = [str(p.relative_to(ROOT)) for p in _modules() if copy in p.read_text(encoding="utf-8")]
    assert not holders, f"{copy} still defined in {holders}"
