"""Every user-visible Chinese text lives in flows/catalog/: no other module of ours holds a Chinese string.

A string literal is Chinese text when it has more Han characters than ASCII letters (so an English log
line or ``--help`` text naming a 困难类别 is not); docstrings and comments are not looked at, nor are
literals without Han characters (separators such as "、"). The modules below hold word tables a reader
matches against, or stored values — data, not texts — and are allowed, each for the reason given; even
there a sentence or a ``{placeholder}`` template is refused.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "exports", "storage", "flows")
CATALOG = "flows/catalog/"
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LETTER = re.compile(r"[A-Za-z]")
_PLACEHOLDER = re.compile(r"\{[A-Za-z_]\w*\}")
_SENTENCE = re.compile(f"{_HAN.pattern}[，。？！；]“?{_HAN.pattern}")  # 都不一样，请核对

ALLOWED: dict[str, str] = {
    # word tables and stored values (data, not texts)
    "flows/lexicon.py": "the one word list people answer with (yes, no, skip … and their synonyms)",
    "flows/non_answers.py": "the filler and non-answer words the readers recognise",
    "flows/numbers.py": "numerals, units and hedge words of the number reader (its texts are catalog v.money.* …)",
    "flows/health.py": "the 健康状况 word tables and 良好, the value stored for a healthy person",
    "flows/names.py": "relation words, name lead-ins and the 复姓 table a name is read and masked by",
    "flows/choices.py": "the choice reader's patterns (第3项) and trailing particles",
    "flows/validators.py": "the 56 民族 table and the ethnicity reader's suffixes (的, 人, 族)",
    "flows/idcard.py": "男 / 女: the 性别 an ID number encodes, stored as the form's option values",
    "flows/idcard_text.py": "the labels printed on an ID card's front (姓名, 住址 …) the OCR reader matches",
    "flows/hukou_text.py": "the labels printed on a 户口簿 page (户主或与户主关系, 出生日期 …) the OCR reader matches",
    "flows/categories.py": "the one home of the 困难类别, reason, 致困原因 and 脱困 names (stored values)",
    # literals in files other helpers own this session; the lead moves them at merge
    "flows/consistency.py": "the relation and identity option values a household is checked by (its texts are catalog check.*)",
    "flows/dates.py": "date words and patterns of the date reader (年, 月, 今天 …; its texts are catalog v.date.*)",
}
PENDING = {path for path, reason in ALLOWED.items() if "TODO(lead)" in reason}  # not yet held to "no sentences"


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def is_chinese(text: str) -> bool:
    return len(_HAN.findall(text)) > len(_LETTER.findall(text))


def is_message(text: str) -> bool:
    """A sentence or a template: what belongs in the catalog even inside a word-table module."""
    return bool(_PLACEHOLDER.search(text) or (_SENTENCE.search(text) and len(_HAN.findall(text)) >= 6))


def chinese_literals(source: str) -> list[tuple[int, str]]:
    tree = ast.parse(source)
    docs = _docstrings(tree)
    return sorted((node.lineno, node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
                  and is_chinese(node.value))


def modules(root: Path = ROOT) -> list[tuple[str, Path]]:
    return [(path.relative_to(root).as_posix(), path) for package in PACKAGES
            for path in sorted((root / package).rglob("*.py")) if "__pycache__" not in path.parts]


def violations(root: Path = ROOT) -> list[str]:
    found = []
    for rel, path in modules(root):
        if rel.startswith(CATALOG):
            continue
        for line, text in chinese_literals(path.read_text(encoding="utf-8")):
            if rel not in ALLOWED or (rel not in PENDING and is_message(text)):
                found.append(f"{rel}:{line}: {text[:40]!r} (put it in flows/catalog/ and use t(key))")
    return found


def test_no_chinese_text_outside_the_catalog() -> None:
    assert violations() == []


def test_every_allowance_is_still_needed() -> None:
    for rel in ALLOWED:
        path = ROOT / rel
        assert path.exists(), f"{rel} is gone: drop it from ALLOWED"
        assert chinese_literals(path.read_text(encoding="utf-8")), f"{rel} has no Chinese literal left: drop it"


def test_the_check_finds_a_text_and_leaves_docs_comments_and_english(tmp_path: Path) -> None:
    (tmp_path / "bot").mkdir()
    (tmp_path / "flows" / "catalog").mkdir(parents=True)
    (tmp_path / "bot" / "desk.py").write_text(
        '"""The 审核 desk."""\n'
        '# 退回: a comment\n'
        'LOG = "household %s marked 脱困 by user %s"\n'
        'SEP = "、"\n'
        'def reply():\n'
        '    """Say 已退回."""\n'
        '    return f"档案 {ref} 已退回修改"\n', encoding="utf-8")
    (tmp_path / "flows" / "catalog" / "x.py").write_text('MESSAGES = {"a": "已退回修改"}\n', encoding="utf-8")
    (tmp_path / "flows" / "lexicon.py").write_text(
        'WORDS = ("是", "否")\nMSG = "“{text}”不是姓名。请输入身份证上的姓名"\n', encoding="utf-8")
    found = violations(tmp_path)
    assert sorted({v.split(": ")[0] for v in found}) == ["bot/desk.py:7", "flows/lexicon.py:2"], found


def test_is_chinese_counts_han_against_letters() -> None:
    assert is_chinese("应是 24 小时制的 时:分，如 18:00")
    assert not is_chinese("only a surveyor, staff member or admin may override 困难类别")
    assert not is_chinese("、") and not is_chinese("")
    assert is_message("{who}的身份证号与职工本人的相同。请核对") and is_message("第 {n} 位")
    assert not is_message("的了啊呀吧呢哦。.!！") and not is_message("(没有|没得|没|不是)")
