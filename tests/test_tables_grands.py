"""Tables too large for per-cell formatting (pages/components/tables.py, CELLULES_MISE_EN_FORME)
still show their numbers the French way: each number column in the browser's French format
("localized": 1 234,5 in a French browser), figures rounded to one decimal, "–" for a missing one;
a small table keeps its Styler (figures written by core.formatting)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pages.components import tables


def _script(rows: int):
    import numpy as np
    import pandas as pd
    import streamlit as st

    from pages.components import tables

    frame = pd.DataFrame({
        "Territoire": [f"T{i}" for i in range(rows)],
        "Valeur": np.arange(rows) * 1000 + 234.5678,
        "Part (%)": [45.04 if i % 2 else None for i in range(rows)],
        "Nombre": np.arange(rows, dtype="int64") * 1000,
        "Aidé": np.arange(rows) + 0.25,
    })
    frame["Caché"], frame["Libellé"] = 1.5, 2.5
    tables.tableau(frame, "grand", key="grand",
                   column_config={"Aidé": st.column_config.NumberColumn("Aidé", help="Une aide."),
                                  "Caché": None, "Libellé": "Un libellé"})


def _run(monkeypatch, db, rows: int):
    monkeypatch.setenv("LDA_DB", str(db))
    at = AppTest.from_function(_script, args=(rows,), default_timeout=30).run()
    assert not at.exception
    return at.dataframe[0]


def test_a_large_table_gets_the_french_number_format_of_the_browser(monkeypatch, db):
    rows = tables.CELLULES_MISE_EN_FORME // 7 + 1  # 7 columns: just over the limit
    element = _run(monkeypatch, db, rows)
    config = json.loads(element.proto.columns)
    for column in ("Valeur", "Part (%)", "Nombre", "Aidé"):
        assert config[column]["type_config"]["format"] == "localized", column
    assert config["Aidé"]["help"] == "Une aide." and config["Aidé"]["label"] == "Aidé"  # the caller's settings kept
    assert "Territoire" not in config  # text stays text
    assert config["Libellé"]["label"] == "Un libellé" and config["Libellé"]["type_config"]["format"] == "localized"
    assert config["Caché"]["hidden"] is True  # a column the caller hides stays hidden
    shown = element.value
    assert shown["Valeur"].iloc[1] == pytest.approx(1234.6) and shown["Nombre"].iloc[1] == 1000  # rounded, still numbers
    assert element.proto.placeholder == tables.MANQUANT  # a missing figure reads "–"


def test_a_small_table_keeps_the_figures_written_by_the_styler(monkeypatch, db):
    element = _run(monkeypatch, db, 3)
    config = json.loads(element.proto.columns)
    assert "Valeur" not in config or not config["Valeur"].get("type_config", {}).get("format")
    styler = tables.affichage(pd.DataFrame({"Valeur": [1234.5678, -2.0]}))
    assert list(styler.data["Valeur"]) == [1234.5678, -2.0]  # numbers, written by core.formatting
    html = styler.to_html()
    assert ">1\u202f234,6<" in html and ">\u22122<" in html
