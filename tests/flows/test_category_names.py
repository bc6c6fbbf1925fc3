"""The four 困难类别 names are written once, in flows/categories.py; every other module reads them from there."""

from __future__ import annotations

import ast
import json
from decimal import Decimal

from flows.categories import CATEGORY_CHOICES
from flows.eligibility import CATEGORY_BY_CRITERION, Inputs, assess
from flows.standards import parse_standards
from flows.tag_rules import parse_tag_rules
from tests.flows.test_catalog_home import ROOT, _docstrings, modules

HOME = "flows/categories.py"


def spelled_out(source: str) -> list[tuple[int, str]]:
    """(line, name) for every string literal (not a docstring) that contains a category name."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    return sorted((node.lineno, name) for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
                  for name in CATEGORY_CHOICES if name in node.value)


def test_no_module_but_flows_categories_spells_a_category_name() -> None:
    found = [f"{rel}:{line}: {name}" for rel, path in modules()
             if rel != HOME for line, name in spelled_out(path.read_text(encoding="utf-8"))]
    assert found == []


def test_the_check_sees_a_copy_in_a_tuple_and_inside_a_sentence() -> None:
    source = ('"""A docstring may name 低保户."""\nCATS = ("低保户", "其他")\nTEXT = "→ 意外致困户（认定标准第4条）"\n'
              'OTHER = f"{x} → 不符合认定标准"\n')
    assert spelled_out(source) == [(2, "低保户"), (3, "意外致困户"), (4, "不符合认定标准")]


def test_the_explanation_names_the_category_the_decision_chose() -> None:
    # elig.c1–c4 take the name from CATEGORY_BY_CRITERION instead of spelling it
    data = ROOT / "flows" / "data"
    table = parse_standards(json.loads((data / "standards.json").read_text(encoding="utf-8")))
    tags = parse_tag_rules(json.loads((data / "tags.json").read_text(encoding="utf-8")))
    for criterion, inputs in ((2, Inputs(region="东宝区", household_size=2, household_annual_income=Decimal(0),
                                         receives_dibao=True)),
                              (1, Inputs(region="东宝区", household_size=2, household_annual_income=Decimal(0),
                                         months_below_standard=6))):
        result = assess(inputs, table, tags)
        assert result.criterion == criterion
        assert result.explanation.endswith(f"→ {CATEGORY_BY_CRITERION[criterion]}（认定标准第{criterion}条）")
