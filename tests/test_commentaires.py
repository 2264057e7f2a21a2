"""A comment-only correction (issue 16): the same number with a new comment is a revision of the
comment (the former one kept in the history, with who and when), counted on the command line, in
the preview and at confirmation alike; an empty comment cell changes nothing."""

from __future__ import annotations

from data import store
from data.access import Personne
from data.preview import annuler_depot
from loaders.depot import confirmer, preparer
from loaders.importer import import_bytes
from tests.conftest import TODAY
from tests.test_cli_loaders import run  # noqa: F401 (the fixture: in-process, and as a process)

LYON = "200046977"
HEADER = "code_territoire;indicateur;trimestre;valeur;commentaire;source\r\n"
NATIONAL = Personne("admin@dihal.gouv.fr", "national")
COORD = Personne("coord@lyon.fr", "coordinateur", LYON)


def csv(*rows: str) -> bytes:
    return (HEADER + "\r\n".join(rows) + "\r\n").encode("cp1252")


FIRST = csv(f"{LYON};sorties_rue_logement;2024-T1;12;estimation;SIAO",
            f"{LYON};sorties_rue_logement;2024-T2;15;;SIAO")


def current(db):
    with store.connect(db) as con:
        return con.execute("SELECT trimestre, valeur, commentaire, source, revision, d.utilisateur FROM valeur v"
                           " JOIN depot d ON d.id = v.depot_id ORDER BY trimestre").fetchall()


def history(db):
    with store.connect(db) as con:
        return con.execute("SELECT trimestre, valeur, commentaire, source, revision, utilisateur FROM valeur_historique"
                           " ORDER BY trimestre, revision").fetchall()


def test_a_new_comment_on_the_same_number_is_a_revision_kept_in_the_history(db):
    assert import_bytes(FIRST, "t1.csv", db, user="alice", today=TODAY).stored
    second = csv(f"{LYON};sorties_rue_logement;2024-T1;12;chiffre définitif;",  # comment changed, source left empty
                 f"{LYON};sorties_rue_logement;2024-T2;15;;")  # nothing given: unchanged
    result = import_bytes(second, "t2.csv", db, user="bob", today=TODAY)
    assert result.stored
    o = result.outcome
    assert (o.nouvelles, o.revisees, o.inchangees, o.commentaires) == (0, 1, 1, 1)
    assert result.counts_line() == ("nouvelles: 0, révisées: 1, inchangées: 1, non renseignées: 0, "
                                    "dont commentaire ou source seuls: 1")
    assert [w["code"] for w in o.warnings] == []  # not an "old revision" of a number (2024-T1 is old)
    assert current(db) == [("2024-T1", 12.0, "chiffre définitif", "SIAO", 2, "bob"),
                           ("2024-T2", 15.0, None, "SIAO", 1, "alice")]
    assert history(db) == [("2024-T1", 12.0, "estimation", "SIAO", 1, "alice")]
    with store.connect(db) as con:
        assert con.execute("SELECT nb_revisees, nb_inchangees FROM depot ORDER BY id DESC LIMIT 1").fetchall() == [(1, 1)]
    # the same file again: nothing left to change
    again = import_bytes(second, "t2.csv", db, user="bob", today=TODAY)
    assert (again.outcome.revisees, again.outcome.inchangees, again.outcome.commentaires) == (0, 2, 0)


def test_the_command_line_counts_comment_revisions(run, db, tmp_path):
    assert import_bytes(FIRST, "t1.csv", db, user="alice", today=TODAY).stored
    path = tmp_path / "commentaire.csv"
    path.write_bytes(csv(f"{LYON};sorties_rue_logement;2024-T2;15;vérifié;"))
    done = run("import", path, "--db", db)
    assert done.returncode == 0, done.stdout + done.stderr
    assert ("Enregistré : nouvelles: 0, révisées: 1, inchangées: 0, non renseignées: 0, "
            "dont commentaire ou source seuls: 1") in done.stdout
    assert current(db)[1][:3] == ("2024-T2", 15.0, "vérifié")


def test_preview_and_confirmation_treat_a_comment_revision_as_the_command_line(db):
    assert import_bytes(FIRST, "t1.csv", db, user="alice", today=TODAY).stored
    data = csv(f"{LYON};sorties_rue_logement;2024-T1;12;chiffre définitif;")
    prep = preparer(data, "c.csv", db, personne=COORD, today=TODAY)
    assert prep.ok, prep.report.errors
    ap = prep.apercu
    assert (ap.compte("nouvelle"), ap.compte("revisee"), ap.compte("inchangee")) == (0, 1, 0)
    row = ap.lignes.iloc[0]
    assert (row["ancienne"], row["nouvelle"], row["ancien_commentaire"], row["commentaire"], row["commentaire_seul"],
            row["ancien_utilisateur"]) == (12.0, 12.0, "estimation", "chiffre définitif", True, "alice")
    done = confirmer(prep, db, personne=COORD, empreinte=ap.empreinte, today=TODAY)
    assert done.stored and (done.outcome.revisees, done.outcome.commentaires) == (1, 1)
    assert current(db)[0] == ("2024-T1", 12.0, "chiffre définitif", "SIAO", 2, COORD.email)
    assert history(db) == [("2024-T1", 12.0, "estimation", "SIAO", 1, "alice")]
    # undone: the former comment comes back
    with store.connect(db) as con:
        undo = annuler_depot(con, done.outcome.depot_id, NATIONAL)
    assert undo.restaurees == 1 and current(db)[0][:4] == ("2024-T1", 12.0, "estimation", "SIAO")


def test_a_file_without_comments_leaves_stored_comments_alone(db):
    assert import_bytes(FIRST, "t1.csv", db, user="alice", today=TODAY).stored
    wide = f"code_territoire;trimestre;sorties_rue_logement\r\n{LYON};2024-T1;12\r\n".encode("cp1252")
    result = import_bytes(wide, "large.csv", db, user="bob", today=TODAY)
    assert result.stored and (result.outcome.inchangees, result.outcome.revisees) == (1, 0)
    assert current(db)[0] == ("2024-T1", 12.0, "estimation", "SIAO", 1, "alice")
