"""Roles in the data layer for the budget: a coordinator reads the detail of their own territory
only, a lecteur none; only the national team records the AMI envelope, with its history."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import AccesRefuse, SaisieInvalide
from data import budget, store
from data.access import Personne
from loaders.importer import import_bytes
from tests.conftest import TODAY

LYON, DOUBS = "200046977", "25"
NATIONAL = Personne("dihal@example.fr", "national")
COORD = Personne("coord@lyon.fr", "coordinateur", LYON)
ETAT = Personne("ddets@doubs.fr", "services_etat", DOUBS)
LECTEUR = Personne("lecteur@x.fr", "lecteur")


@pytest.fixture
def filled(db):
    body = "".join(f"{t};2024;ingenierie;etat_ami;{n};;;\n" for t, n in ((LYON, 1000), (DOUBS, 2000)))
    import_bytes(("code_territoire;exercice;poste;financeur;prevu;engage;verse\n" + body).encode(), "b.csv", db,
                 user="dihal", today=TODAY)
    return db


def test_each_role_reads_the_detail_of_its_scope_only(filled):
    with store.connect(filled) as con:
        assert set(budget.lignes(con, NATIONAL)["territoire"]) == {LYON, DOUBS}
        assert list(budget.lignes(con, COORD)["territoire"]) == [LYON]
        assert list(budget.lignes(con, ETAT, DOUBS)["prevu"]) == [2000]
        for person, territory in ((COORD, DOUBS), (ETAT, LYON), (LECTEUR, LYON)):
            with pytest.raises(AccesRefuse):
                budget.lignes(con, person, territory)
            with pytest.raises(AccesRefuse):
                budget.historique(con, person, territory)
        with pytest.raises(AccesRefuse):
            budget.lignes(con, LECTEUR)


def test_a_coordinator_cannot_store_another_territorys_lines(filled):
    import pyarrow as pa

    from data.uploads import UploadMeta

    batch = pa.table({"territoire": [DOUBS], "exercice": [2024], "poste": ["ingenierie"], "financeur": ["etat_ami"],
                      "prevu": [5.0], "engage": [None], "verse": [None], "commentaire": [None], "ligne": [2]})
    with store.connect(filled) as con:
        with pytest.raises(Exception, match="pas déposer"):
            budget.apply_budget(con, batch, UploadMeta("x.csv", "s", COORD.email, "budget"), personne=COORD)
        assert con.execute("SELECT prevu FROM budget_ligne WHERE territoire = ?", [DOUBS]).fetchall() == [
            (Decimal("2000.00"),)]


def test_only_the_national_team_records_the_envelope_and_revisions_keep_history(db):
    with store.connect(db) as con:
        for person in (COORD, ETAT, LECTEUR):
            with pytest.raises(AccesRefuse):
                budget.enregistrer_enveloppe(con, person, 2024, "1000")
        assert budget.enregistrer_enveloppe(con, NATIONAL, 2024, "4 000 000", {LYON: "100 000,50"}) == {
            "nouvelles": 2, "revisees": 0, "inchangees": 0}
        second = Personne("autre@dihal.fr", "national")
        assert budget.enregistrer_enveloppe(con, second, 2024, "4000000", {LYON: "90000"}) == {
            "nouvelles": 0, "revisees": 1, "inchangees": 1}
        national, notifie = budget.enveloppes(con, 2024)
        assert float(national["montant"][0]) == 4_000_000 and float(notifie["notifie"][0]) == 90_000
        history = budget.historique_enveloppe(con, 2024)
        assert list(zip(history["portee"], history["montant"], history["utilisateur"], history["remplacee_par"])) == [
            ("territoire", 100_000.5, NATIONAL.email, second.email)]
        with pytest.raises(SaisieInvalide):
            budget.enregistrer_enveloppe(con, NATIONAL, 2024, "-5")
        with pytest.raises(SaisieInvalide):
            budget.enregistrer_enveloppe(con, NATIONAL, 2024, None, {"XXX": "5"})
        assert con.execute("SELECT count(*) FROM journal WHERE action = ?", [budget.ACTION_ENVELOPPE]).fetchall() == [(2,)]


def test_an_empty_envelope_comment_keeps_the_stored_one_and_clearing_is_explicit(db):
    def stored(con):
        return con.execute("SELECT montant, commentaire, revision FROM enveloppe WHERE exercice = 2024").fetchall()

    with store.connect(db) as con:
        budget.enregistrer_enveloppe(con, NATIONAL, 2024, "4 000 000", commentaire="arrêté du 3 mars")
        # saved again with the comment field empty: nothing changes (it erased the comment)
        assert budget.enregistrer_enveloppe(con, NATIONAL, 2024, "4000000", commentaire="  ") == {
            "nouvelles": 0, "revisees": 0, "inchangees": 1}
        assert stored(con) == [(Decimal("4000000.00"), "arrêté du 3 mars", 1)]
        # an empty comment with a new amount: the amount is revised, the comment stays
        budget.enregistrer_enveloppe(con, NATIONAL, 2024, "4 100 000", commentaire=None)
        assert stored(con) == [(Decimal("4100000.00"), "arrêté du 3 mars", 2)]
        # a new comment alone is a revision (it was counted unchanged and not stored)
        assert budget.enregistrer_enveloppe(con, NATIONAL, 2024, "4 100 000", commentaire="arrêté rectificatif")[
            "revisees"] == 1
        assert stored(con) == [(Decimal("4100000.00"), "arrêté rectificatif", 3)]
        # clearing is explicit, and the former comment stays in the history
        assert budget.enregistrer_enveloppe(con, NATIONAL, 2024, None, effacer_commentaire=True)["revisees"] == 1
        assert stored(con) == [(Decimal("4100000.00"), None, 4)]
        history = con.execute("SELECT montant, commentaire, revision, remplacee_par FROM enveloppe_historique "
                              "ORDER BY revision").fetchall()
    assert history == [(Decimal("4000000.00"), "arrêté du 3 mars", 1, NATIONAL.email),
                       (Decimal("4100000.00"), "arrêté du 3 mars", 2, NATIONAL.email),
                       (Decimal("4100000.00"), "arrêté rectificatif", 3, NATIONAL.email)]
