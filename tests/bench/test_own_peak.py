"""The OCR bench's peak memory is the reader's own, not the size of the bench that started it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="VmHWM is Linux's")
def test_a_child_reports_its_own_peak_not_its_parents() -> None:
    held = bytearray(300 * 1024 * 1024)  # this process: 300 MB resident when the child is started
    for i in range(0, len(held), 4096):
        held[i] = 1
    code = "from bench.ocr_bench import _own_peak_mb; print(_own_peak_mb())"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    # ru_maxrss would say >= 300 here (Linux carries it over exec); a bare interpreter peaks near 10–30 MB
    assert float(out.stdout) < 150, out.stdout
    del held
