"""`intake bench` (and `make bench`): throughput, latency, memory and export, with goals and verdicts."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

SIZES = {
    True: {"updates": 3000, "latency": (200, 5), "memory": 2000, "export": 5000},
    False: {"updates": 20000, "latency": (1000, 10), "memory": 10000, "export": 100000},
}


def cmd_bench(args: argparse.Namespace) -> int:
    """Run every measurement, print the table and write bench/results.json."""
    from bench import export_bench, measure, throughput
    from bench.report import Report

    quick = bool(args.quick)
    sizes = SIZES[quick]
    report = Report(quick=quick)
    work = measure.workdir_for(quick)
    started = time.perf_counter()
    print(f"intake bench ({'quick' if quick else 'full'}): scratch in {work}", flush=True)
    only = set(args.only or ["throughput", "latency", "memory", "export"])
    if "throughput" in only:
        throughput.run(report, work, updates=sizes["updates"], pg_url=args.pg)
    if "latency" in only:
        measure.latency(report, work, interviews=sizes["latency"][0], answers_each=sizes["latency"][1])
    if "memory" in only:
        measure.memory(report, work, interviews=sizes["memory"])
    if "export" in only:
        export_bench.export(report, work, households=sizes["export"])
        from bench import pdf_bench  # the 附件1 PDF batch's peak memory (300 households; 60 quick)
        pdf_bench.pdf(report, work, households=60 if quick else 300)
    print()
    print(report.table())
    ratio = next((f for f in report.figures if f.name.startswith("throughput ratio (aiogram, SQLite)")), None)
    if ratio is not None:
        print(f"throughput ratio (intake / bare aiogram echo, SQLite): {ratio.value:.2f} (goal >= 0.5)")
    out = Path(args.out)
    report.write(out)
    print(f"\nwrote {out} in {time.perf_counter() - started:.0f} s")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `bench` subcommand."""
    p = sub.add_parser("bench", help="measure throughput, latency, memory and export speed",
                       description="Runs every measurement side by side and prints each with its goal.")
    p.add_argument("--quick", action="store_true", help="small sizes (under a minute)")
    p.add_argument("--out", default="bench/results.json", help="where to write the figures (JSON)")
    p.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                   help="PostgreSQL server for the PostgreSQL throughput (a scratch database is created)")
    p.add_argument("--only", nargs="*", choices=["throughput", "latency", "memory", "export"],
                   help="run only these measurements")
    p.set_defaults(func=cmd_bench)
