"""Preview, confirmation against a fingerprint, refusal audit, history, detail and undo of uploads
(data/preview.py and loaders/depot.py), without Streamlit."""

from __future__ import annotations

import pytest

from data import store
from data.access import Personne
from data.preview import DepotRefuse, annuler_depot, detail, historique
from data.uploads import libelle_type
from loaders.depot import auditer_refus, confirmer, preparer
from loaders.importer import import_bytes
from pages.components.layout import tableau_depots
from tests.conftest import TODAY
from tests.test_depot_page import csv
from tests.test_depot_page import value as current

NATIONAL = Personne("admin@dihal.gouv.fr", "national")
LYON = "200046977"
COORD_LYON = Personne("coord@lyon.fr", "coordinateur", LYON)
COORD_NICE = Personne("coord@nice.fr", "coordinateur", "200030195")


def test_preview_classifies_each_value_and_names_the_former_author(demo_db):
    old = current(demo_db, "sorties_rue_logement", "2026-T3")
    unchanged = current(demo_db, "expulsions_evitees", "2026-T3")
    data = csv(f"{LYON};sorties_rue_logement;2026-T3;{int(old[0]) + 7}",
               f"{LYON};expulsions_evitees;2026-T3;{int(unchanged[0])}",
               f"{LYON};demandes_115;2026-T3;NC",
               f"{LYON};cfp_accordes;2026-T4;3")
    prep = preparer(data, "lyon.csv", demo_db, personne=COORD_LYON, today=TODAY)
    assert prep.ok, prep.report.errors
    ap = prep.apercu
    assert (ap.compte("nouvelle"), ap.compte("revisee"), ap.compte("inchangee"), ap.non_renseignees) == (1, 1, 1, 1)
    rev = ap.lignes[ap.lignes["statut"] == "revisee"].iloc[0]
    assert (rev["indicateur"], rev["ancienne"], rev["nouvelle"], rev["ancien_utilisateur"]) == (
        "sorties_rue_logement", old[0], old[0] + 7, old[2])
    assert rev["ancien_le"] is not None
    # a dry run: nothing stored
    assert current(demo_db, "sorties_rue_logement", "2026-T3") == old
    assert current(demo_db, "cfp_accordes", "2026-T4") is None


def test_confirm_stores_exactly_the_preview(demo_db):
    data = csv(f"{LYON};cfp_accordes;2026-T4;3")
    prep = preparer(data, "lyon.csv", demo_db, personne=COORD_LYON, today=TODAY)
    done = confirmer(prep, demo_db, personne=COORD_LYON, empreinte=prep.apercu.empreinte, today=TODAY)
    assert done.stored and done.outcome.nouvelles == 1 and done.outcome.depot_id
    assert current(demo_db, "cfp_accordes", "2026-T4") == (3.0, 1, COORD_LYON.email)


def test_confirm_refuses_when_another_upload_landed_and_returns_the_fresh_preview(demo_db):
    data = csv(f"{LYON};cfp_accordes;2026-T4;3", f"{LYON};expulsions_effectives;2026-T4;4")
    prep = preparer(data, "lyon.csv", demo_db, personne=COORD_LYON, today=TODAY)
    assert prep.apercu.compte("nouvelle") == 2
    other = import_bytes(csv(f"{LYON};cfp_accordes;2026-T4;9"), "autre.csv", demo_db, user="autre", today=TODAY)
    assert other.stored
    done = confirmer(prep, demo_db, personne=COORD_LYON, empreinte=prep.apercu.empreinte, today=TODAY)
    assert not done.stored and "Un autre dépôt" in done.message
    assert current(demo_db, "cfp_accordes", "2026-T4") == (9.0, 1, "autre")
    assert current(demo_db, "expulsions_effectives", "2026-T4") is None
    fresh = done.apercu
    assert (fresh.compte("nouvelle"), fresh.compte("revisee")) == (1, 1)
    again = confirmer(prep, demo_db, personne=COORD_LYON, empreinte=fresh.empreinte, today=TODAY)
    assert again.stored and current(demo_db, "cfp_accordes", "2026-T4") == (3.0, 2, COORD_LYON.email)


def test_coordinator_rows_of_another_territory_are_errors_and_nothing_is_stored(demo_db):
    data = csv(f"{LYON};cfp_accordes;2026-T4;3")
    prep = preparer(data, "lyon.csv", demo_db, personne=COORD_NICE, today=TODAY)
    assert not prep.ok
    assert [(p.line, p.code) for p in prep.report.errors] == [(2, "territoire-hors-perimetre")]
    assert "hors de votre périmètre" in prep.report.errors[0].message
    # even with a fingerprint obtained elsewhere, the write path checks the rights again
    good = preparer(data, "lyon.csv", demo_db, personne=COORD_LYON, today=TODAY)
    done = confirmer(good, demo_db, personne=COORD_NICE, empreinte=good.apercu.empreinte, today=TODAY)
    assert not done.stored
    assert current(demo_db, "cfp_accordes", "2026-T4") is None


def test_other_kinds_and_extensions_are_refused_with_a_french_message(demo_db):
    roadmap = b"code_territoire;indicateur;debut;fin;valeur_base;periode_base;cible;jalon_an1\n"
    roadmap += f"{LYON};sorties_rue_logement;2025-T1;2026-T4;;;100;\n".encode()
    prep = preparer(roadmap, "fdr.csv", demo_db, personne=NATIONAL, today=TODAY)
    assert not prep.ok and "feuille de route" in prep.message
    prep = preparer(b"PK\x03\x04whatever", "macro.xlsm", demo_db, personne=NATIONAL, today=TODAY)
    assert not prep.ok and prep.report.errors[0].code == "classeur-refuse"
    assert "macros" in prep.report.errors[0].message


