"""Wording a coordinator reads (issue 17): counts agree with their number (never « trimestre(s) »),
a file that cannot be read says what to do in Excel rather than which byte failed."""

from __future__ import annotations

import pandas as pd

from loaders.problems import Problem
from core.formatting import count
from pages.components.layout import fenetre


def test_counts_agree_with_their_number():
    assert count(0, "trimestre") == "0 trimestre" and count(1, "trimestre") == "1 trimestre"
    assert count(3, "trimestre écoulé", "trimestres écoulés") == "3 trimestres écoulés"
    assert count(1200, "entrée") == "1\u202f200 entrées"


def test_the_roadmap_window_says_trimestres_in_full():
    prog = pd.DataFrame([{"debut": "2024-T4", "fin": "2026-T3", "trimestres_fenetre": 8, "trimestres_ecoules": 1}])
    assert fenetre(prog) == "Feuille de route de T4 2024 à T3 2026 (8 trimestres) ; 1 trimestre écoulé."


def test_an_unreadable_file_says_what_to_do_before_the_technical_detail():
    message = Problem("fichier-illisible", params={"detail": "octet 0x81 inconnu en position 93"}).message
    assert message.startswith("Le fichier n'est pas un texte lisible ni un classeur Excel : dans Excel, "
                              "« Enregistrer sous » « CSV (séparateur : point-virgule) »")
    assert message.index("Enregistrer sous") < message.index("octet 0x81")


def test_an_empty_table_says_so_in_french(tmp_path):
    from streamlit.testing.v1 import AppTest

    def script():
        import pandas as pd

        from pages.components.tables import tableau

        tableau(pd.DataFrame({"Territoire": []}), "vide", key="vide")

    at = AppTest.from_function(script).run()
    assert not at.dataframe and [c.value for c in at.caption] == ["Aucune ligne à afficher."]


def test_streamlit_s_own_english_is_hidden_or_replaced():
    import tomllib

    from pages.components.layout import _STYLE_DEPOT, TEXTES_DEPOT
    from tests.conftest import ROOT

    config = tomllib.loads((ROOT / ".streamlit/config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True  # no English "Download as CSV" in the tables
    css = _STYLE_DEPOT.format(**TEXTES_DEPOT)
    assert '[data-testid="stFileChipName"] ~ * { display: none; }' in css  # no "424.0B"
    assert 'content: "afficher / réduire"' in css  # no "view more"
