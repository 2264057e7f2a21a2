"""Guards of the layering of conventions.md: data flows file -> loaders -> data -> indicators -> pages
and exports."""

from __future__ import annotations

import ast
import functools

from tests.conftest import ROOT


def parsed(path) -> ast.Module:
    """The syntax tree of the file ``path``, parsed once per test process and version of the file
    (the guards below read the same files: to be read only, never changed)."""
    stat = path.stat()
    return _parsed(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=None)
def _parsed(path, _mtime_ns, _size) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def imports_of(path):
    tree = parsed(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


PROJECT = ("core", "data", "indicators", "loaders", "exports", "pages")
# The real graph, one way: each package may import the packages listed (and itself), nothing else of
# the project. core is the bottom (parameters users see, quarters, the clock, the French argument
# parser, exit codes and the error family); data is the store; indicators compute; loaders read
# files and write through data (their templates use the completeness engine); exports and pages show.
ALLOWED = {
    "core": set(),
    "data": {"core"},
    "indicators": {"core", "data"},
    "loaders": {"core", "data", "indicators"},
    "exports": {"core", "data", "indicators", "loaders"},
    "pages": {"core", "data", "indicators", "loaders", "exports"},
}
NO_STREAMLIT = ("core", "data", "indicators", "loaders", "exports")


def layer_offences(root, allowed=ALLOWED, no_streamlit=NO_STREAMLIT) -> dict[str, list[str]]:
    """File -> the imports (function-level ones included) that break the graph ``allowed``."""
    offences = {}
    for package, may in allowed.items():
        for path in sorted((root / package).rglob("*.py")):
            found = set(imports_of(path))
            wrong = {m for m in found if m in allowed and m != package and m not in may}
            if package in no_streamlit and "streamlit" in found:
                wrong.add("streamlit")
            if wrong:
                offences[str(path.relative_to(root))] = sorted(wrong)
    return offences


def test_the_packages_import_one_another_one_way_only():
    assert layer_offences(ROOT) == {}


def test_the_layer_guard_catches_an_upward_import(tmp_path):
    """The guard fails on what the former one let through: data importing indicators."""
    for package in PROJECT:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "data" / "store.py").write_text("from indicators.parametres import X\n")
    (tmp_path / "core" / "clock.py").write_text("def f():\n    from data import store\n")
    (tmp_path / "loaders" / "ui.py").write_text("import streamlit as st\n")
    (tmp_path / "pages" / "p.py").write_text("import streamlit\nfrom exports import x\n")
    assert layer_offences(tmp_path) == {
        "core/clock.py": ["data"], "data/store.py": ["indicators"], "loaders/ui.py": ["streamlit"]}


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
    read; the public accessibility statement calls auth.page_publique() instead (it reads no data)."""
    public = {"accessibilite.py": "auth.page_publique"}
    for path in sorted((ROOT / "pages").glob("*.py")):
        tree = parsed(path)
        body = [n for n in tree.body if not isinstance(n, (ast.Import, ast.ImportFrom))
                and not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
        first = body[0]
        call = first.value if isinstance(first, (ast.Expr, ast.Assign)) else None
        assert isinstance(call, ast.Call) and ast.unparse(call.func) == public.get(path.name, "auth.person"), path.name


def _python_files():
    for folder in ("app.py", "pages", "indicators", "loaders", "data", "core", "exports", "bench", "scripts", "tests"):
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
        for node in ast.walk(parsed(path)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            registers = node.func.attr in ("register", "unregister") and ast.unparse(node.func.value) != "store"
            # the application opens connections in data/store.py only, under the same lock
            opens = application and ast.unparse(node.func) == "duckdb.connect"
            if registers or opens:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:60]}")
    assert offenders == []


# --- the import graph of the project's own modules (function-level imports included) ------------

def _modules(root):
    """{dotted name: path} of the project's modules under ``root`` (a package by its __init__)."""
    found = {}
    for folder in ("app.py", "pages", "indicators", "loaders", "data", "core", "exports", "bench", "scripts", "tests"):
        path = root / folder
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            parts = list(file.relative_to(root).with_suffix("").parts)
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = file
    return found


