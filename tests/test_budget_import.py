"""The budget file (fiche 5, format-suivi.md) through the one import pipeline: each rule as
(line, column, code), the non-blocking checks, revisions with their history, the audit, undo."""

from __future__ import annotations

from decimal import Decimal

import pytest

from data import store
from data.access import Personne
from data.preview import annuler_depot
from loaders.importer import import_bytes
from tests.conftest import TODAY

LYON, DOUBS = "200046977", "25"
HEAD = "code_territoire;exercice;poste;financeur;prevu;engage;verse;commentaire\n"
NATIONAL = Personne("dihal@example.fr", "national")


def load(db, body: str, **kwargs):
    return import_bytes((HEAD + body).encode("utf-8"), "budget.csv", db, user="carol", today=TODAY, **kwargs)


def found(result, severity="erreur"):
    problems = result.report.sorted_errors() if severity == "erreur" else result.report.sorted_warnings()
    return [(p.line, p.column, p.code) for p in problems]


def rows(db, table="budget_ligne"):
    with store.connect(db) as con:
        return con.execute(f"SELECT territoire, exercice, poste, financeur, prevu, engage, verse, commentaire, revision"
                           f" FROM {table} ORDER BY ALL").fetchall()


def test_the_example_of_format_suivi_is_stored_with_cents_and_unknowns(db):
    result = load(db, f"{LYON};2024;coordination;etat_ami;30 000;30 000;15 000;\n"
                      f"{LYON};2024;coordination;collectivite;30 000;30 000;30 000;\n"
                      f"{LYON};2024;observation_sociale;etat_ami;12 500,50;8 000;;Nuit de la solidarité\n")
    assert result.kind == "budget" and result.stored and result.report.ok
    assert (result.outcome.nouvelles, result.outcome.revisees, result.outcome.inchangees) == (3, 0, 0)
    assert rows(db) == [
        (LYON, 2024, "coordination", "collectivite", Decimal("30000.00"), Decimal("30000.00"), Decimal("30000.00"), None, 1),
        (LYON, 2024, "coordination", "etat_ami", Decimal("30000.00"), Decimal("30000.00"), Decimal("15000.00"), None, 1),
        (LYON, 2024, "observation_sociale", "etat_ami", Decimal("12500.50"), Decimal("8000.00"), None,
         "Nuit de la solidarité", 1),
    ]
    assert found(result, "avertissement") == []  # 30 000 / 60 000: exactly 50 %, conforme


def test_labels_accents_euro_sign_and_nc_forms_are_read(db):
    result = load(db, f"{LYON};2025;Ingénierie de projet;ETAT_AMI;1 234,56 €;NC;-;\n"
                      f"{LYON};2025;suivi et evaluation;Autre;2000€;;;\n")
    assert result.report.ok, found(result)
    assert rows(db) == [
        (LYON, 2025, "ingenierie", "etat_ami", Decimal("1234.56"), None, None, None, 1),
        (LYON, 2025, "suivi_evaluation", "autre", Decimal("2000.00"), None, None, None, 1),
    ]


def test_each_rule_is_reported_at_its_line_and_column(db):
    result = load(db, f"{LYON};24;coordination;etat_ami;100;;;\n"  # 2
                      f"{LYON};2099;coordination;etat_ami;100;;;\n"  # 3
                      f"{LYON};2024;coordinaton;etat;;-3;1,234;\n"  # 4
                      f"{LYON};2024;coordination;collectivite;30 000;abc;;\n"  # 5
                      f"99999;2024;communication;autre;10;;;\n"  # 6
                      f"{LYON};2024;communication;autre;10;;;\n"  # 7
                      f"{LYON};2024;communication;autre;11;;;\n"  # 8: same key, other amount
                      f"{LYON};;ingenierie;autre;10;;;\n")  # 9
    assert found(result) == [
        (2, "exercice", "exercice-invalide"),
        (3, "exercice", "exercice-hors-bornes"),
        (4, "engage", "montant-negatif"),
        (4, "financeur", "financeur-inconnu"),
        (4, "poste", "poste-inconnu"),
        (4, "prevu", "montant-obligatoire"),
        (4, "verse", "montant-centimes"),
        (5, "engage", "valeur-invalide"),
        (6, "code_territoire", "territoire-inconnu"),
        (8, "prevu", "doublon-budget"),
        (9, "exercice", "cellule-obligatoire"),
    ]
    assert not result.stored and rows(db) == []
    doublon = [p for p in result.report.errors if p.code == "doublon-budget"][0]
    assert "ligne 7" in doublon.message and doublon.line == 8
    with store.connect(db) as con:
        assert con.execute("SELECT type_fichier, resultat FROM depot").fetchall() == [("budget", "refuse")]


