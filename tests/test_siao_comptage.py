"""An SI-SIAO extract counted into the quarter's indicators (format-siao.md): hand-computed
aggregates on a small extract (tests/siao_fixtures.py), stored through the values write path, the
same extract twice changes nothing, a quarter the period covers in part is not stored, and a
coordinator stores only their own territory's values."""

from __future__ import annotations

import datetime as dt
import json

from data import store
from data.access import Personne
from data.siao import ACTION_COMPTAGE
from loaders.importer import import_bytes
from loaders.problems import Problem
from loaders.siao import Periode
from tests.conftest import TODAY
from tests.siao_fixtures import AU, DU, EXPECTED, LYON, ORDER, P1, ROWS, TOURS, TOURS_METROPOLE, extract


def stored_values(db) -> dict:
    with store.connect(db) as con:
        rows = con.execute("SELECT territoire, trimestre, indicateur, valeur, source FROM valeur").fetchall()
    found: dict = {}
    for territoire, trimestre, indicateur, valeur, source in rows:
        assert source == "extrait SI-SIAO"
        found.setdefault((territoire, trimestre), {})[indicateur] = valeur
    return {k: tuple(v[i] for i in ORDER) for k, v in found.items()}


def test_each_indicator_is_counted_per_territory_and_quarter_as_by_hand(db):
    result = import_bytes(extract(*ROWS), "extrait.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    assert result.kind == "siao" and result.stored and result.report.ok
    assert stored_values(db) == EXPECTED
    assert result.outcome.nouvelles == 36
    c = result.comptage
    assert c.par_territoire == {TOURS: 5, TOURS_METROPOLE: 6, LYON: 1}
    assert (c.demandes, c.hors_territoires, c.hors_perimetre, c.partiels) == (8, 1, 0, {})
    assert [w.code for w in result.report.warnings] == ["siao-hors-territoires"]
    with store.connect(db) as con:
        [(fichier, kind, resultat)] = con.execute("SELECT fichier, type_fichier, resultat FROM depot").fetchall()
        [(objet, details)] = con.execute("SELECT objet, details FROM journal WHERE action = ?",
                                         [ACTION_COMPTAGE]).fetchall()
    assert (fichier, kind, resultat) == ("extrait.csv", "siao", "enregistre")
    assert json.loads(details)["par_territoire"] == {TOURS: 5, TOURS_METROPOLE: 6, LYON: 1}


def test_the_same_extract_twice_changes_nothing(db):
    data = extract(*ROWS)
    import_bytes(data, "extrait.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    again = import_bytes(data, "extrait.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    assert again.stored and (again.outcome.nouvelles, again.outcome.revisees, again.outcome.inchangees) == (0, 0, 36)
    with store.connect(db) as con:
        assert con.execute("SELECT count(*) FROM valeur_historique").fetchall()[0][0] == 0
        assert con.execute("SELECT max(revision) FROM valeur").fetchall()[0][0] == 1
    assert stored_values(db) == EXPECTED


def test_a_corrected_extract_revises_the_values_it_changes(db):
    import_bytes(extract(*ROWS), "extrait.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    fixed = [r.replace("non_pourvue;2026-03-20;", "orientation;2026-03-21;logement") for r in ROWS]
    result = import_bytes(extract(*fixed), "extrait2.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    # D3 (115, Tours, Q1) is now an orientation to housing: orientations +1 and unmet 115 -1, in
    # both territories of Tours (sorties_rue_logement unchanged: P2 came from "autre")
    assert result.outcome.revisees == 4 and result.outcome.inchangees == 32
    values = stored_values(db)
    assert values[(TOURS, "2026-T1")] == (1, 1, 2, 2, 0, 1)
    assert values[(TOURS_METROPOLE, "2026-T1")] == (2, 2, 3, 2, 0, 1)
    with store.connect(db) as con:
        assert con.execute("SELECT count(*) FROM valeur_historique").fetchall()[0][0] == 4


def test_a_quarter_the_period_covers_in_part_is_not_stored(db):
    # no period given: from the first request (2026-01-10) to the last (2026-06-30), so T1 is partial
    result = import_bytes(extract(*ROWS), "extrait.csv", db, today=TODAY, user="siao")
    assert result.stored
    assert (result.comptage.du, result.comptage.au) == (dt.date(2026, 1, 10), AU)
    assert result.comptage.partiels == {"2026-T1": 4} and result.comptage.trimestres == ["2026-T2"]
    assert stored_values(db) == {k: v for k, v in EXPECTED.items() if k[1] == "2026-T2"}
    partial = [w for w in result.report.warnings if w.code == "siao-trimestre-partiel"]
    assert len(partial) == 1 and "T1 2026" in partial[0].message and "4 demande(s)" in partial[0].message


def test_a_coordinator_stores_only_their_territory_and_is_told_of_the_others(db):
    coord = Personne("coord@tours.fr", "coordinateur", TOURS)
    result = import_bytes(extract(*ROWS), "extrait.csv", db, periode=Periode(DU, AU), today=TODAY,
                          user=coord.email, allowed_territories=set(coord.perimetre_depot))
    assert result.stored
    assert stored_values(db) == {k: v for k, v in EXPECTED.items() if k[0] == TOURS}
    # D2 (Chambray: Tours Métropole only) and D6 (Lyon) are other territories' requests
    assert result.comptage.hors_perimetre == 2 and result.comptage.par_territoire == {TOURS: 5}
    [warning] = [w for w in result.report.warnings if w.code == "siao-hors-perimetre"]
    assert "243700754 (Tours Métropole Val de Loire)" in warning.message and LYON in warning.message


def test_an_extract_with_nothing_for_the_coordinator_is_refused_and_stores_nothing(db):
    coord = Personne("coord@lyon.fr", "coordinateur", LYON)
    rows = [r for r in ROWS if "69123" not in r]
    result = import_bytes(extract(*rows), "extrait.csv", db, periode=Periode(DU, AU), today=TODAY,
                          user=coord.email, allowed_territories={LYON})
    assert not result.stored and [p.code for p in result.report.errors] == ["siao-aucune-valeur"]
    assert "votre territoire" in result.report.errors[0].message
    assert stored_values(db) == {}


def test_the_extract_is_detected_from_its_header_and_forced_with_kind(db):
    data = extract(*ROWS)
    assert import_bytes(data, "e.csv", db, dry_run=True, today=TODAY).kind == "siao"
    assert import_bytes(data, "e.csv", db, dry_run=True, today=TODAY, kind="siao").kind == "siao"
    assert P1 not in repr(import_bytes(data, "e.csv", db, dry_run=True, today=TODAY).report)


def test_the_counting_report_puts_every_request_in_exactly_one_row(db):
    # no period: 2026-01-10 .. 2026-06-30, so T1 is partly covered. A coordinator of Tours. By hand:
    # T1 (partial): D1, D2, D3, D4 and D9 (01001, in no territory: said once, in its quarter) = 5;
    # T2: D5 and D8 in Tours = 2 counted, D6 in Lyon only = 1 other territory, D7 in 01001 = 1 in none
    rows = [*ROWS, f"D9;{P1};01001;115;2026-02-01;rue;annulee;2026-02-02;"]
    coord = Personne("coord@tours.fr", "coordinateur", TOURS)
    result = import_bytes(extract(*rows), "extrait.csv", db, today=TODAY, user=coord.email,
                          allowed_territories=set(coord.perimetre_depot))
    c = result.comptage
    assert (c.comptees, c.hors_perimetre, c.hors_territoires, c.partiels) == (2, 1, 1, {"2026-T1": 5})
    assert [n for _label, n in c.repartition()] == [2, 1, 1, 5, 9]
    assert c.demandes == result.row_count == 9 == c.comptees + c.hors_perimetre + c.hors_territoires + 5
    assert c.par_territoire == {TOURS: 2}
    lines = c.lignes()
    assert "Les 9 demandes du fichier, chacune dans une seule ligne :" in lines
    assert "  Demandées au T1 2026, trimestre couvert en partie par la période (non enregistrées) : 5" in lines
    assert "  Total, toutes les lignes de demandes du fichier : 9" in lines
    [outside] = [w for w in result.report.warnings if w.code == "siao-hors-territoires"]
    assert outside.message.startswith("1 demande(s) situées")  # D7 only: D9 is in the partial quarter's count


ARRAS, ARRAS_CU, CALAIS = "62041", "200033579", "62193"  # Arras is in the CU d'Arras and in Pas-de-Calais (62)


def test_only_the_territories_of_requests_outside_the_scope_are_named_as_other_territories(db):
    # a coordinator of the CU d'Arras: Arras' requests are theirs, though also in 62 (registered):
    # 62 is no "other territory" of them; only Lyon is
    coord = Personne("coord@arras.fr", "coordinateur", ARRAS_CU)
    rows = [f"A1;{P1};{ARRAS};insertion;2026-02-01;rue;en_attente;;",
            f"A2;{P1};{ARRAS};115;2026-05-01;rue;non_pourvue;2026-05-01;",
            f"A3;{P1};69123;115;2026-05-01;rue;non_pourvue;2026-05-01;"]
    result = import_bytes(extract(*rows), "extrait.csv", db, periode=Periode(DU, AU), today=TODAY,
                          user=coord.email, allowed_territories={ARRAS_CU})
    assert result.stored and (result.comptage.comptees, result.comptage.hors_perimetre) == (2, 1)
    [warning] = [w for w in result.report.warnings if w.code == "siao-hors-perimetre"]
    assert "200046977 (Métropole de Lyon)" in warning.message and "Pas-de-Calais" not in warning.message
    assert {k[0] for k in stored_values(db)} == {ARRAS_CU}
    # a request in Calais (62, not the CU d'Arras) is one of the département's only: 62 is named
    calais = rows + [f"A4;{P1};{CALAIS};115;2026-05-02;rue;non_pourvue;2026-05-02;"]
    again = import_bytes(extract(*calais), "extrait2.csv", db, periode=Periode(DU, AU), today=TODAY,
                         user=coord.email, allowed_territories={ARRAS_CU}, dry_run=True)
    [warning] = [w for w in again.report.warnings if w.code == "siao-hors-perimetre"]
    assert warning.message.startswith("2 demande(s)")
    assert "62 (Pas-de-Calais)" in warning.message and "200046977 (Métropole de Lyon)" in warning.message


def test_the_report_says_how_few_communes_of_an_epci_the_extract_holds(db):
    result = import_bytes(extract(*ROWS), "extrait.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    assert result.comptage.couverture == {TOURS: (1, 1), TOURS_METROPOLE: (2, 22), LYON: (1, 58)}
    [tours_metropole, lyon] = sorted(result.comptage.avertissements_couverture(), reverse=True)
    assert tours_metropole.startswith("243700754 (Tours Métropole Val de Loire) : chiffres calculés à partir des "
                                      "seules communes présentes dans l'extrait, 2 sur les 22 communes")
    assert "1 sur les 58 communes" in lyon


def test_a_quarter_on_quarter_jump_of_a_counted_value_names_territory_indicator_quarters_and_figures(db):
    # Tours: 1 200 insertion requests in T1, 300 in T2 (a quarter of them: below the third), none to
    # the 115: the jump is in both territories of Tours, on siao_demandes_hebergement only
    rows = [f"Q1-{i};{P1};37261;insertion;2026-02-01;autre;en_attente;;" for i in range(1200)]
    rows += [f"Q2-{i};{P1};37261;insertion;2026-05-01;autre;en_attente;;" for i in range(300)]
    result = import_bytes(extract(*rows), "extrait.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    assert result.stored and "saut-trimestriel" not in {w.code for w in result.report.warnings}
    jumps = sorted(w.message for w in result.report.warnings if w.code == "siao-saut-trimestriel")
    assert jumps == [
        "243700754 (Tours Métropole Val de Loire), « Demandes d'hébergement reçues par le SIAO » : 300 au T2 2026 "
        "contre 1\u202f200 au T1 2026, soit moins du tiers du trimestre précédent : vérifiez l'extrait.",
        "37261 (Tours), « Demandes d'hébergement reçues par le SIAO » : 300 au T2 2026 "
        "contre 1\u202f200 au T1 2026, soit moins du tiers du trimestre précédent : vérifiez l'extrait.",
    ]
    with store.connect(db) as con:  # the upload's audit keeps the same words
        [(problems,)] = con.execute("SELECT problemes FROM depot").fetchall()
    kept = [Problem(p["code"], p["ligne"], p["colonne"], p["valeur"], p["params"]) for p in json.loads(problems)
            if p["code"] == "siao-saut-trimestriel"]
    assert sorted(p.message for p in kept) == jumps


def test_a_rise_from_zero_is_said_in_plain_french(db):
    # 12 requests to the 115 in Tours in T2, none in T1 (a 0 counted, not a missing value)
    rows = [f"Q2-{i};{P1};37261;115;2026-05-01;autre;en_attente;;" for i in range(12)]
    result = import_bytes(extract(*rows), "extrait.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    [tours] = [w.message for w in result.report.warnings if w.code == "siao-saut-trimestriel" and TOURS + " " in w.message]
    assert tours == ("37261 (Tours), « Demandes au 115 » : 12 au T2 2026 contre 0 au T1 2026, soit plus du triple "
                     "du trimestre précédent : vérifiez l'extrait.")