def _runtime_imports(tree):
    """Every import statement of a module, at any depth, but those under ``if TYPE_CHECKING:``."""
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")
                   for child in node.body for n in ast.walk(child)}
    return [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) and id(n) not in typing_only]


def _imports(module, modules):
    """(imported project module, local name bound to it or None, imported name or None, node) for
    each name imported by ``module``: ``from a import b`` targets module ``a.b`` when there is one,
    else ``a``; ``import a.b`` targets ``a.b`` and binds ``a`` (``a.b`` written in full)."""
    path = modules[module]
    for node in _runtime_imports(parsed(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.name
                while name and name not in modules:
                    name = name.rpartition(".")[0]
                if name:
                    yield name, alias.asname or name, None, node
            continue
        package = module.split(".")[:None if path.name == "__init__.py" else -1]
        base = node.module if node.level == 0 else ".".join(
            package[:len(package) - node.level + 1] + ([node.module] if node.module else []))
        for alias in node.names:
            if f"{base}.{alias.name}" in modules:
                yield f"{base}.{alias.name}", alias.asname or alias.name, None, node
            elif base in modules:
                yield base, None, alias.name, node


def import_cycles(root) -> list[list[str]]:
    """The import cycles among the project's modules: each strongly connected component of the
    import graph with more than one module (Tarjan's algorithm, without recursion)."""
    modules = _modules(root)
    graph = {m: sorted({t for t, *_ in _imports(m, modules)} - {m}) for m in modules}
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(graph[successor])))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while not component or component[-1] != node:
                        component.append(stack.pop())
                        on_stack.discard(component[-1])
                    if len(component) > 1:
                        found.append(sorted(component))
    return sorted(found)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_names_used_across_modules(root, folders=("app", "pages", "indicators", "loaders", "data", "bench",
                                                       "scripts")) -> list[str]:
    """``file: module.name`` for each underscore name (not a dunder) that a module of ``folders``
    imports from another project module (``from x import _y``) or reads as an attribute of an
    imported project module (``x._y``)."""
    modules = _modules(root)
    found = []
    for module, path in modules.items():
        if module.split(".")[0] not in folders:
            continue
        where = path.relative_to(root).as_posix()
        bound = {}
        for target, local, name, _node in _imports(module, modules):
            if name is not None and _private(name):
                found.append(f"{where}: {target}.{name}")
            if local is not None:
                bound[local] = target
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.Attribute) and _private(node.attr):
                target = bound.get(ast.unparse(node.value))
                if target is not None and target != module:
                    found.append(f"{where}: {target}.{node.attr}")
    return sorted(set(found))


def test_no_module_imports_another_s_private_names():
    """A module's underscore names are its own: what another module needs is public (tests, which
    may reach into what they test, excepted)."""
    assert set(private_names_used_across_modules(ROOT)) == set()


def test_the_project_s_modules_import_one_another_without_a_cycle():
    assert import_cycles(ROOT) == []


def test_the_import_guards_find_cycles_and_private_names(tmp_path):
    """The two guards above on a small project: a cycle closed by a function-level import, and a
    private name taken by ``from`` and by attribute."""
    (tmp_path / "loaders" / "sub").mkdir(parents=True)
    (tmp_path / "loaders" / "__init__.py").write_text("")
    (tmp_path / "loaders" / "sub" / "__init__.py").write_text("from loaders.sub.b import value\n")
    (tmp_path / "loaders" / "sub" / "b.py").write_text("def value():\n    from loaders import a\n    return a.x\n")
    (tmp_path / "loaders" / "a.py").write_text(
        "from typing import TYPE_CHECKING\nfrom loaders.sub import value, _hidden\nfrom . import sub\n"
        "if TYPE_CHECKING:\n    from loaders import c\nx = sub._secret + sub.__name__\n")
    (tmp_path / "loaders" / "c.py").write_text("import loaders.a\n")
    assert import_cycles(tmp_path) == [["loaders.a", "loaders.sub", "loaders.sub.b"]]
    assert private_names_used_across_modules(tmp_path) == [
        "loaders/a.py: loaders.sub._hidden", "loaders/a.py: loaders.sub._secret"]
