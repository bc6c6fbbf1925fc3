"""ID card reading figures for `intake bench`: first reading after start, later ones, peak memory.

Measured in a process of its own (``python -m bench.ocr_bench``) that first imports the bot as it runs
(both Telegram runtimes, the service), so the first reading includes loading the OCR model and the
peak RSS is the bot's with OCR loaded. The photos are the synthetic cards of bench/id_cards.py at the
size Telegram delivers a photo (1280 px on the longer side): the peak depends on the photo's size.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from datetime import date
from typing import Any

from bench.report import Figure, Report

LATER = 19  # every other card once: the peak creeps up over the first readings


def run(report: Report) -> None:
    """Add the three OCR figures (or one saying why OCR could not be measured)."""
    proc = subprocess.run([sys.executable, "-m", "bench.ocr_bench"], capture_output=True, text=True)
    if proc.returncode != 0:
        report.add(Figure("ID card OCR: not measured", 0, "", "", False, {"stderr": proc.stderr[-400:]}))
        return
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    report.add(Figure("ID card OCR: first reading after start", got["first_s"], "s", "< 5 s", got["first_s"] < 5,
                      {"load_s": got["load_s"]}))
    report.add(Figure(f"ID card OCR: later readings (max of {LATER})", got["later_max_s"], "s", "< 2 s",
                      got["later_max_s"] < 2, {"mean_s": got["later_mean_s"], "cpu_s_each": got["later_cpu_s"],
                       "load_avg": got["load_avg"], "numbers_right": got["right"]}))
    report.add(Figure("ID card OCR: peak RSS of the bot with OCR loaded", got["peak_rss_mb"], "MB", "< 600 MB",
                      got["peak_rss_mb"] < 600))


def _child() -> dict[str, Any]:
    import aiogram  # noqa: F401 - the bot as it runs: both runtimes and the service are loaded
    import telegram  # noqa: F401

    import bot.telegram.core  # noqa: F401
    from bench.id_cards import CARDS, TELEGRAM_SCALE, draw_card
    from bot import ocr

    photos = [draw_card(c, seed=i, scale=TELEGRAM_SCALE) for i, c in enumerate(CARDS[:LATER + 1])]
    today = date(2026, 12, 1)
    started = time.perf_counter()
    reader = ocr.reader()
    assert isinstance(reader, ocr.RapidOcrReader), "rapidocr-onnxruntime is not installed"
    reader.load()
    load_s = time.perf_counter() - started
    first = reader.read(photos[0], today)
    first_s = time.perf_counter() - started
    later = []
    right = int(first.id_number == CARDS[0].number)
    cpu0 = time.process_time()
    for card, photo in zip(CARDS[1:], photos[1:]):
        t0 = time.perf_counter()
        got = reader.read(photo, today)
        later.append(time.perf_counter() - t0)
        right += int(got.id_number == card.number)
    cpu = (time.process_time() - cpu0) / len(later)  # CPU seconds (all threads): the figure when the machine is busy
    peak = _own_peak_mb()
    return {"first_s": first_s, "load_s": load_s, "later_max_s": max(later), "later_mean_s": sum(later) / len(later),
            "peak_rss_mb": peak, "right": right,
            "later_cpu_s": cpu, "load_avg": os.getloadavg()[0]}


def _own_peak_mb() -> float:
    """This process's own peak resident memory, in MB.

    Not ``ru_maxrss``: Linux carries it over exec from the process that forked us, so under a long
    `make bench` it reported the bench's own size (837 MB with a 13 MB child) instead of the reader's.
    VmHWM is the peak of this process's own address space, which exec starts afresh.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):  # not Linux: the best there is
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    print(json.dumps(_child()))
