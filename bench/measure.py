"""Latency with many interleaved interviews, and memory per open interview."""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlmodel import Session

from bench.households import plan
from bench.report import Figure, Report
from flows.registry import load_registry
from bot.service import IntakeService
from flows.autofill import next_input
from flows.outputs import Input
from storage import repo
from storage.db import make_engine
from storage.migrate import ensure_schema


def rss_kb() -> int:
    """Resident memory of this process (kB), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def fresh_service(workdir: Path, name: str, url: str | None = None) -> IntakeService:
    """A service over a new database in the work folder (or the given URL)."""
    db = workdir / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    engine = make_engine(url or f"sqlite:///{db}")
    ensure_schema(engine)
    return IntakeService(engine, load_registry())


def _surveyors(service: IntakeService, n: int) -> list[Any]:
    users = []
    with Session(service.db, expire_on_commit=False) as s:
        for i in range(n):
            u = repo.get_or_create_user(s, tg_id=10_000 + i, name=f"调查员{i}")
            u.role = "surveyor"
            s.add(u)
            users.append(u)
        s.commit()
    return users


def latency(report: Report, workdir: Path, *, interviews: int, answers_each: int) -> None:
    """Interviews interleaved round-robin; the time of every answer, p50 and p99."""
    service = fresh_service(workdir, "latency")
    users = _surveyors(service, interviews)
    live = []
    for i, u in enumerate(users):
        reply = service.start_interview(user=u, kind="survey")
        live.append([u, reply, plan(i)])
    samples: list[float] = []
    for _ in range(answers_each):
        for item in live:
            u, reply, p = item
            inp = next_input(reply.outputs, p) or Input("start")
            t0 = time.perf_counter()
            item[1] = service.handle(user=u, interview_id=reply.interview_id, inp=inp)
            samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    p50 = statistics.median(samples)
    p99 = samples[int(len(samples) * 0.99) - 1]
    detail = {"interviews": interviews, "answers": len(samples), "backend": "sqlite"}
    report.add(Figure("latency p50 per answer (interleaved)", p50, "ms", "", None, detail))
    report.add(Figure(f"latency p99 per answer ({interviews} interleaved)", p99, "ms", "< 20 ms", p99 < 20, detail))


def memory(report: Report, workdir: Path, *, interviews: int) -> None:
    """Resident memory with many interviews open at once: what each more open interview adds.

    Measured in a process of its own: in the bench's process, memory freed by the earlier
    measurements is reused and would hide (or inflate) what the interviews take. The goal's figure
    is the slope from half of the interviews to all of them: the process also fills fixed caches
    while the first interviews open (SQLite's page cache, 2 MB per connection; allocator arenas),
    which do not grow with more interviews. Above idle at 2,000 / 4,000 / 10,000 open the whole
    delta was 2,059 / 1,258 / 796 B per interview — about 480 B each plus ~3.2 MB once — so the
    whole delta is printed too, as information.
    """
    proc = subprocess.run([sys.executable, "-m", "bench.measure", "memory", str(workdir), str(interviews)],
                          capture_output=True, text=True, check=True)
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    per = got["per_interview_bytes"]
    detail = {"idle_rss_kb": got["idle_rss_kb"], "half_rss_kb": got["half_rss_kb"], "rss_kb": got["rss_kb"],
              "interviews": interviews, "own_process": True}
    report.add(Figure(f"memory per open interview ({interviews // 2:,} -> {interviews:,} open)", per, "bytes",
                      "< 2048 B", per < 2048, detail))
    report.add(Figure(f"memory above idle / open interviews, fixed caches included ({interviews:,} open), information",
                      got["whole_bytes"], "bytes", "", None, detail))


def _memory_here(workdir: Path, interviews: int) -> dict[str, Any]:
    service = fresh_service(workdir, "memory")
    users = _surveyors(service, interviews)
    warm = service.start_interview(user=users[0], kind="survey")
    service.handle(user=users[0], interview_id=warm.interview_id, inp=Input("text", text="王建国"))
    gc.collect()
    idle = rss_kb()
    half_at = max(1, interviews // 2)
    half = idle
    for i, u in enumerate(users[1:], start=1):
        reply = service.start_interview(user=u, kind="survey")
        p = plan(i)
        for _ in range(3):  # each interview is under way: a few answers in
            inp = next_input(reply.outputs, p)
            if inp is None:
                break
            reply = service.handle(user=u, interview_id=reply.interview_id, inp=inp)
        if i == half_at:
            gc.collect()
            half = rss_kb()
    gc.collect()
    end = rss_kb()
    return {"per_interview_bytes": (end - half) * 1024 / max(1, interviews - 1 - half_at),
            "whole_bytes": (end - idle) * 1024 / max(1, interviews - 1),
            "idle_rss_kb": idle, "half_rss_kb": half, "rss_kb": end}


def workdir_for(quick: bool) -> Path:
    """A scratch folder for the benchmark's databases and files."""
    path = Path(os.environ.get("INTAKE_BENCH_DIR", "/tmp/intake-bench")) / ("quick" if quick else "full")
    path.mkdir(parents=True, exist_ok=True)
    return path


if __name__ == "__main__":  # python -m bench.measure memory WORKDIR N (run by memory())
    print(json.dumps(_memory_here(Path(sys.argv[2]), int(sys.argv[3]))))
