"""What the pages show, shaped once: headline figures, the status matrix, filters, status counts,
a territory's chart series (the territory page's reads are in indicators/territoire.py). Pure pandas over
the engine's frames (no Streamlit)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from data import reads
from data.reads import TYPES_TERRITOIRE
from indicators import completeness, derived, national, noms, progress, status, tableau
from core import quarters
from indicators.declaration import JUGES, cellule_statut, texte_declaration

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


def chiffres_cles(con, at: str, depuis: str | None, territoires=None) -> pd.DataFrame:
    """National headline figures at quarter ``at``: the quarter's value, the previous quarter's, the
    total since ``depuis`` (the first roadmap start), with territories reporting; and the change on
    the previous quarter like for like: over the territories that reported both quarters
    (``territoires_compares``), so that a territory reporting one of them only does not pass for a
    rise or a fall. The headline indicators are flows and sums of flows. ``territoires`` (codes;
    None: every active territory) restricts every figure to those territories."""
    first = min(depuis or at, quarters.shift(at, -1))
    figs = national.figures(con, first, at, territoires)
    figs = figs[figs["indicateur"].isin(CHIFFRES_CLES)]
    rows = []
    previous = quarters.shift(at, -1)
    both = derived.quarterly(con, debut=previous, fin=at, indicateurs=list(CHIFFRES_CLES),
                             territoires=None if territoires is None else [str(c) for c in territoires])
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
    return _progression(con, at, reads.territoires(con), reads.catalogue(con))


def _progression(con, at: str, territoires: pd.DataFrame, catalogue: pd.DataFrame,
                 p: pd.DataFrame | None = None) -> pd.DataFrame:
    """progression() with the territories and the catalogue already read (and the progress, ``p``,
    when at hand)."""
    p = progress.progress(con, at) if p is None else p
    # one hash lookup per key column, then positional takes: several times cheaper than merge (or
    # one map per added column) on 40,000 text keys
    _attach(p, "territoire", territoires.set_index("code"), ("nom", "type", "vague", "region", "population"))
    _attach(p, "indicateur", catalogue.set_index("code"), ("libelle", "axe", "priorite"))
    return p


def _attach(frame: pd.DataFrame, key: str, table: pd.DataFrame, columns: tuple[str, ...]) -> None:
    """Add ``columns`` of ``table`` (indexed by code) to ``frame`` by its ``key`` column, in place,
    as a left join would. When every code is found (the usual case), one hash lookup then a
    positional take per column (Arrow strings stay Arrow); otherwise a map per column."""
    # the codes repeat (1,354 territories for 43,000 rows): each distinct one looked up once
    codes, uniques = pd.factorize(frame[key])
    where = table.index.get_indexer(uniques)[codes] if len(codes) and (codes >= 0).all() else np.array([-1])
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
    """Territory x roadmap indicator: each cell the status as icon and text ("✖ En retard", with
    "· 1/3 trim." when quarters are missing), empty where the indicator is not in the territory's
    roadmap; the territory's short name (its official name in "Nom officiel"); the counts of late
    indicators and of indicators with missing quarters, for sorting. Columns are the indicators'
    labels (``libelles``) in catalogue order."""
    if frame.empty:
        return pd.DataFrame(columns=["Territoire", "En retard", "Incomplets", "Nom officiel", "Code", "Vague",
                                     "Type", "Région"])
    # only the columns each step reads: taking rows of the whole 30-column frame (its text columns
    # above all) cost more than the steps themselves
    cells = frame[["territoire", "indicateur", "statut", "trimestres_renseignes", "trimestres_ecoules"]]
    cells = cells.drop_duplicates(["territoire", "indicateur"])
    wide = _grille(cells, _cellules(cells))
    order = frame[["indicateur", "ordre"]].drop_duplicates("indicateur").sort_values("ordre")["indicateur"]
    wide = wide.reindex(columns=list(order)).rename(columns=libelles)
    info = frame[["territoire", "nom", "vague", "type", "region"]].drop_duplicates("territoire").set_index("territoire")
    by = frame["territoire"]
    late = frame["statut"].eq(status.EN_RETARD).groupby(by).sum().astype(int)
    incomplete = (frame["trimestres_renseignes"] < frame["trimestres_ecoules"]).groupby(by).sum().astype(int)
    out = info.join(late.rename("En retard")).join(incomplete.rename("Incomplets")).join(wide)
    out = out.reset_index().rename(columns={"territoire": "Code", "nom": "Nom officiel", "vague": "Vague",
                                            "type": "Type", "region": "Région"})
    out.insert(0, "Territoire", noms.noms_courts(out["Nom officiel"], out["Type"], out["Code"]))
    out["Type"] = out["Type"].map(lambda t: TYPES_TERRITOIRE.get(t, t))
    meta = ("Nom officiel", "Code", "Vague", "Type", "Région")
    counts = ("En retard", "Incomplets")
    labels = [c for c in out.columns if c not in meta + counts + ("Territoire",)]
    # who is late reads at a glance: name, count of late indicators, the statuses, then the rest
    out = out[["Territoire", *counts, *labels, *meta]]
    out[labels] = out[labels].fillna("")  # not in that territory's roadmap
    return out.sort_values(["En retard", "Territoire"], ascending=[False, True]).reset_index(drop=True)


def _grille(cells: pd.DataFrame, values) -> pd.DataFrame:
    """Territory x indicator frame of ``values`` (one per row of ``cells``), both sorted by code,
    empty where a pair has no row: what ``pivot`` gives, placed by position in one numpy grid
    (pivot cost about twice as much on 43,000 cells)."""
    rows, territoires = pd.factorize(cells["territoire"], sort=True)
    columns, indicateurs = pd.factorize(cells["indicateur"], sort=True)
    grid = np.full((len(territoires), len(indicateurs)), np.nan, dtype=object)
    grid[rows, columns] = values
    return pd.DataFrame(grid, index=pd.Index(territoires, name="territoire"),
                        columns=pd.Index(indicateurs, name="indicateur")).astype("str")


def _cellules(cells: pd.DataFrame):
    """cellule_statut() of every row, computed once per distinct (statut, renseignes, ecoules): a
    few dozen texts for 40,000 cells."""
    keys = cells[["statut", "trimestres_renseignes", "trimestres_ecoules"]]
    groups = keys.groupby(list(keys.columns), sort=False, dropna=False)
    firsts = keys.drop_duplicates()  # in order of first appearance, as ngroup() numbers them with sort=False
    texts = [cellule_statut(*k) for k in firsts.itertuples(index=False)]
    return np.array(texts, dtype=object)[groups.ngroup().to_numpy()] if len(texts) else []


def comptes_statuts(frame: pd.DataFrame) -> pd.DataFrame:
    """Number of (territory, indicator) pairs per status, every status listed in display order."""
    counts = frame["statut"].value_counts()
    return pd.DataFrame({
        "statut": list(status.STATUTS),
        "Statut": [status.affichage(s) for s in status.STATUTS],
        "Nombre": [int(counts.get(s, 0)) for s in status.STATUTS],
    })


COLONNES_CARTE = ["territoire", "statut", "part_trajectoire_pct", "nb_trajectoire", "nb_evalues", "nb_en_retard",
                  "nb_indicateurs", "nb_incomplets", "trimestres_renseignes_min", "trimestres_renseignes_max",
                  "trimestres_ecoules"]


def statut_global(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per territory for the map: the dominant status of its roadmap (late when at least a
    quarter of its indicators are late, else the most frequent judged status, the worse one on a
    tie); the share of its judged indicators that are on or ahead of their path ("dans la
    trajectoire" or "atteint": the same meaning for an indicator to raise or to reduce, where a mean
    of progress rates would count a ceiling's overspend as progress), with both counts; and its
    reporting: indicators with missing quarters, the fewest and most quarters reported among them,
    the quarters elapsed."""
    if frame.empty:
        return pd.DataFrame(columns=COLONNES_CARTE)
    # pairs per territory and status, counted by position (a groupby-unstack cost twice as much)
    rows, territoires = pd.factorize(frame["territoire"], sort=True)
    codes = pd.Categorical(frame["statut"], categories=list(status.STATUTS)).codes
    n = len(status.STATUTS)
    counts = pd.DataFrame(np.bincount(rows * n + codes, minlength=len(territoires) * n).reshape(-1, n),
                          index=pd.Index(territoires, name="territoire"), columns=list(status.STATUTS))
    judged = list(JUGES)
    total = counts.sum(axis=1)
    late = counts[status.EN_RETARD]
    best_judged = counts[judged].idxmax(axis=1)  # first maximum in `judged` order: the worse on a tie
    unjudged = counts[status.NON_DEMARRE].gt(0).map({True: status.NON_DEMARRE, False: status.NON_RENSEIGNE})
    evaluated = counts[judged].sum(axis=1)
    dominant = best_judged.where(evaluated > 0, unjudged)
    dominant = dominant.where(~(late >= (total / 4).clip(lower=1)), status.EN_RETARD)
    on_track = counts[status.DANS_LA_TRAJECTOIRE] + counts[status.ATTEINT]
    share = (100 * on_track / evaluated.where(evaluated > 0)).astype(float)
    counted = frame[["territoire", "trimestres_renseignes"]]
    missing = counted[frame["trimestres_renseignes"] < frame["trimestres_ecoules"]]
    reported = missing.groupby("territoire")["trimestres_renseignes"]
    return pd.DataFrame({
        "territoire": counts.index, "statut": dominant.values, "part_trajectoire_pct": share.values,
        "nb_trajectoire": on_track.values.astype(int), "nb_evalues": evaluated.values.astype(int),
        "nb_en_retard": late.values.astype(int), "nb_indicateurs": total.values.astype(int),
        "nb_incomplets": missing.groupby("territoire").size().reindex(counts.index, fill_value=0).values.astype(int),
        "trimestres_renseignes_min": reported.min().reindex(counts.index).values,
        "trimestres_renseignes_max": reported.max().reindex(counts.index).values,
        "trimestres_ecoules": frame.groupby("territoire")["trimestres_ecoules"].max().reindex(counts.index).values,
    }).reset_index(drop=True)


