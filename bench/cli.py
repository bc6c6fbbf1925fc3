"""`intake bench` (and `make bench`): throughput against the peers, stall, growth, latency, memory, export."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

SIZES = {
    True: {"updates": 1200, "repeats": 1, "stall": 3.0, "growth": (10, 100, 1000), "growth_updates": 600,
           "archive": (0, 2000), "latency": (200, 5), "memory": 2000, "export": 5000},
    False: {"updates": 20000, "repeats": 3, "stall": 10.0, "growth": (10, 100, 1000, 10000), "growth_updates": 5000,
            "archive": (0, 100000), "latency": (1000, 10), "memory": 10000, "export": 100000},
}
PARTS = ("throughput", "stall", "growth", "latency", "memory", "export", "pdf", "ocr")
QUICK_PARTS = tuple(p for p in PARTS if p != "pdf")  # a PDF batch takes minutes: `make bench` or --only pdf


def cmd_bench(args: argparse.Namespace) -> int:
    """Run every measurement, print the table and write bench/results.json."""
    from bench import export_bench, growth, measure, stall, throughput
    from bench.report import Report

    quick = bool(args.quick)
    sizes = SIZES[quick]
    report = Report(quick=quick)
    work = measure.workdir_for(quick)
    started = time.perf_counter()
    print(f"intake bench ({'quick' if quick else 'full'}): scratch in {work}", flush=True)
    only = set(args.only or (QUICK_PARTS if quick else PARTS))
    repeats = sizes["repeats"]
    if "throughput" in only:
        throughput.run(report, work, updates=sizes["updates"], pg_url=args.pg, repeats=repeats)
    if "stall" in only:
        stall.stalled(report, work, hold=sizes["stall"], repeats=repeats)
    if "growth" in only:
        growth.concurrency(report, work, sizes=sizes["growth"], updates=sizes["growth_updates"], quick=quick,
                           repeats=repeats)
        growth.archive(report, work, households=sizes["archive"], updates=sizes["growth_updates"], quick=quick,
                       repeats=repeats)
    if "latency" in only:
        measure.latency(report, work, interviews=sizes["latency"][0], answers_each=sizes["latency"][1])
    if "memory" in only:
        measure.memory(report, work, interviews=sizes["memory"])
    if "export" in only:
        export_bench.export(report, work, households=sizes["export"])
    if "pdf" in only:  # the 附件1 PDF batch's peak memory (300 households): make bench, or --only pdf
        from bench import pdf_bench
        pdf_bench.pdf(report, work, households=60 if quick else 300)
    if "ocr" in only:  # ID card photos (issue 17): bench/ocr_bench.py
        from bench import ocr_bench
        ocr_bench.run(report)
    print()
    print(report.table())
    out = Path(args.out)
    report.write(out)
    print(f"\nwrote {out} in {time.perf_counter() - started:.0f} s (the machine may be shared: only ratios travel)")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `bench` subcommand."""
    p = sub.add_parser("bench", help="measure throughput against the peers, stall, growth, latency, memory, export",
                       description="Runs every measurement side by side and prints each with its goal.")
    p.add_argument("--quick", action="store_true", help="small sizes, one run each (under 90 s)")
    p.add_argument("--out", default="bench/results.json", help="where to write the figures (JSON)")
    p.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
                   help="PostgreSQL server for the PostgreSQL figures (a scratch database is created)")
    p.add_argument("--only", nargs="*", choices=PARTS, help="run only these measurements")
    p.set_defaults(func=cmd_bench)
