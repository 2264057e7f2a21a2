"""What a new user read on the pages (the walk of the dashboard, branch parcours): every number of
the text the French way, « 1 000 », never « 1000 »."""

from __future__ import annotations

from data import personnes, reads, store
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


def test_a_quarter_in_the_address_that_is_not_offered_is_said_not_silently_replaced(demo_db, monkeypatch):
    from core import quarters
    from data.access import Personne
    from tests.apptest import as_person

    monkeypatch.setenv("LDA_DB", str(demo_db))
    national = Personne("n@dihal.gouv.fr", "national")
    last = quarters.last_complete()  # the page's own clock
    at = as_person("pages/territoire.py", national, territoire="80021", t="2030-T1")
    said = [w.value for w in at.warning if "trimestre" in w.value]
    with store.connect(demo_db) as con:
        first = reads.premier_debut(con)
    assert said == [f"Le trimestre « 2030-T1 » de l'adresse n'est pas proposé (du {quarters.label(first)} au "
                    f"{quarters.label(last)}, dernier trimestre complet) : le {quarters.label(last)} est affiché."]
    assert at.selectbox(key="trimestre").value == last
    at = as_person("pages/territoire.py", national, territoire="80021", t="2026-T1")
    assert not [w.value for w in at.warning if "trimestre" in w.value]
    assert at.selectbox(key="trimestre").value == "2026-T1"


def test_the_upload_page_names_the_coordinator_s_territory(demo_db, monkeypatch):
    from tests.apptest import as_persona

    monkeypatch.setenv("LDA_DB", str(demo_db))
    at = as_persona("pages/depot.py", "coordinateur", "18")
    (intro,) = [m.value for m in at.markdown if m.value.startswith("Déposez chaque trimestre")]
    assert intro.endswith(" Vous déposez pour **Cher (18)** uniquement.")


def test_a_budget_file_s_preview_and_record_count_in_french_plurals():
    import pandas as pd

    from data.preview import Apercu
    from pages.components.budget_depot import lignes_comptees, resume_apercu

    apercu = Apercu(pd.DataFrame({"statut": ["revisee", "revisee", "nouvelle"]}), "empreinte", non_renseignees=0)
    assert resume_apercu(apercu) == "1 nouvelle, 2 révisées, 0 inchangée ; 0 ligne vide ignorée"
    assert lignes_comptees(0, 1, 12) == "0 nouvelle, 1 révisée, 12 inchangées"
    assert "(s)" not in resume_apercu(Apercu(pd.DataFrame({"statut": []}), "e", non_renseignees=3))
