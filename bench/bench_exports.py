"""Benchmark of the Club deck on the scale database (not a test; prints ratios).

The scale database of bench_indicators.py (1,354 territories). In the same process: the national
page's first view after a data change (bench_pages.run_page through app.py, Streamlit's cache
cleared), and building the full national deck (exports.club.construire: the national page's
figures, the map of every territory) then writing it as .pptx in memory, and as .html. The map's
geometry is read once per process by both (data.geo caches it), so both are measured with it read.
Goal of issue 12: the .pptx at most 2x the national page's first view.

    .venv/bin/python bench/bench_exports.py [--db PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import streamlit as st  # noqa: E402

from bench._mesure import mediane, medianes  # noqa: E402
from bench_indicators import AT, build  # noqa: E402
from bench_pages import PAGES, run_page  # noqa: E402
from data import store  # noqa: E402
from exports import club, html, pptx  # noqa: E402

GOAL = 2.0


def deck(path: Path, writer) -> None:
    with store.connect(path) as con:
        writer(club.construire(con, AT))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database file (default: a temporary one)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.duckdb"
        with store.connect(path) as con:
            if not con.execute("SELECT count(*) FROM valeur").fetchall()[0][0]:
                print(f"base construite : {build(con)}")
                # without [auth], the dashboard opens on demonstration data only (the page measured)
                store.set_meta(con, "demo", "oui")
        os.environ["LDA_DB"] = str(path)
        page, params, title = PAGES["Pilotage national"]
        run_page(page, params, title)  # geometry and imports read once, as on a running server
        firsts = []
        for _ in range(args.repeat):
            st.cache_data.clear()
            firsts.append(run_page(page, params, title))  # a Mesure
        first = medianes(firsts).wall
        deck_pptx = mediane(deck, path, pptx.octets, repeat=args.repeat, warmup=0).wall
        page_html = mediane(deck, path, html.page, repeat=args.repeat, warmup=0).wall
        print(f"page nationale, premier affichage  {first * 1000:8.0f} ms")
        print(f"diaporama national .pptx           {deck_pptx * 1000:8.0f} ms ({deck_pptx / first:4.2f}x)")
        print(f"diaporama national .html           {page_html * 1000:8.0f} ms ({page_html / first:4.2f}x)")
        print(f"RATIO diaporama .pptx / page nationale (premier affichage) : {deck_pptx / first:.2f}x ; "
              f"objectif <= {GOAL:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
