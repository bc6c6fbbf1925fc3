"""附件1 as PDF (WeasyPrint), one household or a batch; says exactly what to install when it cannot."""

from __future__ import annotations

import functools
import glob
import logging
import os
import shutil
import subprocess
from collections.abc import Iterable
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


def write_pdf(rows: Iterable[Any], form: Form, out: str | Path, *, printed: str = "") -> int:
    """Write the printable 附件1 of ``rows`` as one PDF, one household per page; the household count.

    The whole batch is laid out in memory (WeasyPrint works on a whole document): meant for a unit's or a
    day's households, not for the full archive at once.
    """
    check_pdf_support()
    rows = list(rows)
    html_to_pdf(render_html(rows, form, printed=printed), out)
    return len(rows)
