"""The archive form file: every field of 附件1, checked as a whole on load."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest
import yaml

from flows.form import FormError, parse_form

DATA = Path(__file__).parents[1] / "data" / "seed_archive_fields.txt"
SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "000_48f864ec9a79250e.txt"


def _seed_list() -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    current = ""
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            groups[current] = []
        else:
            groups[current].append(line)
    return groups


def _form_data() -> dict:
    return yaml.safe_load(resources.files("flows").joinpath("forms/archive.yaml").read_text(encoding="utf-8"))


def test_every_seed_field_is_in_the_form_with_its_label_and_required_flag() -> None:
    form = parse_form(_form_data())
    seed = _seed_list()
    top = {f.label: f for s in form.sections for f in s.fields}
    # Required although unstarred: the notice asks for exactly one main cause and the worker's signature.
    required_by_process = {"主要致困原因（限选一项）", "职工签字"}
    for entry in seed["worker"]:
        label, required = entry.lstrip("*"), entry.startswith("*") or entry in required_by_process
        assert label in top, f"附件1 field {label} missing from the form"
        assert top[label].required == required, f"{label}: required should be {required}"
    for group_key in ("members", "attachments"):
        section = next(s for s in form.sections if s.key == group_key)
        assert section.group is not None
        labels = [f.label for f in section.group.fields]
        for label in seed[group_key]:
            assert label in labels, f"{group_key}: column {label} missing"
    members = next(s for s in form.sections if s.key == "members")
    # the only additions are the “其他，注明” notes the 填表 of a 其他 choice needs (issue 12)
    columns = [f.label for f in members.group.fields]
    assert [c for c in columns if "（其他，注明）" not in c] == seed["members"], "member columns keep the seed's order"
    assert [c for c in columns if "（其他，注明）" in c] == ["关系（其他，注明）", "身份（其他，注明）"]


def test_form_keeps_the_seeds_order_of_worker_fields() -> None:
    form = parse_form(_form_data())
    order = [f.label for s in form.sections for f in s.fields]
    seed = [e.lstrip("*") for e in _seed_list()["worker"]]
    positions = [order.index(label) for label in seed[:35]]  # up to 是否为零就业家庭 the seed is one table
    assert positions == sorted(positions)


@pytest.mark.skipif(not SEED.exists(), reason="the seed is not beside this checkout")
def test_the_field_list_matches_the_seed_itself() -> None:
    text = SEED.read_text(encoding="utf-8")
    block = text[text.index("困难城镇职工档案表\n"):text.index("注：填表要求")]
    printed = {re.sub(r"\s+", "", ln.strip().rstrip("：")) for ln in block.splitlines() if ln.strip()}
    for entry in _seed_list()["worker"] + _seed_list()["members"] + _seed_list()["attachments"]:
        label = entry.lstrip("*")
        if label in ("是否为解困脱困对象", "四类重点群体", "“五个一批”措施", "五个行动计划"):
            continue  # printed as a sentence or across several lines in the seed
        assert entry in printed or label in printed, entry


def test_choice_lists_follow_the_filling_instructions() -> None:
    form = parse_form(_form_data())
    f = {fl.key: fl for s in form.sections for fl in s.fields}
    assert f["hardship_category"].choices == ("低保户", "低保边缘户", "意外致困户")
    assert f["political_status"].choices == ("中共党员", "共青团员", "群众", "民主党派")
    assert f["work_status"].choices == ("在岗", "下（待）岗", "病休", "内退")
    assert set(f["model_worker"].choices) >= {"全国劳模", "省部级劳模", "地市级劳模"}
    assert f["housing_type"].choices == ("自建房", "商品房", "经济适用房", "两限房", "承租单位公房", "政府廉租房", "租房", "其他")
    assert f["medical_insurance"].choices == ("居民医保", "职工医保", "无医保", "公费医疗")
    assert f["employer_type"].choices == ("国家机关/事业单位", "国有企业", "非公企业")
    assert f["enterprise_status"].choices == ("正常", "半停产", "停产", "破产")
    assert len(f["main_cause"].choices) == 10 and f["secondary_causes"].options["max"] == 3
    assert f["worker_no"].system == "assigned_on_submit"


def test_a_broken_form_reports_every_problem_at_once() -> None:
    data = _form_data()
    basic = data["sections"][1]["fields"]
    basic[0]["type"] = "txt"                      # unknown type
    basic[1]["when"] = "ethnicity =="             # unparsable condition
    basic[2]["colour"] = "red"                    # unknown attribute
    basic[3]["choices"] = ["群众", "群众"]          # duplicate choice
    basic[4]["key"] = "Bad Key"                   # bad key
    data["sections"][2]["fields"][0]["when"] = "no_such_field == 是"
    with pytest.raises(FormError) as err:
        parse_form(data)
    problems = err.value.problems
    assert len(problems) >= 6, problems
    text = "\n".join(problems)
    for needle in ("txt", "when", "colour", "重复", "Bad Key", "no_such_field"):
        assert needle in text
    assert all("sections[" in p or "." in p for p in problems), "each problem says where"
