"""Every rule of format-depot.md on a sample file named after its defect: the report is compared
to the list of (line, column, code) it must contain, and a refused file stores nothing."""

from __future__ import annotations

import pytest

from data import store
from loaders.importer import import_file
from tests.conftest import FILES, TODAY


def problems(result, severity="erreur"):
    items = result.report.sorted_errors() if severity == "erreur" else result.report.sorted_warnings()
    return [(p.line, p.column, p.code) for p in items]


def count_values(db):
    with store.connect(db) as con:
        return con.execute("SELECT count(*) FROM valeur").fetchall()[0][0]


REFUSED = {
    "valeurs_territoire_inconnu.csv": [
        (3, "code_territoire", "territoire-inconnu"),
        (4, "code_territoire", "territoire-inconnu"),
    ],
    "valeurs_trimestre_invalide.csv": [
        (2, "trimestre", "trimestre-invalide"),
        (3, "trimestre", "trimestre-invalide"),
        (4, "trimestre", "trimestre-invalide"),
    ],
    "valeurs_trimestre_futur_et_ancien.csv": [
        (2, "trimestre", "trimestre-futur"),
        (3, "trimestre", "trimestre-trop-ancien"),
    ],
    "valeurs_nombres_invalides.csv": [
        (2, "valeur", "valeur-pourcentage"),
        (3, "valeur", "valeur-erreur-formule"),
        (4, "valeur", "valeur-negative"),
        (5, "valeur", "valeur-non-entiere"),
        (6, "valeur", "valeur-invalide"),
        (7, "valeur", "valeur-erreur-formule"),
    ],
    "valeurs_indicateur_derive_et_inconnu.csv": [
        (2, "indicateur", "indicateur-derive"),
        (3, "indicateur", "indicateur-derive"),
        (4, "indicateur", "indicateur-inconnu"),
    ],
    "valeurs_doublons.csv": [(5, "valeur", "doublon-contradictoire")],
    "valeurs_lignes_de_longueur_inegale.csv": [
        (3, None, "ligne-longueur"),
        (4, None, "ligne-longueur"),
        (5, "valeur", "valeur-invalide"),
    ],
    "valeurs_larges_colonne_inconnue.csv": [
        (1, "colonne_perso", "colonne-inconnue"),
        (1, "taux_reponse_positive_siao", "indicateur-derive"),
    ],
    "valeurs_commentaire_multiligne.csv": [(4, "valeur", "valeur-invalide")],
    "valeurs_colonne_manquante.csv": [(1, "valeur", "colonne-manquante")],
    "valeurs_entete_inconnu.csv": [(1, None, "type-inconnu")],
    "valeurs_entete_seul.csv": [(None, None, "fichier-vide")],
    "fichier_vide.csv": [(None, None, "fichier-vide")],
    "valeurs_binaire_renomme.csv": [(None, None, "fichier-illisible")],
    "feuille_de_route_erreurs.csv": [
        (3, "debut", "fenetre-incoherente"),
        (4, "valeur_base", "base-manquante"),
        (5, "cible", "cible-egale-base"),
        (6, "cible", "cible-baisse-stock"),
        (7, "cible", "pourcentage-hors-bornes"),
        (8, "fin", "fenetre-invalide"),
        (9, "cible", "cellule-obligatoire"),
        (9, "fin", "fenetre-invalide"),
    ],
    "territoires_erreurs.csv": [
        (2, "code_territoire", "collectivite-inconnue"),
        (3, "vague", "vague-manquante"),
        (4, "type", "type-territoire-invalide"),
        (5, "membres", "membre-inconnu"),
    ],
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_file_reports_every_problem_and_stores_nothing(db, name):
    result = import_file(FILES / name, db, user="test", today=TODAY)
    assert problems(result) == REFUSED[name]
    assert not result.stored
    assert count_values(db) == 0
    for p in result.report.sorted_errors():
        assert p.message and "{" not in p.message  # every template filled, in French
    with store.connect(db) as con:
        audit = con.execute("SELECT fichier, resultat, nb_erreurs FROM depot").fetchall()
    assert audit == [(name, "refuse", len(REFUSED[name]))]


ACCEPTED = {
    # name: (kind, layout, nouvelles, non renseignées)
    "valeurs_longues_valides_cp1252.csv": ("values", "longue", 5, 0),
    "valeurs_larges_utf8_bom.csv": ("values", "large", 4, 0),
    "valeurs_utf8_virgule_lf.csv": ("values", "longue", 2, 0),
    "valeurs_tabulations.tsv": ("values", "longue", 1, 0),
    "valeurs_entete_variantes.csv": ("values", "longue", 1, 0),
    "valeurs_trimestres_toutes_formes.csv": ("values", "longue", 6, 0),
    "valeurs_milliers_espaces_insecables.csv": ("values", "longue", 3, 0),
    "valeurs_non_renseignees.csv": ("values", "longue", 1, 5),
    "feuille_de_route_valide.csv": ("roadmap", None, 3, 0),
}


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_file(db, name):
    kind, layout, new, nr = ACCEPTED[name]
    result = import_file(FILES / name, db, user="test", today=TODAY)
    assert problems(result) == []
    assert (result.kind, result.layout) == (kind, layout)
    assert (result.outcome.nouvelles, result.outcome.non_renseignees) == (new, nr)
    assert result.stored


def test_cp1252_file_values_and_text_are_decoded(db):
    import_file(FILES / "valeurs_longues_valides_cp1252.csv", db, user="test", today=TODAY)
    with store.connect(db) as con:
        rows = dict(((t, i), (v, c)) for t, i, v, c in con.execute(
            "SELECT territoire, indicateur, valeur, commentaire FROM valeur").fetchall())
    assert rows[("200046977", "attributions_total")] == (1234.0, "source SNE évaluée")
    assert rows[("200046977", "menages_accompagnes")] == (1050.0, "fin de trimestre")
    assert rows[("75056", "sorties_hebergement_logement")] == (1310.0, "Île-de-France")


def test_all_quarter_spellings_become_canonical(db):
    import_file(FILES / "valeurs_trimestres_toutes_formes.csv", db, user="test", today=TODAY)
    with store.connect(db) as con:
        got = con.execute("SELECT trimestre, valeur FROM valeur ORDER BY trimestre").fetchall()
    assert got == [("2023-T1", 1), ("2023-T2", 2), ("2023-T3", 3), ("2023-T4", 4), ("2024-T1", 5), ("2024-T2", 6)]


def test_thousands_with_no_break_spaces(db):
    import_file(FILES / "valeurs_milliers_espaces_insecables.csv", db, user="test", today=TODAY)
    with store.connect(db) as con:
        got = dict(con.execute("SELECT indicateur, valeur FROM valeur").fetchall())
    assert got == {"nuitees_hotelieres": 12345, "attributions_total": 1234, "demandes_115": 2050}


def test_identical_duplicate_is_stored_once(db):
    text = (FILES / "valeurs_doublons.csv").read_text(encoding="utf-8").splitlines()[:3]
    result = _import_text(db, "\n".join(text) + "\n")
    assert problems(result) == []
    assert result.outcome.nouvelles == 1


def test_unknown_territory_suggests_padded_code(db):
    result = import_file(FILES / "valeurs_territoire_inconnu.csv", db, user="test", today=TODAY)
    by_line = {p.line: p.message for p in result.report.errors}
    assert "Vouliez-vous dire" not in by_line[3]
    # "6" is not a programme territory code; "06" would be if it were registered
    assert "« 6 »" in by_line[4]


def test_real_collectivite_outside_the_programme_is_explained(db):
    result = import_file(FILES / "valeurs_territoire_inconnu.csv", db, user="test", today=TODAY)
    text = "code_territoire;indicateur;trimestre;valeur\n200000172;sorties_rue_logement;2024-T1;4\n"
    result = _import_text(db, text)
    assert problems(result) == [(2, "code_territoire", "territoire-hors-programme")]
    assert "Faucigny-Glières" in result.report.errors[0].message


def test_derived_indicator_message_names_the_base_indicators(db):
    result = import_file(FILES / "valeurs_indicateur_derive_et_inconnu.csv", db, user="test", today=TODAY)
    by_line = {p.line: p.message for p in result.report.errors}
    assert "« attributions_sans_domicile » et « attributions_total »" in by_line[2]
    assert "« sorties_rue_logement » et « sorties_hebergement_logement »" in by_line[3]
    assert "sorties_rue_logement" in by_line[4]  # suggestion for the typo


def test_contradictory_duplicate_names_both_lines(db):
    result = import_file(FILES / "valeurs_doublons.csv", db, user="test", today=TODAY)
    (problem,) = result.report.errors
    assert problem.line == 5 and "ligne 4" in problem.message


def test_coordinator_cannot_upload_another_territory(db):
    result = import_file(FILES / "valeurs_longues_valides_cp1252.csv", db, user="coord", today=TODAY,
                         allowed_territories={"200046977"})
    assert problems(result) == [(6, "code_territoire", "territoire-hors-perimetre")]
    assert count_values(db) == 0


def test_long_layout_extra_column_is_a_warning(db):
    result = _import_text(db, "code_territoire;indicateur;trimestre;valeur;remarque\n"
                              "200046977;sorties_rue_logement;2024-T1;4;x\n")
    assert problems(result) == []
    assert problems(result, "avertissement") == [(1, "remarque", "colonne-ignoree")]


def test_error_cap_is_stated(db):
    rows = "".join(f"200046977;sorties_rue_logement;2024-T1;x{i};\n" for i in range(250))
    result = _import_text(db, "code_territoire;indicateur;trimestre;valeur;commentaire\n" + rows)
    assert result.report.error_count == 250
    assert len(result.report.errors) == result.report.cap == 200
    assert result.report.truncated() == 50


def test_xlsx_sheet_donnees_is_read(db, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "notice"
    book.active.append(["Ce classeur se lit dans la feuille donnees"])
    sheet = book.create_sheet("donnees")
    sheet.append(["code_territoire", "indicateur", "trimestre", "valeur"])
    sheet.append(["200046977", "sorties_rue_logement", "2024-T1", 42])
    sheet.append(["200046977", "attributions_total", "2024-T1", "=1/0"])
    sheet.append(["75056", "expulsions_evitees", "T2 2024", 12.0])
    path = tmp_path / "depot.xlsx"
    book.save(path)
    result = import_file(path, db, user="test", today=TODAY)
    # a formula saved without its result is refused, never taken as "non renseigné"
    assert problems(result) == [(3, "valeur", "valeur-formule-non-calculee")]
    sheet.delete_rows(3)
    book.save(path)
    result = import_file(path, db, user="test", today=TODAY)
    assert problems(result) == [] and result.outcome.nouvelles == 2


def test_xlsx_with_macros_is_refused(db, tmp_path):
    import zipfile

    path = tmp_path / "macro.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/vbaProject.bin", b"\x00" * 10)
    result = import_file(path, db, user="test", today=TODAY)
    assert problems(result) == [(None, None, "classeur-refuse")]


def _import_text(db, text: str, **kwargs):
    from loaders.importer import import_bytes

    return import_bytes(text.encode("utf-8"), "saisie.csv", db, user="test", today=TODAY, **kwargs)


def test_number_messages_name_the_indicator_unit(db):
    result = import_file(FILES / "valeurs_nombres_invalides.csv", db, user="test", today=TODAY)
    by_line = {p.line: p.message for p in result.report.errors}
    assert "un nombre de ménages ne peut pas être négatif" in by_line[4]
    assert "un nombre de places doit être entier" in by_line[5]


def test_a_giant_cell_is_a_french_file_problem_not_a_traceback(db):
    from loaders.importer import import_bytes

    data = ("code_territoire;indicateur;trimestre;valeur" + "x" * 200_000 + "\n69123;sorties_rue_logement;2024-T1;3\n").encode()
    result = import_bytes(data, "geant.csv", db, user="test")
    codes = [p.code for p in result.report.errors]
    assert codes == ["fichier-illisible"]
    assert "longueur maximale" in result.report.errors[0].message and result.stored is False


def test_xlsx_with_links_to_other_workbooks_is_refused(db):
    import io
    import zipfile

    import openpyxl

    from loaders.importer import import_bytes

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "donnees"
    sheet.append(["code_territoire", "indicateur", "trimestre", "valeur"])
    sheet.append(["69123", "sorties_rue_logement", "2024-T1", 3])
    plain = io.BytesIO()
    book.save(plain)
    linked = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src, zipfile.ZipFile(linked, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/externalLinks/externalLink1.xml", "<externalLink/>")
    result = import_bytes(linked.getvalue(), "lie.xlsx", db, user="test")
    assert [p.code for p in result.report.errors] == ["classeur-refuse"]
    assert "liaisons vers d'autres classeurs" in result.report.errors[0].message and not result.stored


@pytest.mark.parametrize("name, kind, layout", [
    ("valeurs_entete_seul.csv", "values", "longue"),  # a header without any row: the kind is known
    ("fichier_vide.csv", None, None),  # nothing at all: no kind to say
])
def test_an_empty_file_is_refused_under_the_kind_its_header_says(db, name, kind, layout):
    result = import_file(FILES / name, db, user="test", today=TODAY)
    assert problems(result) == [(None, None, "fichier-vide")] and not result.stored
    assert (result.kind, result.layout) == (kind, layout)
    with store.connect(db) as con:
        assert con.execute("SELECT fichier, type_fichier, resultat FROM depot").fetchall() == [(name, kind, "refuse")]
