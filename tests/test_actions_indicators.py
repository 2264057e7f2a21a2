"""The derived figures of the actions: « en retard » at chosen dates exactly as format-suivi.md
defines it, the status at a quarter is the last point up to it, counts per status per axe and
priority, the mean progress where reported; and the command line python -m indicators actions."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from indicators import actions as ind
from tests.cli import MODES, runner
from tests.test_actions_import import GRENOBLE, LYON, fichier, importer

D = dt.date


@pytest.mark.parametrize("statut, debut, fin, reference, late", [
    ("en_cours", D(2024, 1, 1), D(2024, 6, 30), D(2024, 6, 30), False),  # ends that day: not passed yet
    ("en_cours", D(2024, 1, 1), D(2024, 6, 30), D(2024, 9, 30), True),
    ("bloquee", None, D(2024, 6, 30), D(2024, 9, 30), True),
    ("en_pause", None, D(2024, 6, 30), D(2024, 9, 30), True),
    ("realisee", D(2024, 1, 1), D(2024, 6, 30), D(2024, 9, 30), False),
    ("abandonnee", None, D(2024, 6, 30), D(2025, 9, 30), False),
    ("a_venir", D(2024, 7, 1), None, D(2024, 6, 30), False),
    ("a_venir", D(2024, 7, 1), None, D(2024, 9, 30), True),  # should have started
    ("en_cours", D(2024, 7, 1), None, D(2024, 9, 30), False),  # started: no end, never late
    (ind.NON_RENSEIGNE, None, D(2024, 6, 30), D(2024, 9, 30), True),  # not reported, not réalisée
    (ind.NON_RENSEIGNE, D(2024, 1, 1), None, D(2024, 9, 30), False),
])
def test_late_is_derived_from_the_dates_at_the_reference_date(statut, debut, fin, reference, late):
    assert ind.est_en_retard(statut, debut, fin, reference) is late


ACTIONS = pd.DataFrame({
    "territoire": ["T1", "T1", "T1", "T2"], "ref_action": ["a", "b", "c", "a"], "axe": [9, 9, 12, 1],
    "debut": [D(2024, 1, 1), D(2024, 4, 1), D(2024, 1, 1), None],
    "fin": [D(2024, 12, 31), D(2025, 12, 31), D(2024, 6, 30), None],
})
POINTS = pd.DataFrame({
    "territoire": ["T1", "T1", "T1", "T1", "T2"], "ref_action": ["a", "a", "b", "c", "a"],
    "trimestre": ["2024-T2", "2025-T1", "2024-T1", "2024-T1", "2024-T3"],
    "statut": ["en_cours", "realisee", "a_venir", "en_cours", "bloquee"], "avancement": [30, 100, None, 50, 10],
})


def test_the_status_at_a_quarter_is_the_last_point_up_to_it():
    at_t3 = ind.etat(ACTIONS, POINTS, "2024-T3").set_index(["territoire", "ref_action"])
    assert at_t3.loc[("T1", "a"), "statut"] == "en_cours" and at_t3.loc[("T1", "a"), "trimestre_point"] == "2024-T2"
    assert at_t3.loc[("T1", "b"), "en_retard"]  # still à venir on 30/09/2024, debut 01/04/2024 passed
    assert at_t3.loc[("T1", "c"), "en_retard"]  # en cours, fin 30/06/2024 passed
    assert not at_t3.loc[("T2", "a"), "en_retard"]  # bloquée but without dates: nothing passed
    at_t1 = ind.etat(ACTIONS, POINTS, "2024-T1").set_index(["territoire", "ref_action"])
    assert at_t1.loc[("T1", "a"), "statut"] == ind.NON_RENSEIGNE and at_t1.loc[("T2", "a"), "statut"] == ind.NON_RENSEIGNE
    later = ind.etat(ACTIONS, POINTS, "2025-T1").set_index(["territoire", "ref_action"])
    assert later.loc[("T1", "a"), "statut"] == "realisee" and not later.loc[("T1", "a"), "en_retard"]


def test_counts_per_status_per_axe_and_priority_with_the_mean_progress_where_reported():
    counts = ind.comptes(ind.etat(ACTIONS, POINTS, "2024-T3"))
    t1_axe9 = counts[(counts["territoire"] == "T1") & (counts["axe"] == 9)].iloc[0]
    assert (t1_axe9["priorite"], t1_axe9["nb_actions"], t1_axe9["nb_en_cours"], t1_axe9["nb_a_venir"],
            t1_axe9["en_retard"], t1_axe9["avancement_moyen"]) == ("III", 2, 1, 1, 1, 30.0)  # b reports none
    assert list(counts.columns) == ind.COLUMNS
    national = ind.comptes_nationaux(ind.etat(ACTIONS, POINTS, "2024-T3"))
    assert list(national["priorite"]) == ["I", "III", "IV"]  # in the plan's order
    assert national.set_index("axe").loc[9, "territoires"] == 1 and national["nb_actions"].sum() == 4
    assert [ind.priorite(a) for a in (1, 4, 5, 8, 9, 11, 12, 14, 15, 16)] == \
        ["I", "I", "II", "II", "III", "III", "IV", "IV", "V", "V"]


def test_a_status_is_said_with_an_icon_and_words():
    assert ind.libelle_statut("bloquee") == "⊘ bloquée"
    assert ind.libelle_statut("en_cours", True) == "▶ en cours · ⚠ en retard"
    assert len(set(ind.ICONES.values())) == len(ind.ICONES)  # one shape per status


@pytest.fixture(params=MODES)
def run(request):
    return runner("indicators", request.param)


def test_the_command_line_counts_per_territory_and_axe(db, run):
    importer(db, fichier(f"{LYON};A1;Plateforme;9;;;2024-01-15;2025-06-30;en cours;40;2024-T3;",
                         f"{LYON};A2;Captation;2;;;2024-03-01;2026-12-31;à venir;;2024-T3;",
                         f"{LYON};A3;Formation;9;;;;;réalisée;100;2024-T3;"))
    out = run("actions", "--db", db, "--at", "2024-T3", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [(r["axe"], r["priorite"], r["nb_actions"], r["nb_en_cours"], r["nb_realisee"], r["nb_a_venir"],
             r["en_retard"], r["avancement_moyen"]) for r in rows] == [
        (2, "I", 1, 0, 0, 1, 1, None), (9, "III", 2, 1, 1, 0, 0, 70)]
    later = json.loads(run("actions", "--db", db, "--at", "2025-T4", "--format", "json",
                           "--territory", LYON).stdout)
    assert [(r["axe"], r["en_retard"]) for r in later] == [(2, 1), (9, 1)]  # A1's end passed
    table = run("actions", "--db", db, "--at", "2024T3")
    assert table.returncode == 0 and "Actions des feuilles de route au T3 2024" in table.stdout
    assert "70,0 %" in table.stdout and "En retard" in table.stdout
    csv = run("actions", "--db", db, "--at", "2024-T3", "--format", "csv").stdout.splitlines()
    assert csv[0].split(";")[-2:] == ["en_retard", "avancement_moyen"] and len(csv) == 3
    assert run("actions", "--db", db, "--territory", GRENOBLE).returncode == 1  # no action
    assert run("actions", "--db", db, "--territory", "999").returncode == 1
    assert run("actions", "--db", db, "--at", "T9 2024").returncode == 2