def test_the_same_line_twice_with_the_same_amounts_is_one_line(db):
    result = load(db, f"{LYON};2024;communication;autre;10;;;\n{LYON};2024;communication;autre;10;;;\n")
    assert result.report.ok and result.outcome.nouvelles == 1


def test_a_coordinator_uploads_for_their_territory_only(db):
    result = load(db, f"{DOUBS};2024;communication;autre;10;;;\n", allowed_territories={LYON})
    assert found(result) == [(2, "code_territoire", "territoire-hors-perimetre")]


def test_warnings_never_block_and_are_stated_with_the_figures(db):
    result = load(db, f"{LYON};2024;coordination;etat_ami;40 000;50 000;60 000;\n"
                      f"{LYON};2024;coordination;etat_droit_commun;5 000;;;\n"
                      f"{LYON};2024;coordination;collectivite;30 000;;;\n")
    assert result.stored
    assert found(result, "avertissement") == [
        (2, "engage", "engage-superieur-prevu"), (2, "prevu", "coordination-non-conforme"),
        (2, "verse", "verse-superieur-engage")]
    message = [p for p in result.report.warnings if p.code == "coordination-non-conforme"][0].message
    assert "60,0" in message and "45\u202f000" in message and "75\u202f000" in message
    with store.connect(db) as con:
        assert con.execute("SELECT nb_avertissements FROM depot").fetchall() == [(3,)]


def test_the_50_50_check_reads_the_stored_lines_with_the_file(db):
    load(db, f"{LYON};2024;coordination;collectivite;30 000;;;\n")
    result = load(db, f"{LYON};2024;coordination;etat_ami;30 001;;;\n")
    assert found(result, "avertissement") == [(2, "prevu", "coordination-non-conforme")]


def test_ami_lines_above_the_notified_credits_are_flagged(db):
    from data.budget import enregistrer_enveloppe

    with store.connect(db) as con:
        enregistrer_enveloppe(con, NATIONAL, 2024, "4000000", {LYON: "20000"})
    result = load(db, f"{LYON};2024;ingenierie;etat_ami;15 000;;;\n{LYON};2024;communication;etat_ami;6 000;;;\n")
    assert found(result, "avertissement") == [(2, "prevu", "enveloppe-depassee")]
    assert "21\u202f000" in result.report.warnings[0].message
    assert result.report.warnings[0].message.startswith("Métropole de Lyon, exercice 2024 : ")


def test_reimport_is_a_revision_with_the_former_values_kept(db):
    load(db, f"{LYON};2024;ingenierie;etat_ami;10 000;;;étude\n")
    again = import_bytes((HEAD + f"{LYON};2024;ingenierie;etat_ami;10 000;4 000;;\n").encode(), "b2.csv", db,
                         user="dora", today=TODAY)
    assert (again.outcome.nouvelles, again.outcome.revisees) == (0, 1)
    assert rows(db) == [(LYON, 2024, "ingenierie", "etat_ami", Decimal("10000.00"), Decimal("4000.00"), None,
                         "étude", 2)]  # an empty comment cell keeps the comment
    with store.connect(db) as con:
        history = con.execute("SELECT prevu, engage, revision, utilisateur, remplacee_par_depot FROM budget_historique"
                              ).fetchall()
        depot = con.execute("SELECT max(id) FROM depot").fetchall()[0][0]
    assert history == [(Decimal("10000.00"), None, 1, "carol", depot)]
    same = load(db, f"{LYON};2024;ingenierie;etat_ami;10 000;4 000;;\n")
    assert (same.outcome.revisees, same.outcome.inchangees) == (0, 1)


def test_a_dry_run_stores_nothing_but_is_classified(db):
    load(db, f"{LYON};2024;ingenierie;etat_ami;10 000;;;\n")
    dry = load(db, f"{LYON};2024;ingenierie;etat_ami;12 000;;;\n{LYON};2024;communication;autre;5;;;\n",
               dry_run=True, keep=True)
    assert not dry.stored and (dry.outcome.nouvelles, dry.outcome.revisees) == (1, 1)
    assert sorted(dry.preview["statut"]) == ["nouvelle", "revisee"]
    assert rows(db)[0][4] == Decimal("10000.00")


