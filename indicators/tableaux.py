"""What the pages show, shaped once: headline figures, the status matrix, filters, status counts,
a territory's cards and chart series. Pure pandas over the engine's frames (no Streamlit)."""

from __future__ import annotations

import math

import pandas as pd

from data import lectures
from data.lectures import TYPES_TERRITOIRE
from indicators import completeness, derived, national, progress, quarters, status

# Headline figures of the home page (people housed, allocations, evictions prevented), with the
# short label of their card (the catalogue's full label goes in the card's help).
LIBELLES_COURTS = {
    "acces_logement_sans_domicile": "Sans-domicile logés",
    "sorties_rue_logement": "De la rue au logement",
    "attributions_sans_domicile": "Attributions aux sans-domicile",
    "expulsions_evitees": "Expulsions évitées",
}
CHIFFRES_CLES = tuple(LIBELLES_COURTS)


def formule(row) -> str:
    """French formula of a derived indicator ('' for a base one)."""
    if row["nature"] == "somme" and isinstance(row.get("composantes"), str) and row["composantes"]:
        return "somme de : " + row["composantes"]
    if row["nature"] == "ratio" and row.get("numerateur"):
        return f"100 × {row['numerateur']} / {row['denominateur']} (rapport des sommes)"
    return ""


def chiffres_cles(con, at: str, depuis: str | None) -> pd.DataFrame:
    """National headline figures at quarter ``at``: the quarter's value, the previous quarter's, the
    total since ``depuis`` (the first roadmap start), with territories reporting; and the change on
    the previous quarter like for like: over the territories that reported both quarters
    (``territoires_compares``), so that a territory reporting one of them only does not pass for a
    rise or a fall. The headline indicators are flows and sums of flows."""
    first = min(depuis or at, quarters.shift(at, -1))
    figs = national.figures(con, first, at)
    figs = figs[figs["indicateur"].isin(CHIFFRES_CLES)]
    rows = []
    previous = quarters.shift(at, -1)
    both = derived.quarterly(con, debut=previous, fin=at, indicateurs=list(CHIFFRES_CLES))
    both = both.pivot_table(index=["indicateur", "territoire"], columns="trimestre", values="valeur", aggfunc="sum")
    both = both.reindex(columns=[previous, at]).dropna()
    for code in CHIFFRES_CLES:
        f = figs[figs["indicateur"] == code].set_index("trimestre")
        if f.empty:
            rows.append({"indicateur": code, "valeur": math.nan, "precedent": math.nan, "evolution": math.nan,
                         "territoires_compares": 0, "cumul": math.nan, "territoires_renseignes": 0})
            continue
        now = f["valeur"].get(at, math.nan)
        before = f["valeur"].get(previous, math.nan)
        since = f.loc[f.index >= (depuis or at), "valeur"]
        pairs = both.loc[code] if code in both.index.get_level_values(0) else both.iloc[0:0]
        rows.append({
            "indicateur": code, "valeur": now, "precedent": before,
            "evolution": float(pairs[at].sum() - pairs[previous].sum()) if len(pairs) else math.nan,
            "territoires_compares": len(pairs),
            "cumul": since.sum(min_count=1),
            "territoires_renseignes": int(f["territoires_renseignes"].get(at, 0) or 0),
        })
    return pd.DataFrame(rows)


def progression(con, at: str) -> pd.DataFrame:
    """progress() of every active territory at ``at``, with the territory's name, type, wave and
    région, the indicator's label, axe and priority."""
    p = progress.progress(con, at)
    # one hash lookup per key column, then positional takes: several times cheaper than merge (or
    # one map per added column) on 40,000 text keys
    _attach(p, "territoire", lectures.territoires(con).set_index("code"), ("nom", "type", "vague", "region", "population"))
    _attach(p, "indicateur", lectures.catalogue(con).set_index("code"), ("libelle", "axe", "priorite"))
    return p


def _attach(frame: pd.DataFrame, key: str, table: pd.DataFrame, columns: tuple[str, ...]) -> None:
    """Add ``columns`` of ``table`` (indexed by code) to ``frame`` by its ``key`` column, in place,
    as a left join would. When every code is found (the usual case), one hash lookup then a
    positional take per column (Arrow strings stay Arrow); otherwise a map per column."""
    where = table.index.get_indexer(frame[key])
    if len(where) and (where >= 0).all():
        for column in columns:
            frame[column] = table[column].take(where).set_axis(frame.index)
    else:
        for column in columns:
            frame[column] = frame[key].map(table[column])