def test_refused_drop_is_audited_for_the_coordinator_territory(demo_db):
    prep = preparer(csv(f"{LYON};cfp_accordes;2026-T4;abc"), "faux.csv", demo_db, personne=COORD_LYON, today=TODAY)
    depot_id = auditer_refus(prep, demo_db, personne=COORD_LYON)
    with store.connect(demo_db) as con:
        hist = historique(con, COORD_LYON, LYON)
        assert hist.iloc[0]["id"] == depot_id and hist.iloc[0]["resultat"] == "refuse"
        assert hist.iloc[0]["utilisateur"] == COORD_LYON.email
        with pytest.raises(DepotRefuse):
            historique(con, COORD_NICE, LYON)
        with pytest.raises(DepotRefuse):
            detail(con, depot_id, COORD_NICE)
        assert detail(con, depot_id, COORD_LYON).problemes[0]["code"] == "valeur-invalide"


def test_undo_restores_former_values_and_withdraws_created_ones_keeping_their_history(demo_db):
    old = current(demo_db, "sorties_rue_logement", "2026-T3")
    data = csv(f"{LYON};sorties_rue_logement;2026-T3;{int(old[0]) + 5}", f"{LYON};cfp_accordes;2026-T4;3")
    prep = preparer(data, "lyon.csv", demo_db, personne=COORD_LYON, today=TODAY)
    done = confirmer(prep, demo_db, personne=COORD_LYON, empreinte=prep.apercu.empreinte, today=TODAY)
    depot_id = done.outcome.depot_id
    with store.connect(demo_db) as con:
        det = detail(con, depot_id, COORD_LYON)
        assert list(det.revisions["ancienne"]) == [old[0]] and list(det.revisions["nouvelle"]) == [old[0] + 5]
        assert len(det.valeurs) == 2
        with pytest.raises(DepotRefuse, match="administrateur"):
            annuler_depot(con, depot_id, COORD_LYON)
    assert current(demo_db, "sorties_rue_logement", "2026-T3")[0] == old[0] + 5
    with store.connect(demo_db) as con:
        undo = annuler_depot(con, depot_id, NATIONAL)
        assert (undo.restaurees, undo.retirees, undo.modifiees_depuis) == (1, 1, 0)
        withdrawn = con.execute(
            "SELECT valeur, depot_id, remplacee_par_depot FROM valeur_historique WHERE territoire = ? "
            "AND indicateur = 'cfp_accordes' AND trimestre = '2026-T4'", [LYON]).fetchall()
        history = con.execute(
            "SELECT valeur, revision FROM valeur_historique WHERE territoire = ? AND indicateur = ? AND trimestre = ?"
            " ORDER BY revision", [LYON, "sorties_rue_logement", "2026-T3"]).fetchall()
        journal = con.execute("SELECT qui, objet FROM journal WHERE action = 'depot.annulation'").fetchall()
        hist = historique(con, NATIONAL, LYON)
        with pytest.raises(DepotRefuse, match="déjà été annulé"):
            annuler_depot(con, depot_id, NATIONAL)
    assert current(demo_db, "sorties_rue_logement", "2026-T3") == (old[0], old[1] + 2, NATIONAL.email)
    assert history == [(old[0], old[1]), (old[0] + 5, old[1] + 1)]  # nothing erased
    assert current(demo_db, "cfp_accordes", "2026-T4") is None  # created by the upload: withdrawn...
    assert withdrawn == [(3.0, depot_id, undo.depot_id)]  # ...and kept in the history
    assert journal == [(NATIONAL.email, str(depot_id))]
    undone = hist[hist["id"] == depot_id].iloc[0]
    assert undone["annule_par"] == NATIONAL.email
    assert hist.iloc[0]["type_fichier"] == "annulation"
    # the lists of uploads (home page, history) name it in French, like every other kind
    assert list(tableau_depots(hist.head(1))["Type"]) == ["annulation d'un dépôt"]
    assert libelle_type("values") == "valeurs trimestrielles" and libelle_type("autre") == "type inconnu"


def test_undo_leaves_values_changed_since(demo_db):
    old = current(demo_db, "sorties_rue_logement", "2026-T3")
    first = import_bytes(csv(f"{LYON};sorties_rue_logement;2026-T3;{int(old[0]) + 5}"), "a.csv", demo_db,
                         user="a", today=TODAY)
    import_bytes(csv(f"{LYON};sorties_rue_logement;2026-T3;{int(old[0]) + 9}"), "b.csv", demo_db, user="b",
                 today=TODAY)
    with store.connect(demo_db) as con:
        undo = annuler_depot(con, first.outcome.depot_id, NATIONAL)
    assert (undo.restaurees, undo.modifiees_depuis) == (0, 1)
    assert current(demo_db, "sorties_rue_logement", "2026-T3")[0] == old[0] + 9


def test_a_coordinator_sees_only_their_part_of_a_multi_territory_upload(demo_db):
    nice = COORD_NICE.territoire
    done = import_bytes(csv(f"{LYON};cfp_accordes;2026-T4;3", f"{nice};cfp_accordes;2026-T4;4"), "national.csv",
                        demo_db, user="national", today=TODAY)
    depot_id = done.outcome.depot_id
    with store.connect(demo_db) as con:
        full = detail(con, depot_id, NATIONAL)
        part = detail(con, depot_id, COORD_LYON)
        hist = historique(con, COORD_LYON, LYON)
    assert sorted(full.valeurs["territoire"]) == sorted([LYON, nice])
    assert list(part.valeurs["territoire"]) == [LYON] and part.problemes == []
    assert hist[hist["id"] == depot_id].iloc[0]["territoires"] == LYON
