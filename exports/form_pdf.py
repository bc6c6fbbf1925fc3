"""附件1 as PDF (WeasyPrint), one household or a batch; says exactly what to install when it cannot."""

from __future__ import annotations

import functools
import glob
import logging
import os
import shutil
import multiprocessing
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from exports.form_html import TEMPLATES, render_html
from flows.catalog import t
from flows.form import Form

INSTALL_HINT = ("apt-get install -y fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0，"
                "并 pip install weasyprint")
_FONT_GLOBS = ("*CJK*", "*cjk*", "wqy*", "*SourceHan*", "*simsun*", "*SimSun*", "*msyh*")


class PdfUnavailable(RuntimeError):
    """PDF output cannot work on this machine; the message names what to install (HTML still works)."""


@functools.cache
def has_cjk_font() -> bool:
    """True when fontconfig knows a font that covers Chinese."""
    if shutil.which("fc-list"):
        try:
            found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20)
            return bool(found.stdout.strip())
        except (OSError, subprocess.SubprocessError):
            pass
    dirs = ["/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.fonts"),
            os.path.expanduser("~/.local/share/fonts")]
    return any(glob.glob(os.path.join(d, "**", pat), recursive=True) for d in dirs for pat in _FONT_GLOBS)


def _weasyprint() -> Any:
    """The weasyprint module, or PdfUnavailable naming the missing piece."""
    try:
        import weasyprint
    except ImportError as exc:
        raise PdfUnavailable(t("export.pdf.unavailable", what=t("export.pdf.no_weasyprint", error=exc),
                               install=INSTALL_HINT)) from exc
    except OSError as exc:  # WeasyPrint is installed but cannot load the Pango / GObject libraries
        raise PdfUnavailable(t("export.pdf.unavailable", what=t("export.pdf.no_pango", error=exc),
                               install=INSTALL_HINT)) from exc
    return weasyprint


def check_pdf_support() -> None:
    """Raise PdfUnavailable unless WeasyPrint, Pango and a Chinese font are all present."""
    _weasyprint()
    if not has_cjk_font():
        raise PdfUnavailable(t("export.pdf.unavailable", what=t("export.pdf.no_cjk_font"), install=INSTALL_HINT))


def quiet_weasyprint() -> None:
    """WeasyPrint and fontTools log every unsupported CSS property and font subset at INFO/WARNING; in a
    terminal export (and the bot's log) those lines are noise: keep only their errors."""
    for name in ("weasyprint", "weasyprint.progress", "fontTools", "fontTools.subset", "fontTools.ttLib"):
        logging.getLogger(name).setLevel(logging.ERROR)


def html_to_pdf(html: str, out: str | Path, *, base_url: str = str(TEMPLATES)) -> None:
    """Render an HTML document (a template's output; relative links from ``base_url``) to a PDF file."""
    check_pdf_support()
    quiet_weasyprint()
    _weasyprint().HTML(string=html, base_url=base_url).write_pdf(str(out))


CHUNK = 20  # households per WeasyPrint document: its layout is what costs memory (about 5 MB a household)
WORKER_CHUNKS = 10  # a fresh worker after this many chunks, so no slow growth carries over a city's batch


def _render_part(html: str, out: str) -> None:
    """In the worker process: one chunk's HTML to a PDF file."""
    html_to_pdf(html, out)


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_pdf(rows: Iterable[Any], form: Form, out: str | Path, *, printed: str = "", chunk: int = CHUNK) -> int:
    """Write the printable 附件1 of ``rows`` as one PDF, one household per page; the household count.

    Flat memory at any batch size: ``chunk`` households at a time are laid out by WeasyPrint in a worker
    process (spawned for the export and renewed every WORKER_CHUNKS chunks; the bot's other users are not
    held up by its CPU time), each
    chunk to its own PDF in a temporary folder, and the parts are joined page by page (pypdf). Only one
    chunk's layout is ever in memory; the rows stream in from the caller's select.
    """
    check_pdf_support()
    from pypdf import PdfWriter

    count = 0
    with tempfile.TemporaryDirectory(prefix="intake-pdf-") as tmp, \
            ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                max_tasks_per_child=WORKER_CHUNKS) as pool:
        parts: list[Path] = []
        for batch in _chunks(rows, chunk):
            part = Path(tmp) / f"{len(parts):05d}.pdf"
            pool.submit(_render_part, render_html(batch, form, printed=printed), str(part)).result()
            parts.append(part)
            count += len(batch)
        if not parts:  # no household: the empty form, as before
            html_to_pdf(render_html([], form, printed=printed), out)
            return 0
        if len(parts) == 1:
            shutil.move(str(parts[0]), str(out))
            return count
        writer = PdfWriter()
        for part in parts:
            writer.append(str(part))
        with Path(out).open("wb") as fh:
            writer.write(fh)
        writer.close()
    return count
