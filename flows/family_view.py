"""What the review shows of the family as a unit: its button, the member list, one member, the removal to confirm.

The state of these screens is a pending value (``{"kind": "family" | "family_member" | "family_remove",
"group": …, "index": …}``); ``flows.family`` says what each button and typed answer does.
"""

from __future__ import annotations

from typing import Any

from flows.catalog import t
from flows.display import display_value
from flows.form import Section
from flows.outputs import Button, Menu
from flows.run import Run
from flows.slots import Slot, get_value

KINDS = ("family", "family_member", "family_remove")


def unit_groups(run: Run) -> list[Section]:
    """The groups edited as a unit from the review: repeating groups of people (not of files)."""
    return [s for s in run.form.sections
            if s.group is not None and s.group.fields and s.group.fields[0].type != "file"]


def review_rows(run: Run) -> list[tuple[Button, ...]]:
    """One button per such group at the review: 👪 家庭主要成员（3 位）."""
    rows: list[tuple[Button, ...]] = []
    for s in unit_groups(run):
        n = len(run.st["answers"].get(s.key) or [])
        rows.append((run.button(t("family.button", n=n), f"fam:{s.key}"),))
    return rows


def member_name(item: dict[str, Any]) -> str:
    """A member as the person knows them: the name, else a placeholder."""
    return str(item.get("name") or t("family.unnamed"))


def member_slots(run: Run, group: str, index: int) -> list[Slot]:
    """The questions that apply to one member, in interview order."""
    prefix = f"{group}.{index}."
    return [s for s in run.all_slots() if s.path.startswith(prefix) and s.field is not None]


def show_family(run: Run, p: dict[str, Any]) -> None:
    """The screen of a pending family value."""
    group = str(p.get("group") or "")
    items = run.st["answers"].get(group) or []
    kind = p["kind"]
    if kind == "family":
        names = [f"{i + 1}. {member_name(it)}" + (f"（{it['relation']}）" if it.get("relation") else "")
                 for i, it in enumerate(items)]
        text = t("family.menu", n=len(items), names="\n".join(names)) if items else t("family.menu_empty")
        rows: list[tuple[Button, ...]] = [(run.button(n, f"fm:{i}"),) for i, n in enumerate(names)]
        rows.append((run.button(t("family.add"), "fa"),))
        rows.append((run.button(t("family.back"), "fb"),))
    elif kind == "family_member":
        index = int(p["index"])
        lines, edits = [], []
        for slot in member_slots(run, group, index):
            assert slot.field is not None
            answered, value = get_value(run.st["answers"], slot.path)
            lines.append(f"{slot.field.label}：{display_value(slot.field, value) if answered else '—'}")
            edits.append(run.button(t("family.member_edit", label=slot.field.label), f"fe:{slot.field.key}"))
        rows = [tuple(edits[k:k + 2]) for k in range(0, len(edits), 2)]  # short labels: two fit a phone's row
        rows.append((run.button(t("family.remove"), "fx"), run.button(t("family.to_list"), "fl")))
        text = t("family.member", n=index + 1, name=member_name(items[index]), lines="\n".join(lines))
    else:  # family_remove
        index = int(p["index"])
        item = items[index]
        text = t("family.remove_confirm", n=index + 1, name=member_name(item), relation=item.get("relation") or "—")
        rows = [(run.button(t("family.remove_yes"), "yes"), run.button(t("family.remove_no"), "no"))]
    run.outputs.append(Menu(text, tuple(rows), key=f"confirm:{kind}"))
