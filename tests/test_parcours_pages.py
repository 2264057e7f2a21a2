"""What a new user read on the pages (the walk of the dashboard, branch parcours): every number of
the text the French way, « 1 000 », never « 1000 »."""

from __future__ import annotations

from data import personnes
from tests.test_roles_pages import run


def test_the_audit_trail_states_its_limit_the_french_way(demo_db, monkeypatch):
    monkeypatch.setenv("LDA_DB", str(demo_db))
    at = run("pages/administration.py", auth=False)
    assert personnes.LIMITE_JOURNAL == 1000
    (said,) = [c.value for c in at.caption if "entrées les plus récentes" in c.value]
    assert "Les 1\u202f000 entrées les plus récentes selon les filtres." in said


def test_a_problem_of_the_actions_grid_names_the_column_the_person_saw():
    from loaders.problems import Problem
    from pages.components.actions import COLONNES_GRILLE, probleme_grille

    p = Problem("pourcentage-hors-bornes", 2, "avancement", "150")
    said = probleme_grille(p, {2: "A1.1"})
    assert said == f"Action **A1.1**, colonne « Avancement (%) » : {p.message}"
    assert p.message == "« 150 » : un pourcentage doit être compris entre 0 et 100."
    assert COLONNES_GRILLE["avancement"] == "Avancement (%)"
    assert probleme_grille(Problem("fichier-vide"), {}) == f"Action **?** : {Problem('fichier-vide').message}"
