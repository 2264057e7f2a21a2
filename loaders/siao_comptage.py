"""Counting a checked SI-SIAO extract (``siao_chk``, loaders/siao.py) into the quarter's indicators,
set-wise in DuckDB, per territory and quarter (format-siao.md, "What is computed").

A request counts in every registered territory that contains its commune: the commune itself, its
EPCI, its département, and any joint bid (groupement) one of whose codes is one of those. The
requests are first counted per commune and quarter (a few thousand rows whatever the size of the
extract), then summed per territory; distinct persons are counted per territory from the distinct
(commune, quarter, person) of the few requests concerned, since a person may have several.

Only quarters wholly inside the extraction period are counted and stored; a territory with at
least one request in the extract gets its six values for each of those quarters (a 0 there is a
real count). Requests outside every territory, outside the uploader's scope, or in a quarter the
period only partly covers are counted apart, for the counting report (loaders/siao_rapport.py),
each request in exactly one of its rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from core import quarters
from core.formatting import integer
from loaders.problems import Problem
from loaders.siao_rapport import Comptage

SOURCE = "extrait SI-SIAO"  # the source stored beside every value counted from an extract
LOGEMENT = ("logement", "logement_adapte")  # orientations "to housing"
INDICATEURS = ("siao_demandes_hebergement", "siao_reponses_positives", "siao_orientations_logement",
               "demandes_115", "demandes_115_non_pourvues", "sorties_rue_logement")
_CITES = 5  # communes or territories named in a warning


def premier_jour(quarter: str) -> dt.date:
    return dt.date(int(quarter[:4]), 3 * int(quarter[6]) - 2, 1)


def trimestres_complets(du: dt.date, au: dt.date) -> tuple[list[str], list[str]]:
    """(quarters wholly inside [du, au], the other quarters it touches)."""
    complete, partial = [], []
    for q in quarters.quarter_range(quarters.of_date(du), quarters.of_date(au)):
        (complete if premier_jour(q) >= du and quarters.end_date(q) <= au else partial).append(q)
    return complete, partial


@dataclass
class Compte:
    valeurs: int  # how many values ``siao_valeurs`` holds (the values layout, with ti and cle)
    comptage: Comptage
    avertissements: list[Problem]


def _index(column: str) -> str:
    """SQL: the running quarter index (core.quarters.to_index) of a DATE column."""
    return f"(year({column}) * 4 + quarter({column}) - 1)"


def grouper(con: duckdb.DuckDBPyConnection, wrong: str, params: dict) -> None:
    """``siao_groupes``: the requests of ``siao_lu`` per commune, quarter of the request (qd) and
    quarter of the issue (qi, running indexes), with the count of each indicator, of the rows that
    may break a rule (``wrong``, with its ``params``: loaders.siao.sentinelle), the first and last
    dates, and the digests of the persons oriented from the street to housing. One pass over the rows."""
    housing = "issue = 'orientation' AND dispositif IN ('logement', 'logement_adapte')"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE siao_groupes AS
        SELECT commune, {_index('date_demande')} AS qd, {_index('date_issue')} AS qi, count(*) AS n,
               count(*) FILTER (WHERE {wrong}) AS mauvaises,
               count(*) FILTER (WHERE volet = 'insertion') AS siao_demandes_hebergement,
               count(*) FILTER (WHERE volet = 'insertion' AND issue = 'orientation') AS siao_reponses_positives,
               count(*) FILTER (WHERE volet = '115') AS demandes_115,
               count(*) FILTER (WHERE volet = '115' AND issue = 'non_pourvue') AS demandes_115_non_pourvues,
               count(*) FILTER (WHERE {housing}) AS siao_orientations_logement,
               list(personne) FILTER (WHERE {housing} AND situation_avant = 'rue') AS personnes,
               min(date_demande) AS dmin, max(date_demande) AS dmax, min(date_issue) AS dimin,
               max(date_issue) AS dimax
        FROM siao_lu GROUP BY ALL""", params)


