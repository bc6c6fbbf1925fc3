"""对象公示: the list of households approved for help in a unit, for public posting (XLSX, HTML, PDF).

Listed: approved, not 脱困 households that meet a criterion (a computed 困难类别, or staff's override to
one) and that staff marked 解困脱困对象 = 是; the 公示期 (from the date printed, the unit's number of days)
and the unit's contact for objections are printed under the table (storage.units).

It holds, by design, only 序号, a masked 姓名, 工作单位, 困难类别 and 家庭人口: no ID number,
phone, income, address or bank detail is ever read into a row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from exports.workbook import open_workbook, write_cells
from flows.catalog import t
from flows.form_entry import stored_key
from flows.lexicon import yes_no
from flows.names import COMPOUND_SURNAMES
from flows.policy import is_unit_staff, require
from flows.registry import Registry, load_registry
from storage.models import AuditLog, Interview, User
from storage.units import UnitInfo, unit_info

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


def listed(iv: Interview) -> bool:
    """On the 公示 list: meets a criterion (or staff overrode it to a category) and is a 解困脱困对象."""
    meets = bool(iv.override_category) or (bool(iv.eligible) and bool(iv.category))
    answers = (iv.state or {}).get("answers") or {}
    target = answers.get("relief_target")  # help_plan 是否为解困脱困对象: a yes_no answer, stored True
    return meets and (target is True or (isinstance(target, str) and yes_no(target) is True))


def notice_rows(session: Session, *, unit: str) -> list[NoticeRow]:
    """Approved, not closed households of a unit that are listed (see ``listed``), in 职工编号 order,
    reduced to the public columns."""
    stmt = select(Interview).where(Interview.form_key == stored_key("household"), Interview.status == "approved",
                                   col(Interview.closed_at).is_(None), Interview.unit == unit) \
        .order_by(col(Interview.ref), col(Interview.id))
    rows = []
    for iv in session.exec(stmt):
        if not listed(iv):
            continue
        employer = (iv.state.get("answers") or {}).get("employer") or ""
        rows.append(NoticeRow(n=len(rows) + 1, name=mask_name(iv.worker_name), employer=str(employer),
                              category=iv.override_category or iv.category or "",
                              household_size=iv.household_size))
    return rows


def _texts(info: UnitInfo, on: date) -> dict[str, str]:
    unit = info.full_name
    end = on + timedelta(days=info.notice_days - 1)
    contact = info.contact_line()
    return {"title": t("fu.notice.title", unit=unit), "intro": t("fu.notice.intro", unit=unit),
            "period": t("export.notice.period", start=f"{on:%Y年%m月%d日}", end=f"{end:%Y年%m月%d日}",
                        days=info.notice_days),
            "footer": t("fu.notice.footer", unit=unit),
            "contact": t("export.notice.contact", line=contact) if contact else t("export.notice.no_contact", unit=unit),
            "date": t("fu.notice.date", unit=unit, date=f"{on:%Y年%m月%d日}"),
            "empty": t("fu.notice.empty"),
            "headers": "|".join(t(f"fu.notice.col.{k}") for k in ("n", "name", "employer", "category", "size"))}


def render_html(rows: list[NoticeRow], *, info: UnitInfo, on: date) -> str:
    """The printable HTML page (A4, one table of fixed column widths)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    texts = _texts(info, on)
    return env.get_template("notice.html").render(rows=rows, headers=texts.pop("headers").split("|"), **texts)


def write_xlsx(rows: list[NoticeRow], *, info: UnitInfo, on: date, out_path: Path) -> None:
    """One A4 portrait sheet: title, introduction, the table, 公示期, the objection contact and the date."""
    texts = _texts(info, on)
    headers = texts["headers"].split("|")
    book = open_workbook(out_path)
    try:
        sheet = book.add_worksheet(t("fu.notice.sheet"))
        title = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
        para = book.add_format({"text_wrap": True, "valign": "top"})
        right = book.add_format({"align": "right"})
        head = book.add_format({"bold": True, "border": 1, "align": "center", "bg_color": "#EEEEEE"})
        cell = book.add_format({"border": 1, "align": "center", "valign": "vcenter"})
        wrap = book.add_format({"border": 1, "align": "left", "valign": "vcenter", "text_wrap": True})
        last = len(headers) - 1
        sheet.set_row(0, 28)
        sheet.merge_range(0, 0, 0, last, texts["title"], title)
        sheet.set_row(1, 48)
        sheet.merge_range(1, 0, 1, last, texts["intro"], para)
        write_cells(sheet, 2, 0, headers, head)
        for i, r in enumerate(rows, start=3):
            write_cells(sheet, i, 0, [r.n, r.name], cell)
            sheet.write_string(i, 2, r.employer, wrap)
            write_cells(sheet, i, 3, [r.category, r.household_size], cell)
        end = 3 + len(rows)
        if not rows:
            sheet.merge_range(end, 0, end, last, texts["empty"], cell)
            end += 1
        for k, line in enumerate(("period", "footer", "contact"), start=1):
            sheet.set_row(end + k, 32)
            sheet.merge_range(end + k, 0, end + k, last, texts[line], para)
        sheet.merge_range(end + 4, 0, end + 4, last, texts["date"], right)
        for c, width in enumerate((6, 11, 40, 13, 9)):  # 79 characters: inside A4 portrait's printable width
            sheet.set_column(c, c, width)
        sheet.set_paper(9)  # A4
        sheet.set_portrait()
        sheet.set_margins(left=0.6, right=0.6, top=0.7, bottom=0.7)
        sheet.center_horizontally()
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
        info = unit_info(s, unit)
        if fmt == "xlsx":
            write_xlsx(rows, info=info, on=day, out_path=path)
        else:
            html = render_html(rows, info=info, on=day)
            if fmt == "html":
                path.write_text(html, encoding="utf-8")
            else:
                from exports.form_pdf import html_to_pdf
                html_to_pdf(html, path, base_url=str(TEMPLATES))
        s.add(AuditLog(actor_id=actor_id, action="export_notice",
                       detail={"unit": unit, "format": fmt, "households": len(rows), "path": str(path),
                               "date": day.isoformat(), "days": info.notice_days}))
        s.commit()
    return len(rows)
