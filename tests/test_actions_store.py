"""Actions in the store: revisions keep the former version with who and when, the browser's
preview -> confirmation stores exactly what was previewed, an undo withdraws what the upload created
and restores what it revised (nothing erased), and roles hold in the data layer."""

from __future__ import annotations

import pytest

from core.errors import AccesRefuse, DepotRefuse
from data import actions_reads, store
from data.access import Personne
from data.preview import annuler_depot
from loaders.depot import confirmer, preparer
from tests.conftest import TODAY
from tests.test_actions_import import GOOD, GRENOBLE, LYON, fichier, importer

NATIONAL = Personne("admin@dihal.gouv.fr", "national")
COORD = Personne("coord@lyon.fr", "coordinateur", LYON)
COORD_GRENOBLE = Personne("coord@grenoble.fr", "coordinateur", GRENOBLE)


def rows(db, sql):
    with store.connect(db) as con:
        return con.execute(sql).fetchall()


def test_a_revision_keeps_the_former_action_and_status_point_with_who_and_when(db):
    first = importer(db, fichier(GOOD))
    second = import_as(db, "carol", fichier(
        f"{LYON};A1.1;Plateforme d'accompagnement;9;Métropole;;2024-01-15;2026-06-30;bloquée;40;2024-T3;recrutements gelés"))
    assert second.outcome.details == {"actions_revisee": 1, "points_revisee": 1}
    assert rows(db, "SELECT intitule, fin::VARCHAR, partenaires, revision, utilisateur FROM action") == [
        ("Plateforme d'accompagnement", "2026-06-30", "SIAO, CCAS", 2, "carol")]  # empty partenaires kept
    assert rows(db, "SELECT intitule, fin::VARCHAR, revision, utilisateur, remplacee_par_depot FROM action_historique") == [
        ("Plateforme territoriale d'accompagnement", "2025-12-31", 1, "coord@lyon.fr", second.outcome.depot_id)]
    assert rows(db, "SELECT statut, commentaire, revision FROM point_action") == [("bloquee", "recrutements gelés", 2)]
    assert rows(db, "SELECT statut, commentaire, revision, depot_id FROM point_action_historique") == [
        ("en_cours", "recrutements faits", 1, first.outcome.depot_id)]
    with store.connect(db) as con:
        history = actions_reads.historique_action(con, NATIONAL, LYON, "A1.1")
    assert list(zip(history["statut"], history["revision"], history["courante"])) == [
        ("bloquee", 2, True), ("en_cours", 1, False)]


def import_as(db, user, data):
    from loaders.importer import import_bytes

    return import_bytes(data, "actions.csv", db, user=user, today=TODAY)


def test_every_upload_is_audited_refused_ones_too(db):
    importer(db, fichier(GOOD))
    importer(db, fichier(f"{LYON};A9;;99;;;;;;;;"))
    assert rows(db, "SELECT type_fichier, resultat, nb_nouvelles, nb_erreurs FROM depot ORDER BY id") == [
        ("actions", "enregistre", 2, 0), ("actions", "refuse", 0, 2)]


def test_preview_then_confirmation_stores_exactly_the_preview(db):
    prep = preparer(fichier(GOOD, f"{LYON};A2;Titre deux;3;;;;;à venir;;2024-T3;"), "actions.csv", db,
                    personne=COORD, today=TODAY)
    assert prep.ok and (prep.apercu.compte("nouvelle"), prep.apercu.compte("revisee")) == (4, 0)
    assert set(prep.apercu.lignes["objet"]) == {"action", "point"}
    assert rows(db, "SELECT count(*) FROM action") == [(0,)]
    done = confirmer(prep, db, personne=COORD, today=TODAY)
    assert done.stored and done.outcome.nouvelles == 4
    assert rows(db, "SELECT ref_action FROM action ORDER BY 1") == [("A1.1",), ("A2",)]


def test_a_confirmation_after_another_upload_of_the_same_action_stores_nothing(db):
    prep = preparer(fichier(GOOD), "actions.csv", db, personne=COORD, today=TODAY)
    importer(db, fichier(f"{LYON};A1.1;Autre;9;;;;;réalisée;100;2024-T3;"))
    done = confirmer(prep, db, personne=COORD, today=TODAY)
    assert not done.stored and done.apercu is not None
    assert done.apercu.compte("revisee") == 2  # the fresh preview: the action and its point are revisions now
    assert rows(db, "SELECT intitule FROM action") == [("Autre",)]


