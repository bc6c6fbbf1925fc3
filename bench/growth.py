"""Growth: intake's throughput (aiogram, SQLite) with more interviews under way, and a fuller archive.

Concurrent interviews: N users each with an interview under way, their answers interleaved
round-robin (every batch of 100 touches up to 100 different interviews); every interview is
started first, untimed, so each size times the same mix of answers. Archive size: the same feed
over an empty database and over one already holding H submitted households. The first size whose
rate is below 0.8 of the smallest size's is where throughput bends; the verdict line's value is
the largest size's rate over the smallest's (on a shared machine noise of ±20% is common: one run
is a hint, medians of three are the figure).
"""

from __future__ import annotations

import asyncio
import statistics
from pathlib import Path
from typing import Any

from bench import export_bench
from bench.feed import interleaved
from bench.report import Figure, Report
from bench.throughput import intake_aiogram

BEND = 0.8


def _bend(rates: dict[int, float], what: str) -> str:
    first = rates[min(rates)]
    for size, rate in sorted(rates.items()):
        if rate < BEND * first:
            return f"bends at {size:,} {what} ({rate / first:.2f} of {min(rates):,})"
    return f"no bend up to {max(rates):,} {what} (all >= {BEND:.1f} of {min(rates):,})"


def _split(items: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(every /start, the answers): the interviews opened untimed, then the answers timed."""
    return [it for it in items if it[1] == "/start"], [it for it in items if it[1] != "/start"]


def concurrency(report: Report, workdir: Path, *, sizes: tuple[int, ...], updates: int, quick: bool,
                repeats: int = 1) -> None:
    """Throughput at each number of concurrent interviews."""
    rates: dict[int, float] = {}
    for n in sizes:
        warm, items = _split(interleaved(n, max(updates, 3 * n) + n, templates=50))
        values = [asyncio.run(intake_aiogram(workdir, items, label=f"growth-{n}", warm=warm)) for _ in range(repeats)]
        rates[n] = statistics.median(values)
        report.add(Figure(f"growth: {n:,} concurrent interviews (aiogram, SQLite)", rates[n], "answers/s", "", None,
                          {"interviews": n, "answers_timed": len(items), "runs": repeats, "values": values}))
    note = " (--quick: smaller sizes)" if quick else ""
    report.add(Figure(f"growth with concurrent interviews: {_bend(rates, 'interviews')}{note}",
                      rates[max(rates)] / rates[min(rates)], "x", "", None, {"rates": rates}))


def archive(report: Report, workdir: Path, *, households: tuple[int, ...], updates: int, quick: bool,
            repeats: int = 1) -> None:
    """Throughput over an empty archive and a full one."""
    warm, items = _split(interleaved(100, updates + 100))
    rates: dict[int, float] = {}
    for h in households:
        values = []
        for _ in range(repeats):
            service: Any = export_bench.seed(workdir, h) if h else None
            values.append(asyncio.run(intake_aiogram(workdir, items, label=f"archive-{h}", service=service,
                                                     warm=warm)))
        rates[h] = statistics.median(values)
        report.add(Figure(f"growth: {h:,} households already in the database (aiogram, SQLite)", rates[h],
                          "answers/s", "", None, {"households": h, "updates": len(items), "runs": repeats,
                                                  "values": values}))
    note = " (--quick: smaller archive)" if quick else ""
    report.add(Figure(f"growth with archive size: {_bend(rates, 'households')}{note}",
                      rates[max(rates)] / rates[min(rates)], "x", "", None, {"rates": rates}))
