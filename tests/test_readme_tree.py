"""README.md's "What is where" matches the tree: every path it names exists, and it names every module.

The section is the code block under "## What is where". Each block of lines starts with a top-level
directory (``bot/``, ``flows/`` …); a path named in it (a word with a slash or a file extension, globs
allowed) is looked up under the repository root, under that directory, and anywhere below it.
The tests/ lines are checked for existing paths only: which test files exist is not README's business.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "flows", "storage", "exports", "bench")  # named module by module
TOP = (*PACKAGES, "tests")
_PATH = re.compile(r"[\w.*-]+(?:/[\w.*-]*)+|[\w*-]+\.(?:py|yaml|json|html|css)\b")
_SKIP_DIRS = {"__pycache__"}


def section(readme: str) -> str:
    start = readme.index("## What is where")
    block = re.search(r"```\n(.*?)```", readme[start:], re.S)
    assert block, "no code block under '## What is where'"
    return block.group(1)


def blocks(text: str) -> dict[str, str]:
    """Top-level directory -> the lines of its block (a block runs until the next top-level name)."""
    found: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        head = re.match(r"(\w+)/\s", line + " ")
        if head and not line.startswith(" "):
            current = head.group(1)
            found.setdefault(current, [])
        if current:
            found[current].append(line)
    return {top: "\n".join(lines) for top, lines in found.items()}


def named_paths(block: str) -> list[str]:
    return [m.group(0).rstrip("/") or m.group(0) for m in _PATH.finditer(block)]


def resolve(top: str, name: str, root: Path = ROOT) -> set[Path]:
    """Every file or directory that ``name`` (maybe a glob) can mean inside block ``top``."""
    hits: set[Path] = set()
    for pattern in (name, f"{top}/{name}", f"{top}/**/{name}"):
        hits.update(p for p in root.glob(pattern) if not _SKIP_DIRS & set(p.parts))
    return hits


def modules(top: str, root: Path = ROOT) -> list[Path]:
    """The files a README reader should find named: every .py module but package markers and migration scripts."""
    return sorted(p for p in (root / top).rglob("*.py")
                  if p.name != "__init__.py" and "versions" not in p.parts and not _SKIP_DIRS & set(p.parts))


def subdirs(top: str, root: Path = ROOT) -> list[Path]:
    return sorted(p for p in (root / top).iterdir() if p.is_dir() and p.name not in _SKIP_DIRS)


def problems(readme: str, root: Path = ROOT) -> list[str]:
    by_top = blocks(section(readme))
    found: list[str] = [f"top-level {top}/ is not in 'What is where'" for top in TOP if top not in by_top]
    for top, block in by_top.items():
        if top not in TOP:
            found.append(f"'What is where' names {top}/, which is not a top-level package")
            continue
        covered: set[Path] = set()
        for name in named_paths(block):
            hits = resolve(top, name, root)
            if not hits:
                found.append(f"{top}: README names {name!r}, which does not exist")
            covered |= hits
            if "/" in name:  # data/*.json names the directory data/ too
                covered |= {parent for hit in hits for parent in hit.parents if root / top in parent.parents}
        if top not in PACKAGES:
            continue
        for path in (*subdirs(top, root), *modules(top, root)):
            if path not in covered:
                found.append(f"{path.relative_to(root)} is not named in README's 'What is where' ({top}/ block)")
    return found


def test_what_is_where_matches_the_tree() -> None:
    assert problems((ROOT / "README.md").read_text(encoding="utf-8")) == []


def test_the_check_fails_on_a_stale_name_and_on_an_unnamed_module() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stale = readme.replace("flows/     pure:", "flows/     pure: gone_module.py,", 1)
    assert any("'gone_module.py'" in p for p in problems(stale))
    unnamed = readme.replace(" webhook.py,", ",", 1)
    assert "bot/telegram/webhook.py is not named in README's 'What is where' (bot/ block)" in problems(unnamed)


def test_a_subpackage_left_out_is_reported(tmp_path: Path) -> None:
    for rel in ("bot/cli.py", "bot/newchannel/adapter.py", "flows/x.py", "storage/x.py", "exports/x.py",
                "bench/x.py", "tests/t.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    readme = ("## What is where\n\n```\nbot/       cli.py\nflows/     x.py\nstorage/   x.py\nexports/   x.py\n"
              "tests/     t.py\nbench/     x.py\n```\n")
    found = problems(readme, tmp_path)
    assert "bot/newchannel is not named in README's 'What is where' (bot/ block)" in found
    assert "bot/newchannel/adapter.py is not named in README's 'What is where' (bot/ block)" in found
    assert len(found) == 2, found
