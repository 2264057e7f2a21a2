"""No English in the pages' drop-down lists (issue 12's walk): Streamlit writes "Choose options",
"Choose an option", "No options to select" in an empty list unless it is given a placeholder, and
offers "Select all" in a multiselect unless ``select_all=False``. Every st.selectbox and
st.multiselect of pages/ and app.py must therefore say its placeholder in French."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT
from tests.test_roles_pages import run

LISTES = ("selectbox", "multiselect")
# Streamlit's own words (streamlit/static, function building the placeholder of a select widget)
ANGLAIS = ("Choose", "Select", "option", "Add ", "No options")
FICHIERS = sorted(str(p.relative_to(ROOT)) for p in [*(ROOT / "pages").rglob("*.py"), ROOT / "app.py"])


def list_calls(path: str, root=ROOT) -> list[tuple[int, str, dict]]:
    """Each ``x.selectbox(...)`` / ``x.multiselect(...)`` of ``path``: line, widget, keywords (AST)."""
    tree = ast.parse((root / path).read_text(encoding="utf-8"))
    return [(node.lineno, node.func.attr, {k.arg: k.value for k in node.keywords}) for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LISTES]


def faults(path: str, root=ROOT) -> list[tuple[int, str, str]]:
    """What in ``path``'s lists would show Streamlit's English."""
    found = []
    for line, widget, keywords in list_calls(path, root):
        placeholder = keywords.get("placeholder")
        if placeholder is None:
            found.append((line, widget, "no placeholder="))
        elif isinstance(placeholder, ast.Constant) and (
                not str(placeholder.value).strip() or any(w in str(placeholder.value) for w in ANGLAIS)):
            found.append((line, widget, f"placeholder {placeholder.value!r}"))
        select_all = keywords.get("select_all")
        if widget == "multiselect" and not (isinstance(select_all, ast.Constant) and select_all.value is False):
            found.append((line, widget, "« Select all » shown: select_all=False missing"))
    return found


def test_the_check_finds_a_list_without_placeholder_and_one_in_english(tmp_path):
    source = ('import streamlit as st\nst.selectbox("A", [1])\nc.multiselect("B", [1], placeholder="Choose options")\n'
              'st.multiselect("C", [1], placeholder="Choisir", select_all=False)\n')
    (tmp_path / "page.py").write_text(source, encoding="utf-8")
    assert faults("page.py", tmp_path) == [(2, "selectbox", "no placeholder="),
                                      (3, "multiselect", "placeholder 'Choose options'"),
                                      (3, "multiselect", "« Select all » shown: select_all=False missing")]


def test_the_pages_have_lists_to_check():
    assert sum(len(list_calls(f)) for f in FICHIERS) >= 25


@pytest.mark.parametrize("path", FICHIERS)
def test_every_list_of_a_page_says_its_placeholder_in_french(path):
    assert faults(path) == []


def test_the_presentation_lists_carry_their_french_placeholder_under_apptest(demo_shared):
    at = run("pages/presentation.py", auth=False)
    at.selectbox(key="pr_portee").set_value("liste").run()
    widgets = [*at.selectbox, *at.multiselect]
    assert {w.key for w in at.multiselect} >= {"pr_liste", "pr_focus"}
    for w in widgets:
        assert w.proto.placeholder.strip() and not any(e in w.proto.placeholder for e in ANGLAIS), w.key
    for w in at.multiselect:
        assert w.proto.select_all == 0, w.key  # 0: the « Select all » option never shown
    at.segmented_control(key="pr_genre").set_value("fiche").run()
    assert at.selectbox(key="pr_territoire").proto.placeholder == "Choisir un territoire"