def compter(con: duckdb.DuckDBPyConnection, periode, allowed: set[str] | None) -> Compte:
    """Count ``siao_groupes`` (with ``siao_ref_commune`` and ``siao_ref_territoire``) over
    ``periode`` (du, au given), for the territories of ``allowed`` (None: all)."""
    complete, _partial = trimestres_complets(periode.du, periode.au)
    indexes = [quarters.to_index(q) for q in complete]
    # per commune and quarter of the request, every count by date_demande
    con.execute("""CREATE OR REPLACE TEMP TABLE siao_cq AS
        SELECT commune, qd AS ti, sum(n) AS n, sum(siao_demandes_hebergement) AS siao_demandes_hebergement,
               sum(siao_reponses_positives) AS siao_reponses_positives, sum(demandes_115) AS demandes_115,
               sum(demandes_115_non_pourvues) AS demandes_115_non_pourvues
        FROM siao_groupes GROUP BY ALL""")
    con.execute("""CREATE OR REPLACE TEMP TABLE siao_appart AS
        SELECT DISTINCT f.commune, t.code AS territoire
        FROM (SELECT DISTINCT commune FROM siao_cq) f
        JOIN siao_ref_commune c ON c.code = f.commune
        JOIN siao_ref_territoire t
          ON list_has_any(list_prepend(t.code, t.membres), [c.code, c.epci, c.departement])""")
    scope = sorted(allowed) if allowed is not None else None
    con.execute("CREATE OR REPLACE TEMP TABLE siao_dans AS SELECT * FROM siao_appart"
                " WHERE $s::VARCHAR[] IS NULL OR list_contains($s::VARCHAR[], territoire)", {"s": scope})
    params = {"q": indexes, "i": list(INDICATEURS)}
    base = ", ".join(INDICATEURS[i] for i in (0, 1, 3, 4))
    con.execute(f"""CREATE OR REPLACE TEMP TABLE siao_valeurs AS
        WITH grille AS (
            SELECT t.territoire, q.ti, i.indicateur
            FROM (SELECT DISTINCT territoire FROM siao_dans) t,
                 (SELECT unnest($q::INTEGER[]) AS ti) q,
                 (SELECT unnest($i::VARCHAR[]) AS indicateur) i),
        longue AS (UNPIVOT (SELECT commune, ti, {base} FROM siao_cq) ON {base}
                   INTO NAME indicateur VALUE valeur),
        sommes AS (
            SELECT d.territoire, c.ti, c.indicateur, sum(c.valeur) AS valeur
            FROM longue c JOIN siao_dans d USING (commune) GROUP BY ALL
            UNION ALL
            SELECT d.territoire, g.qi, 'siao_orientations_logement', sum(g.siao_orientations_logement)
            FROM siao_groupes g JOIN siao_dans d USING (commune) WHERE g.qi IS NOT NULL GROUP BY ALL
            UNION ALL
            SELECT d.territoire, p.qi, 'sorties_rue_logement', count(DISTINCT p.personne)
            FROM (SELECT commune, qi, unnest(personnes) AS personne FROM siao_groupes
                  WHERE len(personnes) > 0) p
            JOIN siao_dans d USING (commune) GROUP BY ALL)
        SELECT g.territoire, g.indicateur, {quarters.sql_from_index('g.ti')} AS trimestre,
               coalesce(s.valeur, 0)::DOUBLE AS valeur,
               NULL::VARCHAR AS commentaire, '{SOURCE}' AS source, NULL::INTEGER AS ligne,
               NULL::VARCHAR AS colonne, g.ti::INTEGER AS ti,
               dense_rank() OVER (ORDER BY g.territoire, g.indicateur) * 65536 + g.ti AS cle
        FROM grille g LEFT JOIN sommes s USING (territoire, ti, indicateur)
        ORDER BY 1, 2, 3""", params)
    con.execute("CREATE OR REPLACE TEMP VIEW siao_cles AS SELECT cle, ti, valeur FROM siao_valeurs")
    n = con.execute("SELECT count(*) FROM siao_valeurs").fetchall()[0][0]
    comptage = _comptage(con, periode, complete, indexes, scope)
    return Compte(n, comptage, _avertissements(con, comptage, scope))


# each request of siao_cq in one category of the partition (loaders.siao_rapport.Comptage): its
# quarter decides first, then its commune
_CATEGORIE = """CASE WHEN NOT list_contains($q::INTEGER[], c.ti) THEN 'partiel'
                     WHEN c.commune NOT IN (SELECT commune FROM siao_appart) THEN 'hors_territoires'
                     WHEN c.commune NOT IN (SELECT commune FROM siao_dans) THEN 'hors_perimetre'
                     ELSE 'comptee' END"""


