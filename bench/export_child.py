"""One export in a process of its own, so its peak memory is its own (run by bench.export_bench)."""

from __future__ import annotations

import json
import sys
import time


def main(argv: list[str]) -> int:
    """argv: ours|bare, database URL, output path, column count."""
    which, url, out, columns = argv[0], argv[1], argv[2], int(argv[3])
    from storage.db import make_engine

    engine = make_engine(url)
    t0 = time.perf_counter()
    if which == "ours":
        from flows.registry import load_registry
        from exports.query import Filters
        from exports.service import run_export

        rows = run_export(engine, fmt="xlsx", out=out, filters=Filters(), actor_id=None,
                          registry=load_registry()).rows
    else:
        from bench.export_bench import bare_ledger

        rows = bare_ledger(engine, out, columns)
    seconds = time.perf_counter() - t0
    peak_kb = next((int(line.split()[1]) for line in open("/proc/self/status", encoding="ascii")
                    if line.startswith("VmHWM:")), 0)  # this process's own peak (exec reset it)
    print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": peak_kb / 1024}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
