"""Files only for the service: 0600 files, 0700 folders, one warning for what is open to others (finding 5)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.file_modes import check_private, sqlite_files
from bot.telegram.actions import FileInfo
from bot.telegram.files import AttachmentStore
from storage.db import make_engine

ROOT = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The umask of a careless shell (022), restored afterwards."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path / 'intake.db'}",
            "INTAKE_ATTACHMENTS_DIR": str(tmp_path / "attachments"), **extra}


def _intake(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`intake ...` in a shell whose umask is 022."""
    return subprocess.run(["/bin/sh", "-c", 'umask 022 && exec "$0" -m bot.cli "$@"', sys.executable, *args],
                          env=_env(tmp_path, **env), cwd=tmp_path, capture_output=True, text=True, timeout=120)


@pytest.mark.usefixtures("open_umask")
def test_a_new_sqlite_database_and_its_wal_are_0600_even_with_an_open_umask(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'intake.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
        files = [p for p in sqlite_files(str(engine.url)) if p.exists()]
        assert {p.name for p in files} >= {"intake.db", "intake.db-wal"}
        assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
    engine.dispose()


@pytest.mark.usefixtures("open_umask")
def test_attachment_folders_are_0700_and_files_0600(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path / "attachments")
    saved = store.save(interview_id=7, data=b"%PDF-1.4 x", name="票据.pdf",
                       info=FileInfo(kind="document", file_id="f1", unique_id="u1", name="票据.pdf", mime="application/pdf"))
    path = Path(saved["path"])
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700 and _mode(tmp_path / "attachments") == 0o700


def test_every_intake_process_runs_with_umask_077(tmp_path: Path) -> None:
    out = _intake(tmp_path, "db", "upgrade")
    assert out.returncode == 0, out.stderr
    db = tmp_path / "intake.db"
    assert _mode(db) == 0o600
    assert "readable by other local users" not in out.stderr


def test_export_out_files_are_0600(tmp_path: Path) -> None:
    assert _intake(tmp_path, "db", "upgrade").returncode == 0
    out = _intake(tmp_path, "export", "--format", "csv", "--out", str(tmp_path / "exports" / "ledger.csv"))
    assert out.returncode == 0, out.stderr
    assert _mode(tmp_path / "exports" / "ledger.csv") == 0o600
    assert _mode(tmp_path / "exports") == 0o700


def test_a_database_and_folders_open_to_others_are_named_in_one_warning_line(tmp_path: Path) -> None:
    db = tmp_path / "intake.db"
    db.touch()
    os.chmod(db, 0o644)
    (tmp_path / "attachments").mkdir()
    os.chmod(tmp_path / "attachments", 0o755)
    (tmp_path / "exports").mkdir()
    os.chmod(tmp_path / "exports", 0o750)
    out = _intake(tmp_path, "export", "--format", "csv", "--out", str(tmp_path / "exports" / "x.csv"))
    warnings = [line for line in out.stderr.splitlines() if "readable by other local users" in line]
    assert len(warnings) == 1, out.stderr
    assert "intake.db (644)" in warnings[0] and "attachments (755)" in warnings[0] and "exports (750)" in warnings[0]
    assert _mode(db) == 0o644, "an existing file's mode is the owner's decision: warned about, not changed"


def test_private_paths_give_no_warning(tmp_path: Path) -> None:
    db = tmp_path / "intake.db"
    db.touch()
    os.chmod(db, 0o600)
    (tmp_path / "attachments").mkdir(mode=0o700)
    assert check_private(database_url=f"sqlite:///{db}", attachments=tmp_path / "attachments") is None
    os.chmod(db, 0o640)
    assert "intake.db (640)" in (check_private(database_url=f"sqlite:///{db}") or "")
    assert check_private(database_url="postgresql://x@127.0.0.1/test") is None
