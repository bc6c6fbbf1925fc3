"""One entry point for every export: pick the format, stream the households, write the file(s), audit it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from exports.closures import closure_columns, load_history, reopen_columns
from exports.columns import Column
from exports.csv_export import write_csv
from exports.form_html import write_html
from exports.form_pdf import write_pdf
from exports.ledger_xlsx import write_ledger
from exports.query import FilterError, Filters, connection, stream_households
from exports.stats import StatRow, compute_stats
from exports.stats_xlsx import Reporter, write_stats
from flows.catalog import t
from flows.form import Form
from flows.registry import Registry, load_registry
from storage.models import AuditLog
from storage.units import unit_info

FORMATS = ("xlsx", "csv", "html", "pdf", "stats")
LEDGER_FORMATS = ("xlsx", "csv")
# What each format is, by the name's ending: `--format stats --out x.stats` must not write an XLSX under a
# name nothing opens it with.
EXTENSIONS = {"xlsx": (".xlsx",), "stats": (".xlsx",), "csv": (".csv",), "html": (".html", ".htm"), "pdf": (".pdf",)}  # the ledger: one column per field of the form, any form that asks for it


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the files and how many households they hold."""

    fmt: str
    paths: tuple[Path, ...]
    rows: int


def _registry(registry: Registry | None) -> Registry:
    return registry if registry is not None else load_registry()  # the caller usually injects its own


def stats_rows(db: Session | Engine | Connection, filters: Filters, registry: Registry) -> list[StatRow]:
    """The 附件2 rows for ``filters``: 困难类别 choices of the form, then the tag rules' rows."""
    categories = registry.archive_form().field("hardship_category").choices
    with connection(db) as conn:
        return compute_stats(conn, filters.in_zone(registry.tz), categories=categories, tags=registry.tags.tag_names())


def default_reporter(db: Session | Engine | Connection, filters: Filters) -> Reporter:
    """附件2's 填报单位/联系人/联系电话 from the unit's settings; without a unit filter the city's (never
    全部单位: the table is filed by someone)."""
    if isinstance(db, (Session, Engine)):
        info = unit_info(db, filters.unit)
    else:
        with Session(bind=db) as s:
            info = unit_info(s, filters.unit)
    return Reporter(unit=info.full_name, contact=info.contact, phone=info.phone)


def export_form(registry: Registry, fmt: str, form_key: str) -> Form:
    """The form an export of ``fmt`` covers: the ledger (xlsx, csv) any form whose entry.export has
    ledger; the 附件1 printouts (html, pdf) and 附件2 (stats) only the household form, by nature."""
    form = registry.forms.get(form_key)
    archive = registry.archive_form()
    covered = registry.ledger_forms() if fmt in LEDGER_FORMATS else [archive]
    if form is None or form.key not in {f.key for f in covered}:
        raise FilterError(t("form.entry.not_exported", key=form_key, fmt=fmt,
                            keys="、".join(f.key for f in covered)))
    return form


def run_export(db: Session | Engine, *, fmt: str, out: str | Path, filters: Filters | None = None,
               actor_id: int | None, registry: Registry | None = None, reporter: Reporter | None = None,
               audit_extra: dict[str, Any] | None = None) -> ExportResult:
    """Write one export of ``fmt`` (xlsx, csv, html, pdf, stats) to ``out`` and record it in the audit log."""
    if fmt not in FORMATS:
        raise FilterError(t("export.error.format", fmt=fmt, choices="、".join(FORMATS)))
    reg = _registry(registry)
    filters = (filters or Filters()).in_zone(reg.tz)
    zone = filters.zone()
    form = export_form(reg, fmt, filters.form_key)
    out = Path(out)
    if out.suffix.lower() not in EXTENSIONS[fmt]:
        raise FilterError(t("export.error.extension", fmt=fmt, name=out.name, ext=EXTENSIONS[fmt][0],
                            example=out.with_suffix(EXTENSIONS[fmt][0]).name))
    out.parent.mkdir(parents=True, exist_ok=True)
    printed = reg.now().strftime("%Y-%m-%d %H:%M")
    paths: list[Path] = [out]
    if fmt == "stats":
        rows = stats_rows(db, filters, reg)
        reporter = reporter or default_reporter(db, filters)
        write_stats(rows, out, reporter=reporter, scope=filters.describe(), generated=printed)
        count = rows[-1].households
    else:
        with connection(db) as conn:
            households = stream_households(conn, filters)
            if fmt == "xlsx":
                extra: tuple[Column, ...] = ()
                marks: tuple[Column, ...] = ()
                if filters.status == "closed":
                    extra = closure_columns(load_history(conn, filters), zone)
                elif filters.status == "reopened":  # 返贫: marked up front, the whole history at the end
                    marks, extra = reopen_columns(load_history(conn, filters), zone)
                count = write_ledger(households, form, out, tz=zone, extra=extra, marks=marks)
            elif fmt == "csv":
                count, paths = write_csv(households, form, out, tz=zone)
            elif fmt == "html":
                count = write_html(households, form, out, printed=printed)
            else:
                count = write_pdf(households, form, out, printed=printed)
    detail = {"format": fmt, "filters": filters.as_dict(), "rows": count, "files": [p.name for p in paths],
              **(audit_extra or {})}
    _audit(db, actor_id=actor_id, detail=detail)
    return ExportResult(fmt=fmt, paths=tuple(paths), rows=count)


def _audit(db: Session | Engine, *, actor_id: int | None, detail: dict[str, Any]) -> None:
    entry = AuditLog(actor_id=actor_id, action="export", detail=detail)
    if isinstance(db, Session):
        db.add(entry)
        db.commit()
        return
    with Session(db) as s:
        s.add(entry)
        s.commit()
