"""Export at city scale: the XLSX ledger of N households against bare xlsxwriter, and 附件2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import random
import time
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlalchemy import insert
from sqlmodel import Session, select

from bench.households import id_number, name, plan
from bench.measure import fresh_service
from bench.report import Figure, Report
from flows.registry import load_registry
from exports.query import Filters, connection, stream_households
from exports.service import stats_rows
from flows.autofill import next_input
from storage import repo
from storage.models import Interview


def _in_process(which: str, url: str, out: Path, columns: int) -> tuple[float, float, int]:
    """Run one export in a fresh Python process: (seconds, its peak resident MB, rows)."""
    proc = subprocess.Popen([sys.executable, "-m", "bench.export_child", which, url, str(out), str(columns)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    output = proc.stdout.read()
    if proc.wait() != 0:
        raise RuntimeError(f"{which} export failed ({proc.returncode})")
    data = json.loads(output.strip().splitlines()[-1])
    return data["seconds"], data["peak_mb"], data["rows"]


def seed(workdir: Path, households: int, *, templates: int = 40) -> Any:
    """A database of ``households`` submitted households: real interviews cloned with new people."""
    service = fresh_service(workdir, f"export-{households}")
    user = service.user(local_name="bench", name="基准调查员")
    with Session(service.db, expire_on_commit=False) as s:
        repo.set_role(s, user=user, role="surveyor", unit="东宝区总工会", actor_id=None)
    for i in range(templates):
        p = plan(i, members=(1, 2, 2, 3, 3, 4)[i % 6])
        reply = service.start_interview(user=user, kind="survey")
        while (inp := next_input(reply.outputs, p)) is not None:
            reply = service.handle(user=user, interview_id=reply.interview_id, inp=inp)
    with Session(service.db) as s:
        templates_rows = s.exec(select(Interview).where(Interview.status == "submitted")).all()
        cols = [c.name for c in Interview.__table__.columns if c.name not in ("id", "ref")]
        states = [{c: getattr(r, c) for c in cols} for r in templates_rows]
    rng = random.Random(11)
    table = Interview.__table__
    batch: list[dict[str, Any]] = []
    with service.db.begin() as conn:
        for i in range(households - len(states)):
            base = states[i % len(states)]
            row = dict(base)
            state = json.loads(json.dumps(base["state"]))
            answers = state["answers"]
            answers["name"] = name(rng)
            answers["id_number"] = id_number(rng, rng.randint(1960, 1995), i)
            for k, m in enumerate(answers.get("members") or []):
                m["name"] = name(rng)
                if m.get("id_number"):
                    m["id_number"] = id_number(rng, 1990, i * 5 + k)
            row.update(state=state, worker_name=answers["name"], id_number=answers["id_number"],
                       ref=f"JM2026{1_000_000 + i:07d}")
            batch.append(row)
            if len(batch) == 2000:
                conn.execute(insert(table), batch)
                batch = []
        if batch:
            conn.execute(insert(table), batch)
    return service


def bare_ledger(db: Any, out: Path | str, columns: int) -> int:
    """The same cells, written with bare xlsxwriter (constant memory), reading the same rows."""
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    ws, wm = wb.add_worksheet("households"), wb.add_worksheet("members")
    n, m = 0, 0
    with connection(db) as conn:
        for row in stream_households(conn, Filters()):
            answers = row.state["answers"]
            n += 1
            values = list(answers.values())
            for c in range(columns):
                v = values[c] if c < len(values) else None
                if v is not None:
                    ws.write(n, c, v if isinstance(v, (int, float)) else str(v))
            for member in answers.get("members") or ():
                m += 1
                for c, v in enumerate(member.values()):
                    wm.write(m, c, str(v))
    wb.close()
    return n


def export(report: Report, workdir: Path, *, households: int) -> None:
    """Seconds and peak memory of the ledger, against bare xlsxwriter; 附件2 time."""
    service = seed(workdir, households)
    registry = load_registry()
    with Session(service.db) as s:
        members = sum(len(r.state["answers"].get("members") or [])
                      for r in s.exec(select(Interview).limit(2000)).all())
    members_est = int(members / 2000 * households) if households >= 2000 else members
    from exports.columns import household_columns
    ncols = len(household_columns(registry.form("archive"), tz=registry.tz))
    url = str(service.db.url)
    ours_s, ours_mb, rows = _in_process("ours", url, workdir / "ledger.xlsx", ncols)
    bare_s, bare_mb, _ = _in_process("bare", url, workdir / "bare.xlsx", ncols)
    ratio = ours_s / bare_s if bare_s else 0
    detail = {"households": rows, "members_estimate": members_est, "bare_seconds": round(bare_s, 2),
              "bare_peak_mb": round(bare_mb, 1), "columns": ncols}
    report.add(Figure(f"export XLSX ledger ({rows:,} households)", ours_s, "s", "", None, detail))
    report.add(Figure("export XLSX: ours / bare xlsxwriter", ratio, "x", "<= 1.5x", ratio <= 1.5, detail))
    report.add(Figure("export XLSX: peak resident memory", ours_mb, "MB", "< 300 MB", ours_mb < 300, detail))
    t0 = time.perf_counter()
    stats_rows(service.db, Filters(), registry)
    stats_s = time.perf_counter() - t0
    report.add(Figure(f"附件2 statistics ({rows:,} households)", stats_s, "s", "< 1 s", stats_s < 1, detail))
    service.db.dispose()
    for f in ("ledger.xlsx", "bare.xlsx"):
        (workdir / f).unlink(missing_ok=True)
    os.sync()