def test_undo_restores_the_former_amounts_and_withdraws_new_lines_into_the_history(db):
    load(db, f"{LYON};2024;ingenierie;etat_ami;10 000;;;\n")
    second = load(db, f"{LYON};2024;ingenierie;etat_ami;12 000;;;\n{LYON};2024;communication;autre;5;;;\n")
    with store.connect(db) as con:
        with pytest.raises(Exception):
            annuler_depot(con, second.outcome.depot_id, Personne("c@x.fr", "coordinateur", LYON))
        done = annuler_depot(con, second.outcome.depot_id, NATIONAL)
        kept = con.execute("SELECT poste, prevu FROM budget_historique ORDER BY ALL").fetchall()
    assert (done.restaurees, done.retirees) == (1, 1)
    assert [(r[2], r[4], r[8]) for r in rows(db)] == [("ingenierie", Decimal("10000.00"), 3)]
    assert kept == [("communication", Decimal("5.00")), ("ingenierie", Decimal("10000.00")),
                    ("ingenierie", Decimal("12000.00"))]


def test_an_empty_engage_or_verse_keeps_the_stored_amount_and_says_so(db):
    first = load(db, f"{LYON};2024;ingenierie;etat_ami;20 000;12 000;5 000;étude\n")
    assert first.outcome.details["conserves"] == []
    # the same key with engage and verse left empty: not known in the file, never 0, so nothing is erased
    again = load(db, f"{LYON};2024;ingenierie;etat_ami;20 000;;;\n")
    assert (again.outcome.nouvelles, again.outcome.revisees, again.outcome.inchangees) == (0, 0, 1)
    assert rows(db) == [(LYON, 2024, "ingenierie", "etat_ami", Decimal("20000.00"), Decimal("12000.00"),
                         Decimal("5000.00"), "étude", 1)]
    assert [(c["ligne"], c["colonne"], c["montant"]) for c in again.outcome.details["conserves"]] == [
        (2, "engage", Decimal("12000.00")), (2, "verse", Decimal("5000.00"))]
    from loaders.budget import lignes_conservees

    assert lignes_conservees(again.outcome) == [
        "Ligne 2, engagé : vide dans le fichier, montant enregistré conservé (12\u202f000\u00a0€).",
        "Ligne 2, versé : vide dans le fichier, montant enregistré conservé (5\u202f000\u00a0€)."]
    # a new prevu with an empty verse: a revision of prevu, verse kept
    revised = load(db, f"{LYON};2024;ingenierie;etat_ami;25 000;13 000;;\n")
    assert (revised.outcome.revisees, revised.outcome.inchangees) == (1, 0)
    assert rows(db)[0][4:7] == (Decimal("25000.00"), Decimal("13000.00"), Decimal("5000.00"))
    # the preview says which cells keep their amount, and shows the amount that stays
    dry = load(db, f"{LYON};2024;ingenierie;etat_ami;25 000;;;\n", dry_run=True, keep=True)
    line = dry.preview.iloc[0]
    assert (line["statut"], line["engage"], bool(line["engage_conserve"]), bool(line["verse_conserve"])) == (
        "inchangee", Decimal("13000.00"), True, True)


def test_the_command_line_says_which_empty_amounts_keep_the_stored_one(db, tmp_path):
    from tests.cli import run_in_process

    load(db, f"{LYON};2024;ingenierie;etat_ami;20 000;12 000;;\n")
    path = tmp_path / "budget.csv"
    path.write_text(HEAD + f"{LYON};2024;ingenierie;etat_ami;20 000;;;\n", encoding="utf-8")
    done = run_in_process("loaders", "import", path, "--db", db, "--user", "carol")
    assert done.returncode == 0, done.stderr
    assert "inchangées: 1" in done.stdout
    assert "Ligne 2, engagé : vide dans le fichier, montant enregistré conservé (12\u202f000\u00a0€)." in done.stdout
    assert rows(db)[0][5] == Decimal("12000.00")


def test_a_planned_amount_that_is_not_a_number_is_not_told_it_may_be_left_empty(db):
    from loaders.problems import SI_OBLIGATOIRE

    result = load(db, f"{LYON};2024;coordination;etat_ami;abc;xyz;;\n")
    by_column = {p.column: p.message for p in result.report.sorted_errors()}
    assert SI_OBLIGATOIRE in by_column["prevu"] and "NC" in by_column["prevu"]
    assert "laissez" not in by_column["prevu"].lower()
    assert SI_OBLIGATOIRE not in by_column["engage"]  # engage may be left empty: its message says so
    assert rows(db) == []
