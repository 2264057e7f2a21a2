"""Guards of the layering of conventions.md: data flows file -> loaders -> data -> indicators -> pages
and exports."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT


def imports_of(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("package,forbidden", [
    ("indicators", {"streamlit", "loaders", "pages", "exports"}),
    ("loaders", {"streamlit", "pages", "exports"}),
    ("data", {"streamlit", "loaders", "pages", "exports"}),
    # exports build on indicators and data (and may use loaders' pure helpers), never on the pages
    ("exports", {"streamlit", "pages"}),
])
def test_pure_packages_do_not_import_upper_layers(package, forbidden):
    offenders = {
        str(path.relative_to(ROOT)): sorted(set(imports_of(path)) & forbidden)
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_pages_hold_no_sql():
    for path in (ROOT / "pages").rglob("*.py"):
        text = path.read_text(encoding="utf-8").upper()
        assert "SELECT " not in text and "INSERT " not in text, path


def test_every_problem_code_has_a_french_template_and_is_used():
    from loaders.problems import CODES

    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "loaders").rglob("*.py")
                      if p.name != "problems.py")
    sources += (ROOT / "data" / "uploads.py").read_text(encoding="utf-8")
    unused = [code for code in CODES if f"'{code}'" not in sources and f'"{code}"' not in sources]
    assert unused == []


def test_every_page_decides_who_is_there_before_anything_else():
    """Right after a server start, Streamlit may run a page script on its own, without app.py:
    each page must first call auth.person() (sign-in with auth configured), before any output or
    read."""
    for path in sorted((ROOT / "pages").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        body = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))
                and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        first = body[0]
        call = first.value if isinstance(first, (ast.Expr, ast.Assign)) else None
        assert isinstance(call, ast.Call) and ast.unparse(call.func) == "auth.person", path.name


def _python_files():
    for folder in ("app.py", "pages", "indicators", "loaders", "data", "bench", "scripts", "tests"):
        path = ROOT / folder
        yield from [path] if path.is_file() else sorted(path.rglob("*.py"))


def test_every_duckdb_registration_goes_through_the_store_lock():
    """DuckDB 2.0.1 races when a thread registers a Python object while another opens a connection
    (tech notes): data/store.py serialises both, so no other file may call a connection's
    ``register`` / ``unregister`` itself (``store.register(con, ...)`` is the way)."""
    offenders = []
    for path in _python_files():
        if path == ROOT / "data" / "store.py":
            continue
        application = path.relative_to(ROOT).parts[0] not in ("bench", "scripts", "tests")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            registers = node.func.attr in ("register", "unregister") and ast.unparse(node.func.value) != "store"
            # the application opens connections in data/store.py only, under the same lock
            opens = application and ast.unparse(node.func) == "duckdb.connect"
            if registers or opens:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:60]}")
    assert offenders == []
