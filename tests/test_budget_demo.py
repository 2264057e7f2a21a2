"""The demo's budgets: every territory, the six postes, two exercices, one coordinator post not
50/50, amounts not yet known, an envelope with one territory above its notified credits, a revision."""

from __future__ import annotations

from data import budget, store
from data.registre import POSTES
from indicators import budget as calcul
from tests.conftest import TODAY


def test_demo_budgets_cover_every_territory_and_show_each_case(demo_module_db):
    with store.connect(demo_module_db) as con:
        lines = budget.lignes_agregees(con)
        active = {c for (c,) in con.execute("SELECT code FROM territoire WHERE actif").fetchall()}
        national, notifie = budget.enveloppes(con)
        revised = con.execute("SELECT count(*) FROM budget_historique").fetchall()[0][0]
    assert set(lines["territoire"]) == active
    assert sorted(set(lines["exercice"])) == [TODAY.year - 1, TODAY.year]
    assert set(lines["poste"]) == set(POSTES)
    for _code, group in lines.groupby("territoire"):
        assert set(group["poste"]) == set(POSTES)
    checks = calcul.conformite(lines)
    assert checks["conforme"].value_counts().to_dict() == {True: 2 * len(active) - 2, False: 2}
    assert len(set(checks[checks["conforme"] == False]["territoire"])) == 1  # noqa: E712
    assert lines["engage"].isna().any() and lines["verse"].isna().any() and (lines["engage"] > lines["prevu"]).any()
    # the envelope holds what was notified to the territories: the call's 4 M€, or their total
    # rounded up to the half-million
    totals = notifie.groupby("exercice")["notifie"].sum().astype(float)
    for exercice, montant in zip(national["exercice"], national["montant"].astype(float)):
        assert montant >= totals[exercice] and montant % 500_000 == 0 and montant >= 4_000_000
        assert montant == max(4_000_000, 500_000 * -(-totals[exercice] // 500_000))
    per = calcul.consommation(lines, notifie)
    assert per["depasse"].sum() == 2 and revised > 0
