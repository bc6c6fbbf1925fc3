"""The 附件1 PDF batch at city scale: peak memory of a 300-household batch (its own process and the
WeasyPrint worker it spawns), which exports.form_pdf keeps flat by rendering in chunks.

Before the chunks: 300 households took 108 s at a peak of 1.67 GB (about 5 MB a household). Run by
`make bench` through bench/cli.py; `python -m bench.pdf_bench child URL OUT` is the measured process.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

from bench.report import Figure, Report

GOAL_MB = 400  # a 2,000-household batch must stay under this: flat means the size does not matter


def pdf(report: Report, workdir: Path, *, households: int = 300) -> None:
    """Seed ``households``, export them as one PDF in a fresh process, add the peak memory figure."""
    from bench import export_bench
    from exports.form_pdf import PdfUnavailable, check_pdf_support

    try:
        check_pdf_support()
    except PdfUnavailable as exc:
        report.add(Figure("export PDF batch: peak memory", 0.0, "MB", f"< {GOAL_MB} MB", None, {"skipped": str(exc)}))
        return
    service = export_bench.seed(workdir, households)
    url = service.db.url.render_as_string(hide_password=False)
    service.db.dispose()
    done = subprocess.run([sys.executable, "-m", "bench.pdf_bench", "child", url, str(workdir / "batch.pdf")],
                          capture_output=True, text=True, check=True)
    got = json.loads(done.stdout.strip().splitlines()[-1])
    peak = max(got["parent_mb"], got["worker_mb"])
    detail = {**got, "households": households, "before": "1.67 GB peak, 108 s for 300 households (whole batch at once)"}
    report.add(Figure(f"export PDF batch ({got['rows']:,} households): peak memory", peak, "MB", f"< {GOAL_MB} MB",
                      peak < GOAL_MB, detail))
    report.add(Figure(f"export PDF batch ({got['rows']:,} households): time", got["seconds"], "s", "", None, detail))


def child(url: str, out: str) -> int:
    """The measured export: prints seconds, rows and the peaks of this process and of its worker."""
    from exports.query import Filters
    from exports.service import run_export
    from flows.registry import load_registry
    from storage.db import make_engine

    t0 = time.perf_counter()
    rows = run_export(make_engine(url), fmt="pdf", out=out, filters=Filters(), actor_id=None,
                      registry=load_registry()).rows
    seconds = time.perf_counter() - t0
    parent_kb = next((int(line.split()[1]) for line in open("/proc/self/status", encoding="ascii")
                      if line.startswith("VmHWM:")), 0)
    worker_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the WeasyPrint worker, after it ended
    print(json.dumps({"seconds": round(seconds, 1), "rows": rows, "parent_mb": round(parent_kb / 1024, 1),
                      "worker_mb": round(worker_kb / 1024, 1), "size_mb": round(Path(out).stat().st_size / 2**20, 1)}))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        sys.exit(child(sys.argv[2], sys.argv[3]))
    sys.exit(2)