def trajectoire(history: pd.DataFrame, values: pd.DataFrame, at: str) -> pd.DataFrame:
    """Chart series of one roadmap indicator of one territory: per quarter of the window, the
    expected path, the achieved figure (at the quarters reported up to ``at``, empty at the others),
    whether the quarter is elapsed and reported, the quarterly value, the target, the milestone
    and the projection at the window's end. ``history`` is progress_history() for that indicator
    over its window; ``values`` the derived.quarterly() rows of that indicator."""
    h = history.sort_values("reference").copy()
    h = h[h["reference"] <= h["fin"]]
    quarterly = values.set_index("trimestre")["valeur"] if not values.empty else pd.Series(dtype=float)
    h["valeur_trimestre"] = h["reference"].map(quarterly)
    # a quarter was reported when the count of reported quarters grew there (known even when the
    # quarterly values are withheld); the achieved line is drawn at reported quarters only, with
    # gaps elsewhere: it never runs flat through a quarter as if nothing had been done
    count = h["trimestres_renseignes"].fillna(0)
    h["ecoule"] = h["reference"] <= at
    h["renseigne"] = h["ecoule"] & count.diff().fillna(count).gt(0)
    h["realise_affiche"] = h["realise"].where(h["renseigne"])
    h["libelle"] = h["reference"].map(quarters.label)
    return h[["reference", "libelle", "attendu", "realise_affiche", "valeur_trimestre", "cible",
              "jalon_an1", "projection_fin", "valeur_base", "nature", "sens", "debut", "fin", "ecoule",
              "renseigne"]]


