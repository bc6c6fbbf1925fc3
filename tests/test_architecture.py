"""Imports run one way between the layers, and no modules import each other (directly or in a loop).

Every module of bot/, flows/, storage/, exports/ and bench/ is read with ``ast``: every import counts,
the ones inside functions and under ``if TYPE_CHECKING:`` too (a type-only import still ties the two
modules together and still closes a circle), relative imports resolved. The flows purity rule (no
aiogram, telegram, sqlmodel, … in flows/) is ``test_flows_is_pure`` in tests/flows/test_engine.py.

Run it alone: ``.venv/bin/python -m pytest tests/test_architecture.py``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Which layer may import which (besides itself). bench is a consumer: it measures everything.
ALLOWED: dict[str, frozenset[str]] = {
    "flows": frozenset(),
    "storage": frozenset({"flows"}),
    "exports": frozenset({"flows", "storage"}),
    "bot": frozenset({"flows", "storage", "exports"}),
    "bench": frozenset({"flows", "storage", "exports", "bot"}),
}
OURS = frozenset(ALLOWED) | {"tests"}  # production code never imports the tests either
RULES = {
    "flows": "flows imports nothing of ours",
    "storage": "storage imports only flows",
    "exports": "exports imports only flows and storage",
    "bot": "bot imports flows, storage and exports",
    "bench": "bench may import every layer, never the tests",
}


@dataclass(frozen=True)
class Arrow:
    """One import: ``source`` (a module) imports ``target`` (a module of ours) at ``line``."""

    source: str
    target: str
    line: int


def module_name(root: Path, path: Path) -> str:
    """The dotted name of a module file under ``root`` (a package's ``__init__.py`` is the package)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(root: Path, layers: Iterable[str]) -> dict[str, Path]:
    """Every module of the given top-level packages, by dotted name."""
    found: dict[str, Path] = {}
    for layer in layers:
        for path in sorted((root / layer).rglob("*.py")):
            found[module_name(root, path)] = path
    return found


def _resolve_relative(source: str, is_package: bool, level: int, module: str | None) -> str:
    """``from ..x import y`` inside ``source`` -> the absolute module it names."""
    base = source.split(".") if is_package else source.split(".")[:-1]
    base = base[: len(base) - (level - 1)] if level > 1 else base
    return ".".join([*base, module] if module else base)


def _named(node: ast.AST, source: str, is_package: bool) -> list[tuple[str, int]]:
    """The absolute names one import statement reaches: ``from a import b`` reaches ``a.b`` (maybe a module)."""
    if isinstance(node, ast.Import):
        return [(alias.name, node.lineno) for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = _resolve_relative(source, is_package, node.level, node.module) if node.level else node.module or ""
        return [(f"{base}.{alias.name}" if alias.name != "*" else base, node.lineno) for alias in node.names]
    # importlib.import_module("x.y") / __import__("x.y") with a literal name is an import too
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
            and isinstance(node.args[0].value, str):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in ("import_module", "__import__"):
            return [(node.args[0].value, node.lineno)]
    return []


def _target(name: str, known: Mapping[str, Path]) -> str | None:
    """The most specific module of ours a dotted name lands in (``storage.repo.journal`` -> ``storage.repo``)."""
    if name.split(".")[0] not in OURS:
        return None
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in known:
            return candidate
        parts.pop()
    return name.split(".")[0]  # a layer we do not walk (tests): still an arrow to judge


def arrows(root: Path, layers: Iterable[str] = tuple(ALLOWED)) -> list[Arrow]:
    """Every import between modules of ours, wherever in the file it stands."""
    known = modules(root, layers)
    out: list[Arrow] = []
    for source, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            for name, line in _named(node, source, is_package):
                target = _target(name, known)
                if target is not None and target != source:
                    out.append(Arrow(source, target, line))
    return sorted(set(out), key=lambda a: (a.source, a.line, a.target))


def forbidden(found: Iterable[Arrow], allowed: Mapping[str, frozenset[str]] = ALLOWED) -> list[str]:
    """One line per arrow that crosses the layers the wrong way: where, what, and which rule."""
    problems = []
    for a in found:
        src, dst = a.source.split(".")[0], a.target.split(".")[0]
        if src != dst and dst not in allowed.get(src, frozenset()):
            path = a.source.replace(".", "/")
            problems.append(f"{path}.py:{a.line}: {a.source} imports {a.target} — forbidden: "
                            f"{RULES.get(src, f'{src} may import {sorted(allowed.get(src, ()))}')}")
    return problems


def components(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of a directed graph (Tarjan, iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                out.append(sorted(comp))
    return out


def _shortest_cycle(graph: Mapping[str, set[str]], start: str, within: set[str]) -> list[str]:
    """The shortest path start -> … -> start inside one component (breadth first)."""
    came: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for node in frontier:
            for child in sorted(graph.get(node, ())):
                if child not in within:
                    continue
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came[path[-1]])
                    return [*reversed(path), start]
                if child not in came:
                    came[child] = node
                    nxt.append(child)
        frontier = nxt
    return []


def circles(found: Iterable[Arrow]) -> list[str]:
    """Each import circle as a path ``a → b → a`` (with the import lines), one per module caught in one."""
    graph: dict[str, set[str]] = {}
    lines: dict[tuple[str, str], int] = {}
    for a in found:
        graph.setdefault(a.source, set()).add(a.target)
        graph.setdefault(a.target, set())
        lines.setdefault((a.source, a.target), a.line)
    seen: set[frozenset[tuple[str, str]]] = set()
    out = []
    for comp in components(graph):
        if len(comp) < 2:
            continue
        members = set(comp)
        for start in comp:
            cycle = _shortest_cycle(graph, start, members)
            edges = frozenset(zip(cycle, cycle[1:]))
            if not cycle or edges in seen:
                continue
            seen.add(edges)
            hops = " → ".join(f"{a} (line {lines[(a, b)]})" for a, b in zip(cycle, cycle[1:]))
            out.append(f"import circle: {hops} → {cycle[-1]}")
    return out


# --- the real tree ---------------------------------------------------------------------------

def test_imports_follow_the_layer_rules() -> None:
    problems = forbidden(arrows(ROOT))
    if problems:
        pytest.fail("imports against the layer rules:\n" + "\n".join(problems), pytrace=False)


def test_no_modules_import_each_other() -> None:
    found = circles(arrows(ROOT))
    if found:
        pytest.fail("import circles (split the shared part into its own module):\n" + "\n".join(found), pytrace=False)


def test_every_layer_has_modules_to_check() -> None:
    known = modules(ROOT, ALLOWED)
    for layer in ALLOWED:
        assert any(m.split(".")[0] == layer for m in known), f"{layer}/ has no modules: did it move?"
    assert len(arrows(ROOT)) > 50, "the walk finds almost no imports: the checker is broken"


# --- the checker itself, on a made-up tree ---------------------------------------------------

def _tree(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for layer in ALLOWED:
        (root / layer).mkdir(exist_ok=True)
        (root / layer / "__init__.py").touch()
    return root


CLEAN = {
    "flows/engine.py": "from flows import prompts\nimport json\n",
    "flows/prompts.py": "from flows.outputs import Ask\n",
    "flows/outputs.py": "Ask = object\n",
    "storage/repo.py": "from flows.engine import advance\nfrom . import models\n",
    "storage/models.py": "import sqlmodel\n",
    "exports/ledger.py": "from storage import repo\nfrom flows.outputs import Ask\n",
    "bot/service.py": "import exports.ledger\nfrom storage.repo import load\n",
    "bench/run.py": "from bot import service\n",
}


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    found = arrows(_tree(tmp_path, CLEAN))
    assert Arrow("storage.repo", "storage.models", 2) in found, "a relative import is an arrow"
    assert Arrow("exports.ledger", "storage.repo", 1) in found, "from a package import a module: that module"
    assert forbidden(found) == [] and circles(found) == []


def test_an_upward_arrow_is_found_wherever_it_hides(tmp_path: Path) -> None:
    files = dict(CLEAN)
    files["storage/households.py"] = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                      "    from bot.service import AccessDenied\n")
    files["flows/form.py"] = "def load():\n    from ..storage import repo\n    return repo\n"
    files["exports/daily.py"] = "import importlib\nreg = importlib.import_module('bot.registry')\n"
    files["bot/registry.py"] = "import tests.plans\n"
    problems = forbidden(arrows(_tree(tmp_path, files)))
    assert len(problems) == 4, problems
    assert problems[0].startswith("bot/registry.py:1: bot.registry imports tests") and "bot imports" in problems[0]
    assert "exports/daily.py:2: exports.daily imports bot.registry — forbidden: exports imports only" in problems[1]
    assert "flows/form.py:2: flows.form imports storage.repo — forbidden: flows imports nothing of ours" in problems[2]
    assert "storage/households.py:3: storage.households imports bot.service" in problems[3]


def test_a_circle_is_found_even_through_a_type_only_import(tmp_path: Path) -> None:
    files = dict(CLEAN)
    files["flows/prompts.py"] = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                                 "    from flows.engine import Run\n")
    files["bot/core.py"] = "from bot import records\n"
    files["bot/records.py"] = "from bot import staff\n"
    files["bot/staff.py"] = "def f():\n    from bot.core import BotCore\n"
    found = circles(arrows(_tree(tmp_path, files)))
    assert "import circle: bot.core (line 1) → bot.records (line 1) → bot.staff (line 2) → bot.core" in found
    assert "import circle: flows.engine (line 1) → flows.prompts (line 3) → flows.engine" in found
    assert len(found) == 2, found


def test_components_are_strongly_connected() -> None:
    graph = {"a": {"b"}, "b": {"a", "c"}, "c": {"d"}, "d": {"c"}, "e": {"a"}}
    assert sorted(components(graph)) == [["a", "b"], ["c", "d"], ["e"]]