def _comptage(con: duckdb.DuckDBPyConnection, periode, complete: list[str], indexes: list[int], scope) -> Comptage:
    counted = Comptage(periode.du, periode.au, trimestres=list(complete), national=scope is None)
    q = {"q": indexes}
    con.execute(f"""CREATE OR REPLACE TEMP TABLE siao_categories AS
        SELECT {_CATEGORIE} AS categorie, c.commune, c.ti, c.n FROM siao_cq c""", q)
    for categorie, ti, n in con.execute("SELECT categorie, ti, sum(n) FROM siao_categories GROUP BY 1, 2").fetchall():
        if categorie == "partiel":
            counted.partiels[quarters.from_index(ti)] = int(n)
        elif categorie == "hors_territoires":
            counted.hors_territoires += int(n)
        elif categorie == "hors_perimetre":
            counted.hors_perimetre += int(n)
        else:
            counted.comptees += int(n)
    counted.partiels = dict(sorted(counted.partiels.items()))
    counted.demandes = counted.comptees + counted.hors_territoires + counted.hors_perimetre + sum(counted.partiels.values())
    counted.par_territoire = {t: int(n) for t, n in con.execute(
        """SELECT d.territoire, sum(c.n) FROM siao_categories c JOIN siao_dans d USING (commune)
           WHERE c.categorie = 'comptee' GROUP BY 1 ORDER BY 1""").fetchall()}
    counted.noms = dict(con.execute(
        "SELECT code, nom FROM siao_ref_territoire WHERE code IN (SELECT territoire FROM siao_appart)").fetchall())
    # the territories stored: how many of their communes the extract holds, of how many
    counted.couverture = {t: (int(found), int(total)) for t, found, total in con.execute(
        """WITH presentes AS (
               SELECT d.territoire, count(DISTINCT c.commune) AS n FROM siao_categories c
               JOIN siao_dans d USING (commune) WHERE c.categorie = 'comptee' GROUP BY 1)
           SELECT p.territoire, p.n, count(*) FROM presentes p
           JOIN siao_ref_territoire t ON t.code = p.territoire
           JOIN siao_ref_commune r ON list_has_any(list_prepend(t.code, t.membres), [r.code, r.epci, r.departement])
           GROUP BY 1, 2 ORDER BY 1""").fetchall()}
    return counted


def _cites(items: list[str], total: int) -> str:
    return ", ".join(items) + (" …" if total > len(items) else "")


def _avertissements(con: duckdb.DuckDBPyConnection, counted: Comptage, scope) -> list[Problem]:
    """The warnings of a counted extract: requests apart (of the quarters stored: those of a
    quarter partly covered are said once, with their quarter), quarters partly covered."""
    found = []
    if counted.hors_territoires:
        communes = [c for (c,) in con.execute(
            f"""SELECT commune FROM siao_categories WHERE categorie = 'hors_territoires'
                GROUP BY 1 ORDER BY sum(n) DESC, 1 LIMIT {_CITES + 1}""").fetchall()]
        found.append(Problem("siao-hors-territoires", params={
            "n": integer(counted.hors_territoires), "communes": _cites(communes[:_CITES], len(communes))}))
    if counted.hors_perimetre:
        # the territories of these requests only: not those of requests also in the uploader's own
        others = [f"{t} ({counted.noms.get(t, t)})" for t, _n in con.execute(
            f"""SELECT a.territoire, sum(c.n) FROM siao_categories c JOIN siao_appart a USING (commune)
                WHERE c.categorie = 'hors_perimetre' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT {_CITES + 1}""").fetchall()]
        found.append(Problem("siao-hors-perimetre", params={
            "n": integer(counted.hors_perimetre), "territoires": _cites(others[:_CITES], len(others))}))
    for q, n in counted.partiels.items():
        found.append(Problem("siao-trimestre-partiel", params={
            "trimestre": quarters.label(q), "n": integer(n), "du": f"{counted.du:%d/%m/%Y}",
            "au": f"{counted.au:%d/%m/%Y}"}))
    return found


def par_indicateur_et_trimestre(lignes):
    """A preview (data.preview.Apercu.lignes: statut, indicateur, trimestre...) summed per indicator
    and quarter: how many territories' values are new, revised and unchanged (pandas)."""
    import pandas as pd

    statuts = ("nouvelle", "revisee", "inchangee")
    if not len(lignes):
        return pd.DataFrame(columns=["indicateur", "trimestre", *statuts])
    table = (lignes.groupby(["indicateur", "trimestre", "statut"]).size().unstack("statut", fill_value=0)
             .reindex(columns=list(statuts), fill_value=0).reset_index())
    order = {code: i for i, code in enumerate(INDICATEURS)}
    table["ordre"] = table["indicateur"].map(order)
    return table.sort_values(["trimestre", "ordre"]).drop(columns="ordre").reset_index(drop=True)