def filtrer(frame: pd.DataFrame, *, vagues=(), types=(), regions=(), axes=(), priorites=(),
            indicateurs=()) -> pd.DataFrame:
    """Rows matching every non-empty filter (a région filter keeps territories spanning it)."""
    keep = pd.Series(True, index=frame.index)
    if vagues:
        keep &= frame["vague"].isin(vagues)
    if types:
        keep &= frame["type"].isin(types)
    if regions:
        keep &= frame["region"].fillna("").map(lambda r: any(x in r.split(", ") for x in regions))
    if axes:
        keep &= frame["axe"].isin(axes)
    if priorites:
        keep &= frame["priorite"].isin(priorites)
    if indicateurs:
        keep &= frame["indicateur"].isin(indicateurs)
    return frame[keep]


def matrice(frame: pd.DataFrame, libelles: dict[str, str]) -> pd.DataFrame:
    """Territory x roadmap indicator: each cell the status as icon and text ("✖ En retard"), empty
    where the indicator is not in the territory's roadmap; plus the count of late indicators, for
    sorting. Columns are the indicators' labels in catalogue order."""
    if frame.empty:
        return pd.DataFrame(columns=["Territoire", "Code", "Vague", "Type", "Région", "En retard"])
    shown = {code: status.affichage(code) for code in status.STATUTS}
    cells = frame.drop_duplicates(["territoire", "indicateur"])
    wide = cells.assign(cellule=cells["statut"].map(shown)).pivot(index="territoire", columns="indicateur",
                                                                   values="cellule")
    order = (frame.drop_duplicates("indicateur").sort_values("ordre")["indicateur"])
    wide = wide.reindex(columns=list(order)).rename(columns=libelles)
    info = (frame.drop_duplicates("territoire").set_index("territoire")[["nom", "vague", "type", "region"]])
    late = frame["statut"].eq(status.EN_RETARD).groupby(frame["territoire"]).sum().astype(int)
    out = info.join(late.rename("En retard")).join(wide)
    out = out.reset_index().rename(columns={"territoire": "Code", "nom": "Territoire", "vague": "Vague",
                                            "type": "Type", "region": "Région"})
    out["Type"] = out["Type"].map(lambda t: TYPES_TERRITOIRE.get(t, t))
    meta = ("Code", "Vague", "Type", "Région")
    labels = [c for c in out.columns if c not in meta + ("Territoire", "En retard")]
    # who is late reads at a glance: name, count of late indicators, the statuses, then the rest
    out = out[["Territoire", "En retard", *labels, *meta]]
    out[labels] = out[labels].fillna("")  # not in that territory's roadmap
    return out.sort_values(["En retard", "Territoire"], ascending=[False, True]).reset_index(drop=True)


def comptes_statuts(frame: pd.DataFrame) -> pd.DataFrame:
    """Number of (territory, indicator) pairs per status, every status listed in display order."""
    counts = frame["statut"].value_counts()
    return pd.DataFrame({
        "statut": list(status.STATUTS),
        "Statut": [status.affichage(s) for s in status.STATUTS],
        "Nombre": [int(counts.get(s, 0)) for s in status.STATUTS],
    })


