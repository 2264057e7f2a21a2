"""The harness every AppTest run goes through (installed for the whole session by tests/conftest.py):
a file of pages/ runs as app.py runs it, and Streamlit's scan of the installed packages for
components is made once per test process, and the test waits for a run by joining its thread."""

from __future__ import annotations

import ast
import os
import time
from pathlib import Path

PAGES_DIR = str(Path(__file__).resolve().parent.parent / "pages") + os.sep
_AS_APP_RUNS = """
import pages.components.store as _lda_store
_lda_hors_app = not getattr(_lda_store._RUN, "active", False)
if _lda_hors_app:
    _lda_store.begin_run()
"""


def page_as_app_runs(path: str, source: str):
    """The code of the page file ``path`` (its ``source``) between store.begin_run() and
    store.end_run(), as app.py runs every page: the data version read once at the start of the run,
    the run's cache misses sharing one connection, closed when the run ends (returned, raised or
    stopped). A page run from app.py (st.navigation) is already inside them and runs unchanged.
    Line numbers stay those of the file."""
    tree = ast.parse(source, path)
    future = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    body = [n for n in tree.body if n not in future]
    finish = ast.parse("if _lda_hors_app:\n    _lda_store.end_run()").body
    tree.body = future + ast.parse(_AS_APP_RUNS).body + [
        ast.Try(body=body or [ast.Pass()], handlers=[], orelse=[], finalbody=finish)]
    ast.fix_missing_locations(tree)
    return compile(tree, path, "exec", dont_inherit=True)


def install_harness() -> None:
    """Make every AppTest run of a file of pages/ go through page_as_app_runs(); scan the
    installed packages for Streamlit components once per test process instead of at each AppTest
    (about 0.1 s each: the packages do not change during a test run); and wait for a run with
    wait_for_run()."""
    from streamlit.components.v2 import manifest_scanner
    from streamlit.runtime.scriptrunner import script_cache
    from streamlit.testing.v1 import local_script_runner

    if getattr(script_cache.ScriptCache.get_bytecode, "lda_harness", False):
        return
    original = script_cache.ScriptCache.get_bytecode

    def get_bytecode(self, script_path: str):
        path = os.path.abspath(script_path)
        if not path.startswith(PAGES_DIR):
            return original(self, script_path)
        with self._lock:
            code = self._cache.get(path)
            if code is None:
                with open(path, encoding="utf-8") as f:
                    code = self._cache[path] = page_as_app_runs(path, f.read())
        return code

    get_bytecode.lda_harness = True
    script_cache.ScriptCache.get_bytecode = get_bytecode

    found = manifest_scanner.scan_component_manifests()
    manifest_scanner.scan_component_manifests = lambda *args, **kwargs: list(found)

    polling = local_script_runner.require_widgets_deltas

    def wait_for_run(runner, timeout: float = 3) -> None:
        """AppTest's wait for the end of a run, which polled every millisecond (the test's thread
        took the interpreter from the page's a thousand times a second: about 10 % of a page run's
        time), joined on the script thread instead; its own loop then returns, or raises when the
        run outlasts ``timeout``, as before."""
        deadline = time.monotonic() + timeout
        while not runner.script_stopped() and time.monotonic() < deadline:
            thread = runner._script_thread
            if thread is not None and thread.is_alive():
                thread.join(min(0.05, max(0.0, deadline - time.monotonic())))
            else:
                time.sleep(0.001)
        if not runner.script_stopped():
            polling(runner, max(0.0, deadline - time.monotonic()))

    local_script_runner.require_widgets_deltas = wait_for_run
