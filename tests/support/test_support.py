"""tests/support is the one home of people with roles and of the household drivers: no copies elsewhere.

Read with ``ast`` from every test module outside tests/support. A helper (any function that is not a
``test_*``) may not give someone a role (``set_role``) nor answer from a plan (``next_input``,
``planned_input``): that is ``tests.support.factory.make_user`` and ``tests.support.household``.
Functions named like the support API (or like the helpers it replaced) are not defined elsewhere.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]

# The names of support's own people and drivers, and of the private copies it replaced.
SUPPORT_NAMES = frozenset({
    "make_user", "make_team", "make_service", "fixed_registry", "surveyor", "enrol",
    "drive", "drive_to_submitted", "submit", "submitted", "register_household", "follow", "finish", "approved",
    "walk", "planned_input", "plan_value", "_plan_value",
})
ROLE_CALLS = frozenset({"set_role"})
PLAN_CALLS = frozenset({"next_input", "planned_input"})
# Drivers that record something at every step (not a way to reach a state), so they answer by themselves.
OWN_DRIVERS = {
    ("reliability/outcome.py", "references"): "the expected prompt signatures of each reference plan, step by step",
    ("reliability/test_handler_fuzz.py", "_walk"): "a walk with detours that snapshots the state per kind of question",
}


def _called(node: ast.Call) -> str | None:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def copies(root: Path, allowed: dict[tuple[str, str], str] | None = None) -> list[str]:
    """Every helper outside ``root``/support that redoes what tests/support does, as ``file:line: what``."""
    allowed = OWN_DRIVERS if allowed is None else allowed
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("support/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

        def visit(node: ast.AST, helper: str | None) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    if child.name in SUPPORT_NAMES:
                        found.append(f"{rel}:{child.lineno}: defines {child.name}() (use tests.support)")
                    visit(child, None if child.name.startswith("test_") else child.name)
                    continue
                if isinstance(child, ast.Call) and helper is not None and (rel, helper) not in allowed:
                    name = _called(child)
                    if name in ROLE_CALLS:
                        found.append(f"{rel}:{child.lineno}: {helper}() gives a role (use factory.make_user)")
                    elif name in PLAN_CALLS:
                        found.append(f"{rel}:{child.lineno}: {helper}() answers from a plan (use support.household)")
                visit(child, helper)

        visit(tree, None)
    return found


def test_no_test_module_has_its_own_people_or_household_driver() -> None:
    assert copies(TESTS) == []


def test_the_allowed_own_drivers_still_exist() -> None:
    """An exception that names nothing any more is removed, so it cannot hide a new copy."""
    for rel, name in OWN_DRIVERS:
        tree = ast.parse((TESTS / rel).read_text(encoding="utf-8"))
        assert any(isinstance(n, ast.FunctionDef) and n.name == name for n in ast.walk(tree)), (rel, name)


def test_a_copy_is_found(tmp_path: Path) -> None:
    """The check can fail: each kind of copy in a scratch tree is reported, with its file and line."""
    (tmp_path / "support").mkdir()
    (tmp_path / "support" / "factory.py").write_text("def make_user(s):\n    s.set_role()\n", encoding="utf-8")
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "test_x.py").write_text(
        "def _person(service):\n    repo.set_role(s)\n\n"
        "def _done(service, plan):\n    while next_input(out, plan):\n        pass\n\n"
        "def drive_to_submitted():\n    pass\n\n"
        "def test_inline(service):\n    repo.set_role(s)\n    next_input(out, plan)\n",
        encoding="utf-8")
    assert copies(tmp_path, allowed={}) == [
        "bot/test_x.py:2: _person() gives a role (use factory.make_user)",
        "bot/test_x.py:5: _done() answers from a plan (use support.household)",
        "bot/test_x.py:8: defines drive_to_submitted() (use tests.support)",
    ]