def totaux_nationaux(frame: pd.DataFrame, catalogue: pd.DataFrame, *, arrondi: bool = True) -> pd.DataFrame:
    """The national table of a quarter (national.national()) with French column names: figure,
    territories behind it, per 100,000, roadmap progress and the count of territories per status.
    ``arrondi``: computed figures to one decimal, as shown on screen; False for the downloads,
    which keep full precision behind a display format (8,98 %, not 9)."""
    lib = catalogue.set_index("code")["libelle"]
    if arrondi:  # computed figures shown with one decimal at most, like everywhere else (5,5 not 5,464)
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


_COLONNES_DECLARATION = ["nb_incomplets", "nb_indicateurs", "trimestres_renseignes_min", "trimestres_renseignes_max",
                         "trimestres_ecoules"]


def carte_territoires(frame: pd.DataFrame, territoires: pd.DataFrame) -> pd.DataFrame:
    """One row per territory for the map: code, nom, type, membres, then the columns of
    statut_global() and ``declaration``, its incomplete reporting in words ('' when complete)."""
    summary = statut_global(frame).rename(columns={"territoire": "code"})
    out = territoires[["code", "nom", "type", "membres"]].merge(summary, on="code", how="inner")
    # plain dicts, not iterrows(): a Series per row cost 0.1 s for every EPCI of France
    out["declaration"] = ([texte_declaration(r) for r in out[_COLONNES_DECLARATION].to_dict("records")]
                          if len(out) else pd.Series(dtype=object))
    return out


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


