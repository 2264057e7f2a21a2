"""French wording generated from labels and rules (issue 12's walk): « de » before a vowel is
elided (« un nombre d'attributions », never « un nombre de attributions »), and a cell that must be
filled is never told it may be left empty or written NC."""

from __future__ import annotations

from core.formatting import de
from loaders.importer import import_bytes
from loaders.problems import Problem
from tests.conftest import TODAY

ROADMAP = "code_territoire;indicateur;debut;fin;valeur_base;periode_base;cible;jalon_an1\n"
VALUES = "code_territoire;indicateur;trimestre;valeur;commentaire\n"


def messages(db, text: str) -> dict[tuple[int, str], str]:
    result = import_bytes(text.encode("utf-8"), "saisie.csv", db, user="test", today=TODAY)
    return {(p.line, p.column): p.message for p in result.report.errors}


def test_de_is_elided_before_a_vowel_or_a_silent_h_only():
    assert de("attributions") == "d'attributions" and de("orientations") == "d'orientations"
    assert de("actes") == "d'actes" and de("hébergements") == "d'hébergements" and de("Île-de-France") == "d'Île-de-France"
    assert de("places") == "de places" and de("ménages") == "de ménages" and de("nuitées") == "de nuitées"
    assert de("handicaps") == "de handicaps"  # an aspirated h keeps « de »


def test_a_count_message_elides_de_before_its_unit():
    said = Problem("valeur-negative", 3, "valeur", "-2", {"unite": "attributions"}).message
    assert said == "« -2 » est négatif : un nombre d'attributions ne peut pas être négatif."
    said = Problem("valeur-non-entiere", 3, "valeur", "2,5", {"unite": "places"}).message
    assert said == "« 2,5 » n'est pas un nombre entier : un nombre de places doit être entier."


def test_a_negative_count_of_attributions_in_a_file_reads_in_good_french(db):
    said = messages(db, VALUES + "200046977;attributions_total;2024-T1;-3;\n")
    assert "un nombre d'attributions ne peut pas être négatif" in said[(2, "valeur")]
    assert "nombre de attributions" not in said[(2, "valeur")]


def test_a_value_that_is_not_a_number_may_be_left_empty_or_nc(db):
    said = messages(db, VALUES + "200046977;sorties_rue_logement;2024-T1;douze;\n")[(2, "valeur")]
    assert said.endswith("laissez vide ou écrivez NC si la valeur n'est pas connue.")


def test_a_target_that_is_not_a_number_is_not_told_it_may_be_left_empty(db):
    said = messages(db, ROADMAP + "200046977;sorties_rue_logement;2021-T3;2023-T2;120;2020;beaucoup;\n")
    target = said[(2, "cible")]
    assert target.startswith("« beaucoup » n'est pas un nombre.")
    assert "laissez vide" not in target and "NC" not in target.replace("NC)", "")
    assert "obligatoire" in target
    # the optional milestone of the same file keeps the hint
    said = messages(db, ROADMAP + "200046977;sorties_rue_logement;2021-T3;2023-T2;120;2020;400;vers 180\n")
    assert "laissez vide ou écrivez NC" in said[(2, "jalon_an1")]


def test_a_percentage_indicator_reads_with_one_decimal_and_its_sign_everywhere():
    from core.formatting import indicateur

    assert indicateur(9, "%") == "9,0\u202f%" and indicateur(8.136578, "%") == "8,1\u202f%"
    assert indicateur(9.0, "personnes") == "9" and indicateur(12.5, "places") == "12,5"
    assert indicateur(None, "%") == "–"


def test_the_part_of_attributions_reads_the_same_on_the_page_card_and_the_deck_card(demo_shared):
    from core import quarters
    from core.formatting import percent
    from data import store
    from data.access import Personne
    from exports import fiche
    from indicators import noms
    from indicators import territoire as page_territoire
    from exports.focus import CONFIANCE
    from tests.apptest import as_person

    code, part = "18", "part_attributions_sans_domicile"
    at_q = quarters.last_complete()
    with store.connect(demo_shared) as con:
        prog = page_territoire.progression_territoire(con, code, at_q, CONFIANCE)
        deck = fiche.construire(con, code, at_q)
    row = prog.set_index("indicateur").loc[part]
    figures = f"{percent(row['realise'])} / {percent(row['cible'])}"  # 8,1 % / 8,0 %: never « 8 »
    (cards,) = deck.diapos[0].blocs
    (card,) = [c for c in cards.cartes if c.titre == noms.libelle_matrice(part, row["libelle"])]
    assert card.details[0] == figures
    page = as_person("pages/territoire.py", Personne("n@dihal.gouv.fr", "national"), territoire=code)
    assert f"Réalisé : **{percent(row['realise'])}** / cible **{percent(row['cible'])}**" in [m.value for m in page.markdown]


def test_a_baseline_is_required_for_a_stock_and_optional_for_a_flow_and_the_message_says_which(db):
    stock = messages(db, ROADMAP + "200046977;personnes_rue_denombrees;2021-T3;2023-T2;environ 500;2021-T1;380;\n")
    assert "cette cellule est obligatoire" in stock[(2, "valeur_base")]
    assert "laissez vide" not in stock[(2, "valeur_base")]
    flow = messages(db, ROADMAP + "200046977;sorties_rue_logement;2021-T3;2023-T2;environ 120;2020;400;\n")
    assert flow[(2, "valeur_base")].endswith("laissez vide ou écrivez NC si la valeur n'est pas connue.")
    # an unknown indicator (no nature) still has its baseline checked
    unknown = messages(db, ROADMAP + "200046977;indicateur_absent;2021-T3;2023-T2;environ 120;2020;400;\n")
    assert unknown[(2, "valeur_base")].startswith("« environ 120 » n'est pas un nombre.")
