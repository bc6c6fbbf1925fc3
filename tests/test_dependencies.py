"""constraints.txt pins what pyproject.toml allows, past the advisories; setup and CI install with it (finding 12)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def _pins() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned with =="
            pins[name.strip().lower().replace("_", "-")] = Version(version.strip())
    return pins


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return [Requirement(r) for r in listed]


def test_every_direct_dependency_is_pinned_within_its_range() -> None:
    pins = _pins()
    for req in _requirements():
        name = req.name.lower().replace("_", "-")
        assert name in pins, f"{req.name} is not in constraints.txt (run make constraints)"
        assert req.specifier.contains(pins[name]), f"{name}=={pins[name]} is outside {req.specifier}"


def test_minimums_are_past_the_advisories_and_majors_are_capped() -> None:
    reqs = {r.name.lower(): r.specifier for r in _requirements()}
    assert not reqs["aiohttp"].contains("3.13.2") and reqs["aiohttp"].contains("3.13.3")
    assert not reqs["jinja2"].contains("3.1.5")
    for name, next_major in (("weasyprint", "71"), ("pypdf", "8"), ("aiohttp", "4")):
        assert not reqs[name].contains(next_major), f"{name} major is not capped"


def test_make_setup_installs_with_the_constraints() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install --quiet -c constraints.txt -e '.[test]'" in makefile
    assert "$(STAMP): pyproject.toml constraints.txt" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
