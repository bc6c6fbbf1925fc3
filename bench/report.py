"""The benchmark's table and results.json: each figure with its goal and whether it is met."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


@dataclass
class Figure:
    """One measured figure, its goal and the verdict."""

    name: str
    value: float
    unit: str
    goal: str = ""
    met: bool | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass
class Report:
    """All figures of one run."""

    quick: bool
    figures: list[Figure] = field(default_factory=list)

    def add(self, fig: Figure) -> Figure:
        """Record a figure and print it at once (a long run shows progress)."""
        self.figures.append(fig)
        verdict = "" if fig.met is None else ("MET" if fig.met else "NOT MET")
        print(f"  {fig.name:<78} {fig.value:>12,.2f} {fig.unit:<12} {fig.goal:<22} {verdict}", flush=True)
        return fig

    def table(self) -> str:
        """The whole table as text."""
        lines = [f"{'measurement':<80} {'value':>12} {'unit':<12} {'goal':<22} verdict", "-" * 138]
        for f in self.figures:
            verdict = "" if f.met is None else ("MET" if f.met else "NOT MET")
            lines.append(f"  {f.name:<78} {f.value:>12,.2f} {f.unit:<12} {f.goal:<22} {verdict}")
        return "\n".join(lines)

    def write(self, path: Path) -> None:
        """Write results.json."""
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "quick": self.quick,
                "machine": {"python": platform.python_version(), "platform": platform.platform(),
                            "cpus": __import__("os").cpu_count()},
                "figures": [asdict(f) for f in self.figures]}
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
