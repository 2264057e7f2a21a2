"""People and roles: writes checked at the data layer, journalled, never deleted; the people import
through the command line (all or nothing, line / column / value problems); the audit trail."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from data import personnes, store
from core import clock
from data.access import Personne, lookup
from loaders.__main__ import main as cli

NATIONAL = Personne("admin@dihal.gouv.fr", "national")


@pytest.fixture
def con(db):
    with store.connect(db) as connection:
        yield connection


@pytest.fixture
def terr(con):
    """Two active territories and one made inactive for the test."""
    codes = list(personnes.active_territories(con))
    con.execute("UPDATE territoire SET actif = false WHERE code = ?", [codes[2]])
    return codes[0], codes[1], codes[2]


def people_rows(con):
    return con.execute("SELECT email, role, territoire, actif, utilisateur FROM personne ORDER BY email").fetchall()


def journal_rows(con):
    rows = con.execute("SELECT qui, action, objet, details FROM journal ORDER BY id").fetchall()
    return [(q, a, o, json.loads(d)) for q, a, o, d in rows]


def test_add_change_deactivate_are_journalled_and_nothing_is_deleted(con, terr):
    t1, t2, _ = terr
    assert personnes.save(con, NATIONAL, " Camille.Martin@Ville.FR ", "coordinateur", t1) == personnes.AJOUT
    assert personnes.save(con, NATIONAL, "camille.martin@ville.fr", "coordinateur", t1) is None  # unchanged
    assert personnes.save(con, NATIONAL, "camille.martin@ville.fr", "services_etat", t2) == personnes.ROLE
    assert personnes.deactivate(con, NATIONAL, "CAMILLE.MARTIN@ville.fr") is True
    assert personnes.deactivate(con, NATIONAL, "camille.martin@ville.fr") is False  # already inactive
    assert personnes.save(con, NATIONAL, "camille.martin@ville.fr", "services_etat", t2) == personnes.REACTIVATION

    assert people_rows(con) == [("camille.martin@ville.fr", "services_etat", t2, True, NATIONAL.email)]
    assert journal_rows(con) == [
        (NATIONAL.email, "personne.ajout", "camille.martin@ville.fr", {"ancien": None, "nouveau": f"coordinateur ({t1})"}),
        (NATIONAL.email, "personne.role", "camille.martin@ville.fr",
         {"ancien": f"coordinateur ({t1})", "nouveau": f"services_etat ({t2})"}),
        (NATIONAL.email, "personne.desactivation", "camille.martin@ville.fr",
         {"ancien": f"services_etat ({t2})", "nouveau": f"services_etat ({t2}), inactif"}),
        (NATIONAL.email, "personne.reactivation", "camille.martin@ville.fr",
         {"ancien": f"services_etat ({t2}), inactif", "nouveau": f"services_etat ({t2})"}),
    ]
    # the role model reads the table: a deactivated person has no access
    assert lookup(con, "Camille.Martin@ville.fr") == Personne("camille.martin@ville.fr", "services_etat", t2)
    personnes.deactivate(con, NATIONAL, "camille.martin@ville.fr")
    assert lookup(con, "camille.martin@ville.fr") is None


@pytest.mark.parametrize("actor", [
    Personne("c@ville.fr", "coordinateur", "T"),
    Personne("d@ddets.gouv.fr", "services_etat", "T"),
    Personne("l@dihal.gouv.fr", "lecteur"),
    None,
])
def test_only_national_may_change_people_and_a_refusal_changes_nothing(con, terr, actor):
    personnes.save(con, NATIONAL, "x@ville.fr", "lecteur")
    before_people, before_journal, version = people_rows(con), journal_rows(con), store.data_version(con)
    with pytest.raises(personnes.AccesRefuse, match="Accès refusé : seule l'équipe nationale"):
        personnes.save(con, actor, "y@ville.fr", "national")
    with pytest.raises(personnes.AccesRefuse):
        personnes.deactivate(con, actor, "x@ville.fr")
    with pytest.raises(personnes.AccesRefuse):
        personnes.apply_people(con, actor, [("z@ville.fr", "national", None, True)])
    assert isinstance(personnes.GestionRefusee(actor), PermissionError)
    assert (people_rows(con), journal_rows(con), store.data_version(con)) == (before_people, before_journal, version)


@pytest.mark.parametrize("email,role,territoire,message", [
    ("pas-une-adresse", "lecteur", None, "« pas-une-adresse » n'est pas une adresse électronique valide"),
    ("a@b.fr", "chef", None, "Le rôle « chef » n'existe pas. Rôles possibles : national, coordinateur, services_etat, lecteur."),
    ("a@b.fr", "coordinateur", None, "Le rôle « Coordination territoriale » exige un territoire."),
    ("a@b.fr", "services_etat", "99999", "Le territoire « 99999 » n'est pas dans la liste des territoires."),
    ("a@b.fr", "coordinateur", "INACTIF", "n'est plus actif dans le programme."),
    ("a@b.fr", "national", "TERR", "ne se rattache à aucun territoire"),
])
def test_bad_input_is_refused_in_french_and_changes_nothing(con, terr, email, role, territoire, message):
    territoire = {"INACTIF": terr[2], "TERR": terr[0]}.get(territoire, territoire)
    with pytest.raises(personnes.SaisieInvalide) as refused:
        personnes.save(con, NATIONAL, email, role, territoire)
    assert message in str(refused.value)
    assert people_rows(con) == [] and journal_rows(con) == []


def test_the_last_active_national_cannot_be_demoted_or_deactivated(con):
    personnes.save(con, NATIONAL, "seul@dihal.gouv.fr", "national")
    for attempt in (lambda: personnes.save(con, NATIONAL, "seul@dihal.gouv.fr", "lecteur"),
                    lambda: personnes.deactivate(con, NATIONAL, "seul@dihal.gouv.fr")):
        with pytest.raises(personnes.SaisieInvalide, match="dernière personne active de l'équipe nationale"):
            attempt()
    assert people_rows(con)[0][1:4] == ("national", None, True)
    personnes.save(con, NATIONAL, "second@dihal.gouv.fr", "national")
    assert personnes.deactivate(con, NATIONAL, "seul@dihal.gouv.fr") is True


def test_unknown_person_cannot_be_deactivated(con):
    with pytest.raises(personnes.SaisieInvalide, match="Aucune personne n'est enregistrée avec l'adresse « inconnu@x.fr »"):
        personnes.deactivate(con, NATIONAL, "Inconnu@x.fr")


def test_people_list_has_role_labels_and_territory_names(con, terr):
    t1 = terr[0]
    personnes.save(con, NATIONAL, "b@ville.fr", "coordinateur", t1)
    personnes.save(con, NATIONAL, "a@dihal.gouv.fr", "lecteur")
    personnes.save(con, NATIONAL, "c@dihal.gouv.fr", "lecteur")
    personnes.deactivate(con, NATIONAL, "a@dihal.gouv.fr")
    frame = personnes.people(con)
    name = con.execute("SELECT nom FROM territoire WHERE code = ?", [t1]).fetchall()[0][0]
    frame = frame.fillna({"territoire_nom": ""})
    assert frame[["email", "libelle_role", "territoire_nom", "actif"]].values.tolist() == [
        ["b@ville.fr", "Coordination territoriale", name, True],
        ["c@dihal.gouv.fr", "Lecture (agrégats nationaux)", "", True],
        ["a@dihal.gouv.fr", "Lecture (agrégats nationaux)", "", False],
    ]
    assert personnes.people(con, include_inactive=False)["email"].tolist() == ["b@ville.fr", "c@dihal.gouv.fr"]


# ------------------------------------------------------------------ the command line


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_cli_imports_people_detected_from_the_header_acting_as_national(db, tmp_path, capsys):
    with store.connect(db) as con:
        t1, t2 = list(personnes.active_territories(con))[:2]
    path = write(tmp_path, "personnes.csv",
                 "email;role;code_territoire\n"
                 "Premiere.Admin@dihal.gouv.fr;national;\n"
                 f"coord@ville.fr;Coordinateur;{t1}\n"
                 f"ddets@ddets.gouv.fr;services_etat;{t2}\n")
    assert cli(["import", str(path), "--db", str(db), "--user", "installation"]) == 0
    out = capsys.readouterr().out
    assert "Type détecté : liste des personnes et de leurs rôles" in out
    assert "nouvelles: 3, révisées: 0, inchangées: 0" in out
    with store.connect(db) as con:
        assert people_rows(con) == [
            ("coord@ville.fr", "coordinateur", t1, True, "installation"),
            ("ddets@ddets.gouv.fr", "services_etat", t2, True, "installation"),
            ("premiere.admin@dihal.gouv.fr", "national", None, True, "installation"),
        ]
        assert lookup(con, "premiere.admin@dihal.gouv.fr").peut_administrer
        assert [r[:3] for r in journal_rows(con)] == [
            ("installation", "personne.ajout", "premiere.admin@dihal.gouv.fr"),
            ("installation", "personne.ajout", "coord@ville.fr"),
            ("installation", "personne.ajout", "ddets@ddets.gouv.fr"),
        ]
        assert con.execute("SELECT type_fichier, resultat, nb_nouvelles FROM depot").fetchall() == [
            ("personnes", "enregistre", 3)]
    # again, with one change and a deactivation through the actif column
    path = write(tmp_path, "personnes2.csv",
                 "email;role;code_territoire;actif\n"
                 "premiere.admin@dihal.gouv.fr;national;;oui\n"
                 f"coord@ville.fr;services_etat;{t1};\n"
                 f"ddets@ddets.gouv.fr;services_etat;{t2};non\n")
    assert cli(["import", str(path), "--db", str(db), "--kind", "personnes", "--user", "installation"]) == 0
    assert "nouvelles: 0, révisées: 2, inchangées: 1" in capsys.readouterr().out
    with store.connect(db) as con:
        assert [r[1:4] for r in people_rows(con)] == [
            ("services_etat", t1, True), ("services_etat", t2, False), ("national", None, True)]


def test_cli_refuses_a_bad_people_file_with_line_column_value_and_stores_nothing(db, tmp_path, capsys):
    with store.connect(db) as con:
        t1 = list(personnes.active_territories(con))[0]
    path = write(tmp_path, "personnes_erreurs.csv",
                 "email;rôle;code_territoire;actif\n"
                 "bon@dihal.gouv.fr;national;;\n"           # 2: fine, yet not stored
                 "pas-une-adresse;national;;\n"             # 3
                 "a@ville.fr;chef;;\n"                      # 4
                 "b@ville.fr;coordinateur;;\n"              # 5
                 f"c@ville.fr;lecteur;{t1};peut-être\n"     # 6: two problems
                 "d@ville.fr;services_etat;99999;\n"        # 7
                 "BON@dihal.gouv.fr;lecteur;;\n")           # 8: duplicate of line 2
    assert cli(["import", str(path), "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert "Fichier refusé : 7 problèmes sur 6 lignes. Rien n'a été enregistré." in out
    lines = [line for line in out.splitlines() if line.startswith("ligne ")]
    assert lines == [
        "ligne 3, colonne « email », valeur « pas-une-adresse » : « pas-une-adresse » n'est pas une adresse "
        "électronique valide (forme attendue : prenom.nom@domaine.fr). [email-invalide]",
        "ligne 4, colonne « rôle », valeur « chef » : Le rôle « chef » n'existe pas. Rôles possibles : national, "
        "coordinateur, services_etat, lecteur. [role-inconnu]",
        "ligne 5, colonne « code_territoire » : Le rôle « coordinateur » exige un code territoire : indiquez le "
        "territoire de la personne. [territoire-requis]",
        "ligne 6, colonne « actif », valeur « peut-être » : « peut-être » : écrivez oui ou non (vide vaut oui). [actif-invalide]",
        f"ligne 6, colonne « code_territoire », valeur « {t1} » : Le rôle « lecteur » ne se rattache à aucun "
        "territoire : laissez la cellule vide. [territoire-superflu]",
        "ligne 7, colonne « code_territoire », valeur « 99999 » : Le code territoire « 99999 » n'est pas dans la "
        "liste des territoires. [territoire-inconnu]",
        "ligne 8, colonne « email », valeur « BON@dihal.gouv.fr » : La même adresse électronique figure déjà "
        "ligne 2. [doublon-personne]",
    ]
    with store.connect(db) as con:
        assert people_rows(con) == [] and journal_rows(con) == []
        assert con.execute("SELECT type_fichier, resultat, nb_erreurs FROM depot").fetchall() == [
            ("personnes", "refuse", 7)]


def test_people_file_from_a_restricted_upload_or_a_non_national_is_refused(db, tmp_path):
    from loaders.importer import import_bytes

    data = b"email;role;code_territoire\nx@dihal.gouv.fr;national;\n"
    restricted = import_bytes(data, "p.csv", db, user="coord", allowed_territories={"75056"})
    as_reader = import_bytes(data, "p.csv", db, user="l", actor=Personne("l@dihal.gouv.fr", "lecteur"))
    for result in (restricted, as_reader):
        assert not result.stored
        assert [p.code for p in result.report.errors] == ["personnes-non-autorise"]
        assert "Seule l'équipe nationale" in result.report.errors[0].message
    ok = import_bytes(data, "p.csv", db, user=NATIONAL.email, actor=NATIONAL)
    assert ok.stored and ok.outcome.nouvelles == 1
    with store.connect(db) as con:
        assert people_rows(con) == [("x@dihal.gouv.fr", "national", None, True, NATIONAL.email)]


def depots(db):
    with store.connect(db) as con:
        return con.execute("SELECT fichier, resultat, nb_erreurs, problemes FROM depot ORDER BY id").fetchall()


LAST_NATIONAL = "ligne 2, colonne « email », valeur « Seul@dihal.gouv.fr » : Ce fichier ne laisserait aucune personne "


@pytest.mark.parametrize("row", ["Seul@dihal.gouv.fr;national;;non", "Seul@dihal.gouv.fr;lecteur;;"])
def test_cli_people_file_cannot_remove_the_last_active_national(db, tmp_path, capsys, row):
    with store.connect(db) as con:
        personnes.save(con, NATIONAL, "seul@dihal.gouv.fr", "national")
        before = people_rows(con), journal_rows(con)
    path = write(tmp_path, "personnes.csv", f"email;role;code_territoire;actif\n{row}\nautre@ville.fr;lecteur;;\n")
    assert cli(["import", str(path), "--db", str(db), "--dry-run"]) == 1
    assert "[dernier-national]" in capsys.readouterr().out and depots(db) == []  # a dry run audits nothing
    assert cli(["import", str(path), "--db", str(db), "--user", "nuit"]) == 1
    out = capsys.readouterr().out
    assert "Fichier refusé : 1 problème sur 1 ligne. Rien n'a été enregistré." in out
    refusal = [line for line in out.splitlines() if line.startswith("ligne ")]
    assert len(refusal) == 1 and refusal[0].startswith(LAST_NATIONAL) and refusal[0].endswith("[dernier-national]")
    with store.connect(db) as con:
        assert (people_rows(con), journal_rows(con)) == before  # nothing stored, the other row neither
    [(fichier, resultat, erreurs, probleme)] = depots(db)
    assert (fichier, resultat, erreurs) == ("personnes.csv", "refuse", 1)
    assert [(p["ligne"], p["code"]) for p in json.loads(probleme)] == [(2, "dernier-national")]


def test_people_file_may_replace_the_last_national_checked_after_all_rows(db):
    from loaders.importer import import_bytes

    with store.connect(db) as con:
        personnes.save(con, NATIONAL, "seul@dihal.gouv.fr", "national")
    data = b"email;role;code_territoire;actif\nseul@dihal.gouv.fr;national;;non\nrelais@dihal.gouv.fr;national;;\n"
    result = import_bytes(data, "p.csv", db, user=NATIONAL.email, actor=NATIONAL)  # the Administration page's call
    assert result.stored and result.report.ok and (result.outcome.nouvelles, result.outcome.revisees) == (1, 1)
    data = b"email;role;code_territoire\nrelais@dihal.gouv.fr;lecteur;\n"
    refused = import_bytes(data, "p2.csv", db, user=NATIONAL.email, actor=NATIONAL)
    assert not refused.stored and [p.code for p in refused.report.errors] == ["dernier-national"]
    assert (refused.report.errors[0].line, refused.report.errors[0].value) == (2, "relais@dihal.gouv.fr")
    with store.connect(db) as con:
        assert [r[:4] for r in people_rows(con)] == [("relais@dihal.gouv.fr", "national", None, True),
                                                    ("seul@dihal.gouv.fr", "national", None, False)]
    assert [d[:3] for d in depots(db)] == [("p.csv", "enregistre", 0), ("p2.csv", "refuse", 1)]


def test_every_write_of_people_keeps_an_active_national(con):
    personnes.save(con, NATIONAL, "un@dihal.gouv.fr", "national")
    personnes.save(con, NATIONAL, "deux@dihal.gouv.fr", "national")
    rows = [("un@dihal.gouv.fr", "lecteur", None, True), ("deux@dihal.gouv.fr", "national", None, False)]
    with pytest.raises(personnes.DernierNational, match="deux@dihal.gouv.fr, un@dihal.gouv.fr sont les dernières"):
        personnes.apply_people(con, NATIONAL, rows)
    with pytest.raises(personnes.DernierNational):
        personnes.apply_people(con, NATIONAL, rows, dry_run=True)
    assert [r[1:4] for r in people_rows(con)] == [("national", None, True)] * 2
    assert [j[1] for j in journal_rows(con)] == ["personne.ajout"] * 2
    assert personnes.deactivate(con, NATIONAL, "un@dihal.gouv.fr") is True
    with pytest.raises(personnes.DernierNational, match="deux@dihal.gouv.fr est la dernière personne active"):
        personnes.save(con, NATIONAL, "deux@dihal.gouv.fr", "coordinateur", list(personnes.active_territories(con))[0])


# ------------------------------------------------------------------ the audit trail


def test_audit_trail_merges_journal_and_uploads_newest_first_with_filters(db, tmp_path):
    assert cli(["import", str(write(tmp_path, "refus.csv", "email;role;code_territoire\nmauvais;national;\n")),
                "--db", str(db), "--user", "nuit"]) == 1
    with store.connect(db) as con:
        personnes.save(con, NATIONAL, "a@dihal.gouv.fr", "lecteur")
        personnes.save(con, NATIONAL, "a@dihal.gouv.fr", "national")
        trail = personnes.audit_trail(con)
        assert list(trail.columns) == ["quand", "qui", "action", "objet", "details"]
        assert trail[["qui", "action", "objet", "details"]].values.tolist() == [
            [NATIONAL.email, "personne.role", "a@dihal.gouv.fr", "lecteur -> national"],
            [NATIONAL.email, "personne.ajout", "a@dihal.gouv.fr", "(aucun) -> lecteur"],
            ["nuit", "depot.refuse", "refus.csv", "liste des personnes et de leurs rôles : 1 ligne(s) ; refusé, 1 problème(s)"],
        ]
        assert trail["quand"].is_monotonic_decreasing
        assert personnes.audit_trail(con, action="personne")["action"].tolist() == ["personne.role", "personne.ajout"]
        assert personnes.audit_trail(con, action="depot.refuse")["qui"].tolist() == ["nuit"]
        assert personnes.audit_trail(con, who="NUI")["action"].tolist() == ["depot.refuse"]
        assert personnes.audit_trail(con, limit=1)["action"].tolist() == ["personne.role"]
        today = clock.maintenant().date()  # records are stamped on the Paris clock, not the server's
        tomorrow = today + dt.timedelta(days=1)
        assert personnes.audit_trail(con, since=tomorrow).empty
        assert len(personnes.audit_trail(con, since=today - dt.timedelta(days=1))) == 3
        assert personnes.audit_actions(con) == ["depot.refuse", "personne.ajout", "personne.role"]


def test_audit_trail_of_the_demo_lists_accepted_uploads_with_counts(demo_db):
    with store.connect(demo_db) as con:
        trail = personnes.audit_trail(con, action="depot")
        n = con.execute("SELECT count(*) FROM depot").fetchall()[0][0]
    assert len(trail) == n > 10
    assert trail["details"].str.contains(r"nouvelles \d+, révisées \d+, inchangées \d+").any()
