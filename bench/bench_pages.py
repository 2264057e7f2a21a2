"""Benchmark of the dashboard pages on the scale database (not a test; prints ratios).

The scale database of bench_indicators.py (every EPCI and département registered: 1,354
territories x 27 base indicators x 32 quarters). Each page runs server-side under Streamlit's
AppTest through app.py (navigation, national demo persona), as the server runs it; the baseline is a trivial page (a title and a
line of text) run the same way in the same process. Two figures per page:
- "premier affichage": the first run after a data change (a new data version, as an upload
  leaves it, and no cached figure: every figure is computed), median of at least 3, on a process
  that has run the page once before (as a running server has: its modules imported and the map's
  geometry read, which no data change touches);
- "affichage suivant": a later run with unchanged data (what every other visitor gets).
Goal of the dashboard issue: the national page under 10x the trivial page. Timing: bench/_mesure.py.

    .venv/bin/python bench/bench_pages.py [--db PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench._mesure import Mesure, mediane, medianes, mesure, minimum  # noqa: E402
from bench_indicators import build  # noqa: E402
from data import store  # noqa: E402
from pages.components import auth  # noqa: E402

GOAL = 10.0
PAGES = {  # name: (script, query parameters, expected title)
    "Accueil": ("pages/accueil.py", {}, "Logement d'abord — territoires de mise en œuvre accélérée"),
    "Pilotage national": ("pages/pilotage.py", {}, "Pilotage national"),
    "Mon territoire": ("pages/territoire.py", {"territoire": "200046977"}, "Métropole de Lyon"),
    "Indicateurs et méthode": ("pages/methode.py", {}, "Indicateurs et méthode"),
}
TRIVIAL = """
import streamlit as st
st.title("Page triviale")
st.write("Bonjour")
"""


def run_page(path: str, params: dict, title: str) -> Mesure:
    """One run of the page through app.py, as the server runs it (navigation, demo persona): its
    wall time and the CPU time of the process (every thread: the script's, DuckDB's), which says
    what the run costs when other programs load the machine, which stretches wall times unevenly."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(path)  # only records the page: the run below is the measured one
    elapsed = mesure(at.run)
    if at.exception:
        raise SystemExit(f"{path} : exception {[e.value for e in at.exception]}")
    if not at.title or at.title[0].value != title:  # the page measured is the page meant
        raise SystemExit(f"{path} : titre inattendu {[t.value for t in at.title]}")
    return elapsed


def run_trivial() -> Mesure:
    return mesure(AppTest.from_string(TRIVIAL, default_timeout=60).run)


def data_change(path: Path) -> None:
    """What an upload does to the caches: a new data version (every read and figure kept on the
    version is computed again) and, since the data behind them changed, no figure kept on its
    frames' content either."""
    with store.connect(path) as con, store.transaction(con):
        pass  # a write transaction bumps the data version
    st.cache_data.clear()
    st.cache_resource.clear()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database file (default: a temporary one)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.duckdb"
        with store.connect(path) as con:
            if not con.execute("SELECT count(*) FROM valeur").fetchall()[0][0]:
                start = time.perf_counter()
                counts = build(con)
                print(f"base construite en {time.perf_counter() - start:.1f} s : {counts}")
        os.environ["LDA_DB"] = str(path)
        # the scale database is not marked as demo data: without this the app stays closed
        os.environ[auth.DEMO_SWITCH] = "1"
        trivial = mediane(run_trivial, repeat=args.repeat * 2)
        print(f"page triviale                               {trivial.ms()}")
        for name, (page, params, title) in PAGES.items():
            # once, untimed: the modules the page imports and the geometry of the map are read once
            # per server process, not after each data change (bench_exports.py does the same)
            run_page(page, params, title)
            firsts = []
            for _ in range(max(3, args.repeat)):
                data_change(path)
                firsts.append(run_page(page, params, title))
            first = medianes(firsts)
            warm = mediane(run_page, page, params, title, repeat=args.repeat)
            trivial = minimum(trivial, mediane(run_trivial, repeat=args.repeat))  # baseline again, same noise
            r_first, r_warm = first / trivial, warm / trivial
            print(f"{name:28s} premier affichage {first.wall * 1000:8.1f} ms ({r_first.wall:5.1f}x, "
                  f"CPU {r_first.cpu:5.1f}x) ; affichage suivant {warm.wall * 1000:8.1f} ms "
                  f"({r_warm.wall:5.1f}x, CPU {r_warm.cpu:5.1f}x)")
            if name == "Pilotage national":
                national = (r_first, r_warm)
        print(f"RATIO page nationale / page triviale : {national[1].wall:.1f}x (affichage suivant), "
              f"{national[0].wall:.1f}x (premier affichage) ; objectif < {GOAL:.0f}x ; "
              f"en temps CPU : {national[1].cpu:.1f}x et {national[0].cpu:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