def resume(frame: pd.DataFrame) -> dict:
    """Headline counts of the national page for the (filtered) progress rows."""
    per_territory = (frame["statut"] == status.NON_RENSEIGNE).groupby(frame["territoire"]).all()
    missing = frame["trimestres_renseignes"] < frame["trimestres_ecoules"]
    late = frame["statut"] == status.EN_RETARD
    return {
        "territoires": int(frame["territoire"].nunique()),
        "objectifs": int(len(frame)),
        "en_retard": int(late.sum()),
        # late on a realised figure that leaves out unreported quarters: may be late in reporting only
        "en_retard_incomplets": int((late & missing).sum()),
        "silencieux": int(per_territory.sum()),
        "incomplets": int(frame.loc[missing, "territoire"].nunique()),
    }


def options_filtres(p: pd.DataFrame) -> dict:
    """The values each national filter can take, from the (unfiltered) progress rows."""
    regions = sorted({r for rs in p["region"].dropna().unique() for r in rs.split(", ") if r})
    ind = p[["indicateur", "ordre", "libelle", "axe", "priorite"]].drop_duplicates("indicateur").sort_values("ordre")
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
    the unfiltered call only, the national table of national.national().

    The unfiltered call computes the whole national picture from one read of the values
    (tableau.tableau_national(): progress, national table and completeness at ``at``; the page
    shows the completeness over several quarters, completude(), so that part is not handed
    over); a filtered one, the progress only."""
    # the territories and the catalogue read once for the whole page
    cat, territoires = reads.catalogue(con), reads.territoires(con)
    picture = None if filtres else tableau.tableau_national(con, at)
    everything = _progression(con, at, territoires, cat, None if picture is None else picture[0])
    frame = filtrer(everything, **{k: list(v) for k, v in filtres})
    return {
        "options": options_filtres(everything),
        "resume": resume(frame),
        "comptes": comptes_statuts(frame),
        "matrice": matrice(frame, {c: noms.libelle_matrice(c, lib) for c, lib in zip(cat["code"], cat["libelle"])}),
        "carte": carte_territoires(frame, territoires),
        # the national totals ignore the filters: computed once, on the unfiltered call, with the
        # progress, from the same read
        "national": None if picture is None else picture[1],
    }
