"""The summary per kind of problem of a report counts every problem, beyond the cap too: a
coordinator's file mixing 700 rows of another territory with one bad quarter at line 1002 shows
both kinds, with exact counts and the bad quarter's line (issue 17)."""

from __future__ import annotations

from core.parameters import PLAFOND_PROBLEMES
from loaders.importer import import_bytes
from loaders.problems import CODES
from loaders.summary import resume_par_code
from tests.conftest import TODAY
from tests.test_cli_loaders import run  # noqa: F401 (the fixture: in-process, and as a process)

LYON, PARIS = "200046977", "75056"
INDICATEURS = ("sorties_rue_logement", "attributions_total", "attributions_sans_domicile", "menages_accompagnes")
QUARTERS = [f"{y}-T{q}" for y in range(2018, 2026) for q in range(1, 5)]


def mixed_file() -> bytes:
    """Lines 2-701 of Paris (out of a Lyon coordinator's scope), 702-1001 valid rows of Lyon, then
    a bad quarter at line 1002 (keys repeat with the same value, which is allowed)."""
    rows = [f"{PARIS};sorties_hebergement_logement;{QUARTERS[i % len(QUARTERS)]};1" for i in range(700)]
    keys = [(ind, q) for q in QUARTERS for ind in INDICATEURS]
    rows += [f"{LYON};{ind};{q};5" for ind, q in (keys[i % len(keys)] for i in range(300))]
    rows.append(f"{LYON};sorties_rue_logement;2024-T5;7")
    return ("code_territoire;indicateur;trimestre;valeur\r\n" + "\r\n".join(rows) + "\r\n").encode()


def test_summary_counts_every_kind_beyond_the_cap(db):
    result = import_bytes(mixed_file(), "melange.csv", db, user="coord", dry_run=True,
                          allowed_territories={LYON}, today=TODAY)
    report = result.report
    assert report.error_count == 701 and len(report.errors) == PLAFOND_PROBLEMES
    assert all(p.code == "territoire-hors-perimetre" for p in report.errors)  # the detail alone hides it
    kinds = resume_par_code(report)
    assert [(k.code, k.nombre, k.premieres_lignes) for k in kinds] == [
        ("territoire-hors-perimetre", 700, (2, 3, 4, 5, 6)),
        ("trimestre-invalide", 1, (1002,)),
    ]
    assert kinds[0].libelle == "Territoire hors de votre périmètre"
    assert kinds[0].lignes_texte() == "2, 3, 4, 5, 6…" and kinds[1].lignes_texte() == "1002"
    assert kinds[1].as_line() == "1 × Trimestre non reconnu (ligne 1002) [trimestre-invalide]"


def test_summary_without_cap_matches_the_listed_problems(db):
    data = ("code_territoire;indicateur;trimestre;valeur\r\n"
            f"{LYON};sorties_rue_logement;2024-T5;1\r\n{LYON};sorties_rue_logement;2024-T1;-3\r\n"
            f"{LYON};attributions_total;T9;2\r\n").encode()
    report = import_bytes(data, "x.csv", db, user="t", dry_run=True, today=TODAY).report
    assert [(k.code, k.nombre, k.premieres_lignes) for k in resume_par_code(report)] == [
        ("trimestre-invalide", 2, (2, 4)), ("valeur-negative", 1, (3,))]


def test_every_code_has_a_french_label():
    # declared with the code itself (loaders.problems.CODES): a label cannot be missing for a code
    assert all(kind.libelle.strip() and kind.libelle != code for code, kind in CODES.items())


def test_command_line_prints_the_summary_before_the_detail(run, db, tmp_path):
    # a coordinator's scope is not a command-line option: a code unknown to the territory list
    # plays the part of the 700 rows that fill the cap
    path = tmp_path / "melange.csv"
    path.write_text(mixed_file().decode().replace(PARIS + ";", "99999;"))
    done = run("import", path, "--db", db, "--dry-run")
    out = done.stdout.splitlines()
    assert done.returncode == 1, done.stdout + done.stderr
    start = out.index("Problèmes par type :")
    assert out[start + 1].startswith("  700 × Territoire inconnu (lignes 2, 3, 4, 5, 6…)")
    assert out[start + 2] == "  1 × Trimestre non reconnu (ligne 1002) [trimestre-invalide]"
    assert out[start + 3] == "Détail :" and out[start + 4].startswith("ligne 2, colonne « code_territoire »")


def test_the_summary_is_given_when_the_detail_would_hide_a_kind(db):
    from loaders.summary import resume_utile

    def report(rows):
        data = ("code_territoire;indicateur;trimestre;valeur\r\n" + "\r\n".join(rows) + "\r\n").encode()
        return import_bytes(data, "x.csv", db, user="t", dry_run=True, today=TODAY).report

    few = report([f"{LYON};sorties_rue_logement;2024-T5;1", f"{LYON};attributions_total;2024-T1;-3"])
    one_kind = report([f"{LYON};sorties_rue_logement;{q};-1" for q in QUARTERS])
    many = report([f"{LYON};sorties_rue_logement;{q};-1" for q in QUARTERS] + [f"{LYON};attributions_total;T9;1"])
    assert (resume_utile(few), resume_utile(one_kind), resume_utile(many)) == (False, False, True)
