"""Open an export the way staff do: LibreOffice headless prints it to PDF; then count its pages and read its text.

Tests that need it skip with the reason when ``soffice`` is not installed (CI installs libreoffice-calc-nogui).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def soffice() -> str:
    """The LibreOffice binary, or skip the test saying what to install."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui); CI installs it")
    return found


def to_pdf(path: Path, out_dir: Path | None = None) -> Path:
    """``path`` (xlsx, csv, html) printed to PDF by LibreOffice headless, with a private profile (parallel-safe)."""
    binary = soffice()
    out = out_dir or path.parent
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run([binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(out), str(path)],
                       check=True, capture_output=True, timeout=180)
    pdf = out / (path.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice wrote no PDF for {path.name}"
    return pdf


def to_xlsx_cells(csv_path: Path, out_dir: Path) -> list[list[str]]:
    """A CSV opened by LibreOffice (UTF-8, comma) and saved as XLSX: the cells as it typed them."""
    import openpyxl

    binary = soffice()
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run([binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--infilter=CSV:44,34,76,1", "--convert-to", "xlsx", "--outdir", str(out_dir), str(csv_path)],
                       check=True, capture_output=True, timeout=180)
    book = openpyxl.load_workbook(out_dir / (csv_path.stem + ".xlsx"))
    return [["" if c.value is None else str(c.value) for c in row] for row in book.active.iter_rows()]


def pages(pdf: Path) -> int:
    """How many pages the PDF has."""
    pypdf = pytest.importorskip("pypdf")
    return len(pypdf.PdfReader(str(pdf)).pages)


def text(pdf: Path) -> str:
    """The PDF's text, page after page, spaces removed (pdftotext; pypdf when poppler is missing)."""
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60)
        raw = done.stdout.decode("utf-8")
    else:
        pypdf = pytest.importorskip("pypdf")
        raw = "".join(p.extract_text() for p in pypdf.PdfReader(str(pdf)).pages)
    return "".join(raw.split())
