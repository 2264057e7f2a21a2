"""Derived budget figures (indicators/budget.py) on hand-computed cases: rates, the 50/50 check of
the coordinator post (exactly 50 %, above, missing collectivité line...), the AMI envelope."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import budget

COLUMNS = ["territoire", "exercice", "poste", "financeur", "prevu", "engage", "verse"]


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=COLUMNS)


def check(*rows) -> dict:
    return budget.conformite(frame(*rows)).iloc[0].to_dict()


def test_rates_are_over_planned_and_empty_when_not_computable():
    assert budget.taux(30_000, 40_000) == 75.0
    assert budget.taux(None, 40_000) is None and budget.taux(10, 0) is None and budget.taux(10, None) is None
    lines = budget.avec_taux(frame(("T", 2024, "ingenierie", "etat_ami", 12_500.5, 8_000, None)))
    assert lines["taux_engagement"][0] == pytest.approx(63.99744, abs=1e-5) and lines["taux_versement"][0] is None


def test_exactly_50_percent_is_conforme():
    row = check(("T", 2024, "coordination", "etat_ami", 20_000, None, None),
                ("T", 2024, "coordination", "etat_droit_commun", 10_000, None, None),
                ("T", 2024, "coordination", "collectivite", 30_000, None, None))
    assert row["conforme"] is True and row["part_etat_pct"] == 50.0
    assert (float(row["etat"]), float(row["collectivite"]), float(row["total"])) == (30_000, 30_000, 60_000)


def test_one_cent_above_50_percent_is_non_conforme():
    row = check(("T", 2024, "coordination", "etat_ami", 30_000.01, None, None),
                ("T", 2024, "coordination", "collectivite", 30_000, None, None))
    assert row["conforme"] is False and row["part_etat_pct"] > 50
    assert "non conforme" in budget.phrase_conformite(row)


def test_other_partners_count_in_the_total():
    # State 40 000 of 40 000 + 30 000 + 20 000 = 44,4 %
    row = check(("T", 2024, "coordination", "etat_ami", 40_000, None, None),
                ("T", 2024, "coordination", "collectivite", 30_000, None, None),
                ("T", 2024, "coordination", "autre", 20_000, None, None))
    assert row["conforme"] is True and row["part_etat_pct"] == pytest.approx(44.444, abs=1e-3)


@pytest.mark.parametrize("rows, raison", [
    ([("T", 2024, "coordination", "etat_ami", 30_000, None, None)], "collectivité"),
    ([("T", 2024, "coordination", "collectivite", 30_000, None, None)], "l'État"),
    ([("T", 2024, "ingenierie", "etat_ami", 30_000, None, None)], "aucune ligne"),
    ([("T", 2024, "coordination", "etat_ami", 0, None, None),
      ("T", 2024, "coordination", "collectivite", 0, None, None)], "nul"),
])
def test_not_computable_without_both_sides_or_without_planned_amount(rows, raison):
    row = check(*rows)
    assert row["conforme"] is None and row["part_etat_pct"] is None and raison in row["raison"]
    assert "non calculable" in budget.phrase_conformite(row)


def test_envelope_consumption_flags_ami_lines_above_notified_credits():
    lines = frame(("A", 2024, "ingenierie", "etat_ami", 15_000, 10_000, 5_000),
                  ("A", 2024, "communication", "etat_ami", 6_000, None, None),
                  ("A", 2024, "coordination", "collectivite", 99_000, None, None),
                  ("B", 2024, "ingenierie", "etat_ami", 10_000, 10_000, 10_000))
    notifie = pd.DataFrame({"exercice": [2024, 2024, 2024], "territoire": ["A", "B", "C"],
                            "notifie": [20_000, 10_000, 5_000]})
    per = budget.consommation(lines, notifie).set_index("territoire")
    assert float(per.loc["A", "prevu"]) == 21_000 and per.loc["A", "depasse"] is True
    assert per.loc["B", "depasse"] is False and per.loc["C", "prevu"] is None and per.loc["C", "depasse"] is None
    assert per.loc["A", "taux_versement"] == 25.0
    nat = budget.consommation_nationale(per.reset_index(), pd.DataFrame({"exercice": [2024], "montant": [4_000_000]}))
    row = nat.iloc[0]
    assert (float(row["enveloppe"]), float(row["notifie"]), float(row["prevu"]), float(row["engage"]),
            float(row["verse"])) == (4_000_000, 35_000, 31_000, 20_000, 15_000)
    assert row["territoires_depassement"] == 1 and row["taux_prevu"] == pytest.approx(0.775)


def test_per_poste_table_follows_fiche_5_with_totals():
    lines = frame(("T", 2024, "communication", "autre", 100, None, None),
                  ("T", 2024, "coordination", "collectivite", 30_000, 10_000, None),
                  ("T", 2024, "coordination", "etat_ami", 30_000, 20_000, 5_000))
    table = budget.par_poste(lines)
    assert list(zip(table["poste"], table["financeur"])) == [
        ("coordination", "etat_ami"), ("coordination", "collectivite"), ("coordination", "total"),
        ("communication", "autre"), ("communication", "total")]
    total = table.iloc[2]
    assert float(total["prevu"]) == 60_000 and total["taux_engagement"] == 50.0
    assert float(total["verse"]) == 5_000  # the known amounts only


def test_euros_in_french():
    assert budget.euros(30000) == "30\u202f000\u00a0€" and budget.euros(12500.5) == "12\u202f500,50\u00a0€"
    assert budget.euros(None) == "non connu" and budget.pct(45.66) == "45,7\u00a0%"
