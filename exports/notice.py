"""对象公示: the list of households approved for help in a unit, for public posting (XLSX, HTML, PDF).

It holds, by design, only 序号, a masked 姓名, 工作单位, 困难类别 and 家庭人口: no ID number,
phone, income, address or bank detail is ever read into a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from exports.workbook import open_workbook, write_cells
from flows.catalog import t
from flows.form_entry import stored_key
from flows.names import COMPOUND_SURNAMES
from flows.policy import is_unit_staff, require
from flows.registry import Registry, load_registry
from storage.models import AuditLog, Interview, User

FORMATS = ("xlsx", "html", "pdf")
TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class NoticeRow:
    """One line of the 公示 list."""

    n: int
    name: str
    employer: str
    category: str
    household_size: int | None


def mask_name(name: str) -> str:
    """Keep the surname and the given name's last character: 王建国 → 王*国, 李明 → 李*, 欧阳娜娜 → 欧阳*娜."""
    name = "".join(name.split())
    if len(name) < 2:
        return name
    if "·" in name or "•" in name:  # 阿依古丽·买买提 → 阿***·**提: first and last character kept
        return name[0] + "".join(c if c in "·•" else "*" for c in name[1:-1]) + name[-1]
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[:1]
    given = name[len(surname):]
    return surname + ("*" if len(given) == 1 else "*" * (len(given) - 1) + given[-1])


def notice_rows(session: Session, *, unit: str) -> list[NoticeRow]:
    """Approved, not closed households of a unit, in 职工编号 order, reduced to the public columns."""
    stmt = select(Interview).where(Interview.form_key == stored_key("household"), Interview.status == "approved",
                                   col(Interview.closed_at).is_(None), Interview.unit == unit) \
        .order_by(col(Interview.ref), col(Interview.id))
    rows = []
    for n, iv in enumerate(session.exec(stmt), start=1):
        employer = (iv.state.get("answers") or {}).get("employer") or ""
        rows.append(NoticeRow(n=n, name=mask_name(iv.worker_name), employer=str(employer),
                              category=iv.override_category or iv.category or "",
                              household_size=iv.household_size))
    return rows


def _texts(unit: str, on: date) -> dict[str, str]:
    return {"title": t("fu.notice.title", unit=unit), "intro": t("fu.notice.intro", unit=unit),
            "footer": t("fu.notice.footer", unit=unit), "date": t("fu.notice.date", date=on.isoformat()),
            "empty": t("fu.notice.empty"),
            "headers": "|".join(t(f"fu.notice.col.{k}") for k in ("n", "name", "employer", "category", "size"))}


def render_html(rows: list[NoticeRow], *, unit: str, on: date) -> str:
    """The printable HTML page (A4, one table)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    texts = _texts(unit, on)
    return env.get_template("notice.html").render(rows=rows, headers=texts.pop("headers").split("|"), **texts)


def write_xlsx(rows: list[NoticeRow], *, unit: str, on: date, out_path: Path) -> None:
    """One sheet: title, introduction, the table, the objection note and the date."""
    texts = _texts(unit, on)
    headers = texts["headers"].split("|")
    book = open_workbook(out_path)
    try:
        sheet = book.add_worksheet(t("fu.notice.sheet"))
        title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
        head = book.add_format({"bold": True, "border": 1, "align": "center", "bg_color": "#EEEEEE"})
        cell = book.add_format({"border": 1, "align": "center"})
        last = len(headers) - 1
        sheet.merge_range(0, 0, 0, last, texts["title"], title)
        sheet.merge_range(1, 0, 1, last, texts["intro"])
        write_cells(sheet, 2, 0, headers, head)
        for i, r in enumerate(rows, start=3):
            write_cells(sheet, i, 0, [r.n, r.name, r.employer, r.category, r.household_size], cell)
        end = 3 + len(rows)
        if not rows:
            sheet.merge_range(end, 0, end, last, texts["empty"], cell)
            end += 1
        sheet.merge_range(end + 1, 0, end + 1, last, texts["footer"])
        sheet.merge_range(end + 2, 0, end + 2, last, texts["date"])
        for c, width in enumerate((6, 12, 30, 14, 10)):
            sheet.set_column(c, c, width)
        sheet.repeat_rows(2)
        sheet.fit_to_pages(1, 0)
    finally:
        book.close()


def write_notice(engine: Engine, *, unit: str, out_path: str | Path, fmt: str, actor_id: int,
                 on: date | None = None, registry: Registry | None = None) -> int:
    """Write the 公示 list of ``unit`` (staff of the unit, admins) and audit it; the number of households.

    ``on``: the date printed on it (default: today in the registry's zone). Raises
    flows.policy.AccessDenied for anyone else.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown notice format {fmt!r}; use one of {', '.join(FORMATS)}")
    day = on or (registry or load_registry()).today()
    path = Path(out_path)
    with Session(engine, expire_on_commit=False) as s:
        actor = s.get(User, actor_id)
        require(actor is not None and is_unit_staff(actor, unit),
                f"user {actor_id} may not publish the 公示 list of {unit!r}")
        rows = notice_rows(s, unit=unit)
        if fmt == "xlsx":
            write_xlsx(rows, unit=unit, on=day, out_path=path)
        else:
            html = render_html(rows, unit=unit, on=day)
            if fmt == "html":
                path.write_text(html, encoding="utf-8")
            else:
                from weasyprint import HTML  # optional dependency (extra "pdf")
                HTML(string=html, base_url=str(TEMPLATES)).write_pdf(str(path))
        s.add(AuditLog(actor_id=actor_id, action="export_notice",
                       detail={"unit": unit, "format": fmt, "households": len(rows), "path": str(path),
                               "date": day.isoformat()}))
        s.commit()
    return len(rows)