def statut_global(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per territory for the map: the dominant status of its roadmap (late when at least a
    quarter of its indicators are late, else the most frequent judged status, the worse one on a
    tie) and its mean progress (each indicator capped at 150 %)."""
    judged = [status.EN_RETARD, status.A_SURVEILLER, status.DANS_LA_TRAJECTOIRE, status.ATTEINT]
    if frame.empty:
        return pd.DataFrame(columns=["territoire", "statut", "avancement_pct", "nb_en_retard", "nb_indicateurs"])
    counts = (frame.groupby(["territoire", "statut"]).size().unstack(fill_value=0)
              .reindex(columns=list(status.STATUTS), fill_value=0))
    total = counts.sum(axis=1)
    late = counts[status.EN_RETARD]
    best_judged = counts[judged].idxmax(axis=1)  # first maximum in `judged` order: the worse on a tie
    unjudged = counts[status.NON_DEMARRE].gt(0).map({True: status.NON_DEMARRE, False: status.NON_RENSEIGNE})
    dominant = best_judged.where(counts[judged].sum(axis=1) > 0, unjudged)
    dominant = dominant.where(~(late >= (total / 4).clip(lower=1)), status.EN_RETARD)
    mean = frame.assign(a=frame["avancement_pct"].clip(upper=150)).groupby("territoire")["a"].mean()
    return pd.DataFrame({
        "territoire": counts.index, "statut": dominant.values, "avancement_pct": mean.reindex(counts.index).values,
        "nb_en_retard": late.values.astype(int), "nb_indicateurs": total.values.astype(int),
    }).reset_index(drop=True)


def trajectoire(history: pd.DataFrame, values: pd.DataFrame, at: str) -> pd.DataFrame:
    """Chart series of one roadmap indicator of one territory: per quarter of the window, the
    expected path, the achieved figure (up to ``at``), the quarterly value, the target, the milestone
    and the projection at the window's end. ``history`` is progress_history() for that indicator
    over its window; ``values`` the derived.quarterly() rows of that indicator."""
    h = history.sort_values("reference").copy()
    h = h[h["reference"] <= h["fin"]]
    quarterly = values.set_index("trimestre")["valeur"] if not values.empty else pd.Series(dtype=float)
    h["valeur_trimestre"] = h["reference"].map(quarterly)
    h["realise_affiche"] = h["realise"].where((h["reference"] <= at) & (h["trimestres_renseignes"] > 0))
    h["libelle"] = h["reference"].map(quarters.label)
    return h[["reference", "libelle", "attendu", "realise_affiche", "valeur_trimestre", "cible",
              "jalon_an1", "projection_fin", "valeur_base", "nature", "sens", "debut", "fin"]]


def totaux_nationaux(frame: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """The national table of a quarter (national.national()) with French column names: figure,
    territories behind it, per 100,000, roadmap progress and the count of territories per status."""
    lib = catalogue.set_index("code")["libelle"]
    # computed figures shown with one decimal at most, like everywhere else (5,5 not 5,464)
    frame = frame.assign(**{c: frame[c].round(1) for c in
                            ("valeur", "pour_100000", "realise_total", "cible_total", "avancement_national_pct")})
    out = pd.DataFrame({
        "Indicateur": frame["indicateur"].map(lib),
        "Unité": frame["unite"],
        "Valeur nationale": frame["valeur"],
        "Territoires renseignés": frame["territoires_renseignes"],
        "Pour 100 000 hab.": frame["pour_100000"],
        "Territoires avec cible": frame["territoires_avec_cible"],
        "Réalisé (feuilles de route)": frame["realise_total"],
        "Cibles cumulées": frame["cible_total"],
        "Avancement national (%)": frame["avancement_national_pct"],
    })
    for code in status.STATUTS:
        out[status.LIBELLES[code]] = frame[f"nb_{code}"]
    out["Définition"] = frame["indicateur"].map(catalogue.set_index("code")["definition"]) if "definition" in catalogue else ""
    return out.reset_index(drop=True)


def completude(con, first: str, last: str) -> pd.DataFrame:
    """Completeness of every active territory for each quarter from ``first`` to ``last``, with the
    quarter's label ("T1 2024") for the heat map."""
    frame = completeness.completeness_history(con, first, last)
    return frame.assign(libelle=frame["trimestre"].map(quarters.label))


def moins_complets(frame: pd.DataFrame, limite: int) -> tuple[pd.DataFrame, int]:
    """The rows of the ``limite`` territories with the lowest mean completeness over the period
    (all of them when there are fewer), least complete first; and the number of territories."""
    mean = frame.groupby("territoire")["taux_completude"].mean().sort_values(kind="stable")
    keep = list(mean.index[:limite])
    order = {code: i for i, code in enumerate(keep)}
    kept = frame[frame["territoire"].isin(keep)]
    kept = kept.assign(_o=kept["territoire"].map(order)).sort_values(["_o", "trimestre"]).drop(columns="_o")
    return kept, len(mean)


def carte_territoires(frame: pd.DataFrame, territoires: pd.DataFrame) -> pd.DataFrame:
    """One row per territory for the map: code, nom, type, membres, statut, avancement_pct."""
    summary = statut_global(frame).rename(columns={"territoire": "code"})
    out = territoires[["code", "nom", "type", "membres"]].merge(summary, on="code", how="inner")
    return out


def progression_territoire(con, territoire: str, at: str, person) -> pd.DataFrame:
    """progress() of one territory at ``at`` with each indicator's label, unit and definition,
    in catalogue order. ``person`` (data.access.Personne) reads a territory outside their scope at
    the default reference quarter only (data.lectures.exiger_trimestre: DetailRefuse otherwise)."""
    lectures.exiger_trimestre(person, territoire, at)
    p = progress.progress(con, at, [territoire])
    cat = lectures.catalogue(con).rename(columns={"code": "indicateur"})[
        ["indicateur", "libelle", "unite", "definition"]]
    return p.merge(cat, on="indicateur", how="left").sort_values("ordre").reset_index(drop=True)


def serie_indicateur(con, territoire: str, indicateur: str, debut: str, fin: str, at: str,
                     person) -> pd.DataFrame:
    """trajectoire() of one roadmap indicator over its window [debut, fin], the projection being
    the one of the reference quarter ``at`` (as on the cards). For a ``person`` outside the
    territory's scope (data.access.Personne), at the default reference quarter only, and without the
    quarterly values: the achieved figure at ``at`` against the expected path and the target."""
    lectures.exiger_trimestre(person, territoire, at)
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


def tableau_serie(series: pd.DataFrame) -> pd.DataFrame:
    """The figures of a trajectory chart as a table (no quarterly column when they were withheld)."""
    table = pd.DataFrame({
        "Trimestre": series["libelle"],
        "Valeur du trimestre": series["valeur_trimestre"],
        "Réalisé": series["realise_affiche"],
        "Chemin attendu": series["attendu"],
        "Cible": series["cible"],
    })
    return table if series["valeur_trimestre"].notna().any() else table.drop(columns="Valeur du trimestre")


def avec_notes(table: pd.DataFrame, series: pd.DataFrame, historique: pd.DataFrame) -> pd.DataFrame:
    """The trajectory table (tableau_serie) with, beside each quarter's value, its comment and
    source ("Commentaire") and the number of former versions replaced ("Révisions"), from
    data.lectures.historique_valeurs (detail: the caller has checked the person)."""
    current = historique[historique["courante"]].set_index("trimestre")
    def note(q):
        if q not in current.index:
            return ""
        row = current.loc[q]
        parts = [str(x) for x in (row["commentaire"],) if isinstance(x, str) and x.strip()]
        if isinstance(row["source"], str) and row["source"].strip():
            parts.append(f"source : {row['source']}")
        return " — ".join(parts)
    former = historique[~historique["courante"]].groupby("trimestre").size()
    out = table.copy()
    out["Commentaire"] = series["reference"].map(note).values
    stored = series["reference"].isin(historique["trimestre"])  # no value, no revision count
    out["Révisions"] = series["reference"].map(former).fillna(0).astype("Int64").where(stored).values
    return out


def comparaison(con, territoire: str, indicateur: str, at: str, person) -> pd.DataFrame:
    """The active territories of the same type as ``territoire`` whose roadmap follows
    ``indicateur``, each over its own roadmap up to ``at`` (the figures of its own cards, nothing
    more): a flow's achieved total per reported quarter (like with like between territories that
    did not report the same number of quarters), a stock's latest level, both per 100,000
    inhabitants; a ratio's rate itself. Outside the national team (``person``), at the default
    reference quarter only (data.lectures.exiger_trimestre_comparaison): at two quarters, the
    difference would give the other territories' quarterly values."""
    lectures.exiger_trimestre_comparaison(person, at)
    terr = lectures.territoires(con)
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


def resume(frame: pd.DataFrame) -> dict:
    """Headline counts of the national page for the (filtered) progress rows."""
    per_territory = frame.assign(silent=frame["statut"] == status.NON_RENSEIGNE).groupby("territoire")["silent"].all()
    return {
        "territoires": int(frame["territoire"].nunique()),
        "objectifs": int(len(frame)),
        "en_retard": int((frame["statut"] == status.EN_RETARD).sum()),
        "silencieux": int(per_territory.sum()),
    }


def options_filtres(p: pd.DataFrame) -> dict:
    """The values each national filter can take, from the (unfiltered) progress rows."""
    regions = sorted({r for rs in p["region"].dropna().unique() for r in rs.split(", ") if r})
    ind = p.drop_duplicates("indicateur").sort_values("ordre")
    return {
        "vagues": sorted(p["vague"].dropna().unique()), "regions": regions,
        "axes": sorted(int(a) for a in ind["axe"].unique()), "priorites": sorted(ind["priorite"].unique()),
        "indicateurs": dict(zip(ind["indicateur"], ind["libelle"])),
    }


def pilotage(con, at: str, filtres: tuple = ()) -> dict:
    """Everything the national page shows for quarter ``at`` and the filters (a tuple of
    (name, values) pairs, hashable so the result can be cached): the headline counts, the status
    counts, the status matrix, one row per territory for the map, and the values each filter can
    take (from the unfiltered rows: call it first without filters, the result is the same), and on
    the unfiltered call only, the national table of national.national()."""
    everything = progression(con, at)
    frame = filtrer(everything, **{k: list(v) for k, v in filtres})
    cat = lectures.catalogue(con)
    return {
        "options": options_filtres(everything),
        "resume": resume(frame),
        "comptes": comptes_statuts(frame),
        "matrice": matrice(frame, dict(zip(cat["code"], cat["libelle"]))),
        "carte": carte_territoires(frame, lectures.territoires(con)),
        # the national totals ignore the filters: computed once, on the unfiltered call, from the
        # progress already at hand (national() would otherwise compute it again)
        "national": national.national(con, at, progress_frame=everything) if not filtres else None,
    }