def test_a_coordinator_cannot_write_another_territory_through_any_path(db):
    prep = preparer(fichier(GOOD), "actions.csv", db, personne=COORD_GRENOBLE, today=TODAY)
    assert not prep.ok and [p.code for p in prep.report.errors] == ["territoire-hors-perimetre"]
    own = preparer(fichier(GOOD), "actions.csv", db, personne=COORD, today=TODAY)
    with pytest.raises(DepotRefuse):  # the data layer checks the rights again at the write
        from data.actions import store_previewed
        from data.uploads import UploadMeta

        with store.connect(db) as con:
            store_previewed(con, own.batch, UploadMeta("x", "", COORD_GRENOBLE.email), own.apercu.empreinte,
                            COORD_GRENOBLE)
    assert rows(db, "SELECT count(*) FROM action") == [(0,)]


def test_detail_is_read_only_within_the_scope(db):
    importer(db, fichier(GOOD))
    with store.connect(db) as con:
        assert list(actions_reads.actions(con, COORD, LYON)["ref_action"]) == ["A1.1"]
        for reader in (actions_reads.actions, actions_reads.points):
            with pytest.raises(AccesRefuse):
                reader(con, COORD_GRENOBLE, LYON)
            with pytest.raises(AccesRefuse):
                reader(con, Personne("l@x.fr", "lecteur"), LYON)
        with pytest.raises(AccesRefuse):
            actions_reads.historique_action(con, COORD_GRENOBLE, LYON, "A1.1")
        acts, pts = actions_reads.suivi(con)  # the aggregate rows carry no text
        assert list(acts.columns) == ["territoire", "ref_action", "axe", "debut", "fin"]
        assert list(pts.columns) == ["territoire", "ref_action", "trimestre", "statut", "avancement"]


def test_undo_withdraws_what_the_upload_created_and_restores_what_it_revised(db):
    first = importer(db, fichier(GOOD))
    second = importer(db, fichier(f"{LYON};A1.1;Nouveau titre;9;;;;;réalisée;100;2024-T3;",
                                  f"{LYON};A1.1;;9;;;;;réalisée;100;2024-T4;", f"{LYON};A7;Créée;12;;;;;en cours;;2024-T4;"))
    assert second.outcome.details == {"actions_revisee": 1, "actions_nouvelle": 1, "points_revisee": 1,
                                      "points_nouvelle": 2}
    with pytest.raises(DepotRefuse):
        with store.connect(db) as con:
            annuler_depot(con, second.outcome.depot_id, COORD)
    with store.connect(db) as con:
        undone = annuler_depot(con, second.outcome.depot_id, NATIONAL)
    assert (undone.restaurees, undone.retirees, undone.modifiees_depuis) == (2, 3, 0)
    assert rows(db, "SELECT ref_action, intitule, revision FROM action") == [
        ("A1.1", "Plateforme territoriale d'accompagnement", 3)]
    assert rows(db, "SELECT trimestre, statut, revision FROM point_action") == [("2024-T3", "en_cours", 3)]
    # nothing erased: the withdrawn and replaced versions are all in the history
    assert rows(db, "SELECT ref_action, intitule, remplacee_par_depot FROM action_historique ORDER BY revision, ref_action") == [
        ("A1.1", "Plateforme territoriale d'accompagnement", second.outcome.depot_id),
        ("A7", "Créée", undone.depot_id), ("A1.1", "Nouveau titre", undone.depot_id)]
    assert rows(db, f"SELECT count(*) FROM point_action_historique WHERE remplacee_par_depot = {undone.depot_id}") == [(3,)]
    assert first.outcome.depot_id < second.outcome.depot_id < undone.depot_id
    with pytest.raises(DepotRefuse):  # once only
        with store.connect(db) as con:
            annuler_depot(con, second.outcome.depot_id, NATIONAL)


def test_undo_keeps_an_action_that_a_later_upload_reported_on(db):
    created = importer(db, fichier(GOOD))
    importer(db, fichier(f"{LYON};A1.1;;9;;;;;en cours;60;2024-T4;"))
    with store.connect(db) as con:
        undone = annuler_depot(con, created.outcome.depot_id, NATIONAL)
    assert (undone.retirees, undone.restaurees) == (1, 0)  # its own point; the action holds a later one
    assert rows(db, "SELECT ref_action FROM action") == [("A1.1",)]
    assert rows(db, "SELECT trimestre FROM point_action") == [("2024-T4",)]
