"""What the territory page ("Mon territoire") computes: a territory's progress, the series of one
indicator with its comments and revisions, the comparison with the territories of the same type and
the completeness of its uploads. Each read takes the reading person (data.access.Personne): outside
their scope, a territory is read at the default reference quarter only, and outside the national
team the comparison too, since the cumulative figures of two quarters would give each quarterly
value by difference (data.reads.exiger_trimestre). Pure pandas over the engine's frames."""

from __future__ import annotations

import pandas as pd

from data import reads
from indicators import completeness, derived, progress
from core import quarters
from indicators.views import trajectoire


def progression_territoire(con, territoire: str, at: str, person) -> pd.DataFrame:
    """progress() of one territory at ``at`` with each indicator's label, unit and definition,
    in catalogue order. ``person`` (data.access.Personne) reads a territory outside their scope at
    the default reference quarter only (data.reads.exiger_trimestre: DetailRefuse otherwise)."""
    reads.exiger_trimestre(person, territoire, at)
    p = progress.progress(con, at, [territoire])
    cat = reads.catalogue(con).rename(columns={"code": "indicateur"})[
        ["indicateur", "libelle", "unite", "definition"]]
    return p.merge(cat, on="indicateur", how="left").sort_values("ordre").reset_index(drop=True)


def serie_indicateur(con, territoire: str, indicateur: str, debut: str, fin: str, at: str,
                     person) -> pd.DataFrame:
    """trajectoire() of one roadmap indicator over its window [debut, fin], the projection being
    the one of the reference quarter ``at`` (as on the cards). For a ``person`` outside the
    territory's scope (data.access.Personne), at the default reference quarter only, and without the
    quarterly values: the achieved figure at ``at`` against the expected path and the target."""
    reads.exiger_trimestre(person, territoire, at)
    detail = person.peut_voir_detail(territoire)
    history = progress.progress_history(con, [territoire], debut, fin)
    # a renewal may apply to some of these quarters: keep this roadmap's rows only
    history = history[(history["indicateur"] == indicateur) & (history["debut"] == debut) & (history["fin"] == fin)]
    values = derived.quarterly(con, debut=debut, fin=fin, territoires=[territoire], indicateurs=[indicateur])
    if not detail:
        values = values.iloc[0:0]
    series = trajectoire(history, values, at)
    # later rows' projections use quarters after ``at`` (not shown, or not yet complete)
    at_row = series.loc[series["reference"] == min(at, fin), "projection_fin"]
    series["projection_fin"] = at_row.iloc[0] if len(at_row) else float("nan")
    if not detail:  # the cumulative path would give each quarter back by difference: its last point only
        last = series["realise_affiche"].last_valid_index()
        series["realise_affiche"] = series["realise_affiche"].where(series.index == last)
    return series


def _note(version) -> str:
    """A stored value's comment and source in one cell ('' when neither was typed)."""
    parts = [version["commentaire"]] if isinstance(version["commentaire"], str) and version["commentaire"].strip() else []
    if isinstance(version["source"], str) and version["source"].strip():
        parts.append(f"source : {version['source']}")
    return " — ".join(parts)


def avec_notes(table: pd.DataFrame, series: pd.DataFrame, historique: pd.DataFrame) -> pd.DataFrame:
    """The trajectory table (tableau_serie) with, beside each quarter's value, its comment and
    source ("Commentaire") and the number of former versions replaced ("Révisions"; empty where no
    value is stored), from data.reads.historique_valeurs (detail: the caller checked the person)."""
    current = historique[historique["courante"]]
    notes = pd.Series([_note(v) for _, v in current.iterrows()], index=current["trimestre"], dtype=object)
    former = historique[~historique["courante"]].groupby("trimestre").size()
    stored = series["reference"].isin(historique["trimestre"])
    out = table.copy()
    out["Commentaire"] = series["reference"].map(notes).fillna("").values
    out["Révisions"] = series["reference"].map(former).fillna(0).astype("Int64").where(stored).values
    return out


def comparaison(con, territoire: str, indicateur: str, at: str, person) -> pd.DataFrame:
    """The active territories of the same type as ``territoire`` whose roadmap follows
    ``indicateur``, each over its own roadmap up to ``at`` (the figures of its own cards, nothing
    more): a flow's achieved total per reported quarter (like with like between territories that
    did not report the same number of quarters), a stock's latest level, both per 100,000
    inhabitants; a ratio's rate itself. Outside the national team (``person``), at the default
    reference quarter only (data.reads.exiger_trimestre_comparaison): at two quarters, the
    difference would give the other territories' quarterly values."""
    reads.exiger_trimestre_comparaison(person, at)
    terr = reads.territoires(con)
    kind = terr.loc[terr["code"] == territoire, "type"]
    same = terr[terr["type"].isin(kind) | (terr["code"] == territoire)]
    p = progress.progress(con, at, same["code"].tolist())
    p = p[p["indicateur"] == indicateur]
    f = p.merge(same[["code", "nom", "population"]], left_on="territoire", right_on="code", how="inner")
    reported = f["trimestres_renseignes"].where(f["trimestres_renseignes"] > 0)
    level = f["realise"].where(reported.notna())
    flow = f["nature"].isin(["flux", "somme"])
    per_quarter = level.where(~flow, level / reported)
    population = pd.to_numeric(f["population"], errors="coerce").astype(float)
    f["valeur_par_trimestre"] = per_quarter
    f["pour_100000"] = (per_quarter * 100_000 / population.where(population > 0)).where(f["nature"] != "ratio",
                                                                                      per_quarter)
    f["valeur"] = level
    return f[["territoire", "nom", "population", "debut", "valeur", "trimestres_renseignes", "valeur_par_trimestre",
              "pour_100000", "nature"]].sort_values("nom").reset_index(drop=True)


def completude_territoire(con, territoire: str, first: str, last: str) -> pd.DataFrame:
    """Completeness of one territory per quarter from ``first`` (its roadmap's start) to ``last``,
    with the quarter's label; no rows when ``last`` is before ``first`` (nothing is due yet)."""
    frame = completeness.completeness_history(con, first, max(first, last), [territoire])
    if last < first:
        frame = frame.iloc[0:0]
    return frame.assign(libelle=frame["trimestre"].map(quarters.label))
