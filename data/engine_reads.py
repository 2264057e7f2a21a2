"""The reads of the indicator engine at one reference quarter (indicators/picture.py computes the
national picture from them in numpy): a few grouped passes that hand over small Arrow tables, so
that no text key is joined row by row and no figure is computed twice.

- catalogue(): the indicators, ordered by code (their position is their integer key);
- roadmaps() and targets(): the roadmaps of the territories, and the targets of some of them;
- quarterly_values(): per territory and indicator, its value at each quarter of a range, one column
  a quarter (one grouped pass over the values, no join);
- latest_values(): per active territory and indicator, the value at the quarter, or for a stock
  the latest at or before it, with the territory's population;
- reporting(): per territory, the indicators targeted by its started roadmap and those reported
  at the quarter (as bit masks over the catalogue positions) and the first arrival of its values;
- for the whole national picture from one pass over the values (indicators/tableau.py):
  territories(), arrivals() (the first arrival of each territory's values for the quarter, from
  the quarter's rows only) and, when a stock has no value in the quarters of that pass,
  stocks_before() (its latest value before them).

The SQL is made of constants (table names of data/registre.py); every value from outside goes
through named parameters.
"""

from __future__ import annotations

import warnings

import pyarrow as pa

from core import quarters
from data.registre import CIBLE, DEPOT, FEUILLE_DE_ROUTE, INDICATEUR, TERRITOIRE, VALEUR, VALEUR_HISTORIQUE

_IDX = quarters.sql_index

# reporting() packs the catalogue positions of a territory's indicators into one unsigned 64-bit mask
MASK_BITS = 64


def fetch_arrow(con, sql: str, params: dict | None = None) -> pa.Table:
    """Run ``sql`` with its named parameters and return an Arrow table."""
    # execute() rather than sql(): a caller may have left a result of its own unread, which
    # execute() supersedes and sql() refuses. DuckDB then warns that Arrow output of an execute()
    # result costs a copy; measured, it is still the fastest way (.df() is several times slower on
    # text columns), so that warning is silenced here.
    result = con.execute(sql, params or {})
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)
        return result.to_arrow_table()


def applicable_roadmaps_sql(references: str, territories_filter: str = "true") -> str:
    """SQL relation (territoire, reference, feuille_id, debut, fin): for each territory and each
    quarter of ``references`` (a relation with a ``reference`` column), the roadmap that applies.

    The one whose window contains the quarter, else the latest started before it; when every
    roadmap of the territory starts later, the first of them (progress is then ``non_demarre``).
    ``territories_filter`` is a SQL condition on ``f.territoire`` built from constants."""
    # The preference as one key, greatest first (an aggregate: a window partitioned by territory
    # and quarter costs several times more): started, then containing the quarter, then the latest
    # start among started ones, then the earliest start among the others, then the latest id.
    return f"""
        SELECT territoire, reference, choix.id AS feuille_id, choix.debut, choix.fin FROM (
            SELECT f.territoire, r.reference,
                   arg_max({{'id': f.id, 'debut': f.debut, 'fin': f.fin}},
                           {{'demarre': f.debut <= r.reference, 'en_cours': f.fin >= r.reference,
                             'dernier_demarre': CASE WHEN f.debut <= r.reference THEN f.debut ELSE '' END,
                             'premier': -{_IDX('f.debut')}, 'id': f.id}}) AS choix
            FROM {FEUILLE_DE_ROUTE} f CROSS JOIN {references} r
            WHERE {territories_filter}
            GROUP BY f.territoire, r.reference
        )
    """


def territories_filter_sql(column: str) -> str:
    """SQL condition keeping the territories of $territoires, or every active one when it is NULL."""
    return f"""(CASE WHEN $territoires IS NULL
                    THEN {column} IN (SELECT code FROM {TERRITOIRE} WHERE actif)
                    ELSE list_contains($territoires, {column}) END)"""


def _territories(territoires) -> list[str] | None:
    return None if territoires is None else [str(c) for c in territoires]


def catalogue(con) -> pa.Table:
    """The catalogue ordered by code: code, nature, sens, unite, ordre, composantes, numerateur,
    denominateur."""
    return fetch_arrow(con, f"""
        SELECT code, nature, sens, unite, ordre, composantes, numerateur, denominateur
        FROM {INDICATEUR} ORDER BY code""")


def _scope_sql(column: str, territoires) -> str:
    """SQL condition keeping the territories of $territoires, or every active one when
    ``territoires`` is None: chosen here rather than in SQL, where the planner keeps both branches
    of a CASE (a few milliseconds a statement)."""
    if territoires is None:
        return f"{column} IN (SELECT code FROM {TERRITOIRE} WHERE actif)"
    return f"list_contains($territoires, {column})"


def roadmaps(con, territoires=None) -> pa.Table:
    """Every roadmap of the territories of ``territoires`` (default: every active one), in no
    particular order: territoire, id, debut, fin."""
    return fetch_arrow(con, f"SELECT territoire, id, debut, fin FROM {FEUILLE_DE_ROUTE} f "
                            f"WHERE {_scope_sql('f.territoire', territoires)}",
                       {} if territoires is None else {"territoires": _territories(territoires)})


def targets(con, feuilles: list[int]) -> pa.Table:
    """The targets of the roadmaps ``feuilles``, in no particular order: feuille_id, iid (the
    indicator's position in catalogue()), valeur_base, periode_base, cible, jalon_an1."""
    # integer keys out and no sort: text and ORDER BY cost twice the join itself
    return fetch_arrow(con, f"""
        WITH ids AS (SELECT code, (row_number() OVER (ORDER BY code) - 1)::INTEGER AS iid FROM {INDICATEUR})
        SELECT c.feuille_id, i.iid, c.valeur_base, c.periode_base, c.cible, c.jalon_an1
        FROM {CIBLE} c JOIN ids i ON i.code = c.indicateur
        WHERE c.feuille_id IN (SELECT unnest($feuilles::BIGINT[]))
    """, {"feuilles": feuilles})


def quarterly_values(con, trimestres: list[str], territoires=None) -> pa.Table:
    """Per territory and indicator with a value in ``trimestres`` (consecutive quarters; of
    ``territoires`` only when given): territoire, indicateur, then q0, q1... its value at each
    quarter (empty where not reported). One grouped pass: a column a quarter."""
    columns = ",\n".join(f"max(valeur) FILTER (WHERE trimestre = $q{r}) AS q{r}" for r in range(len(trimestres)))
    scope = "" if territoires is None else "AND list_contains($territoires, territoire)"
    params = {f"q{r}": q for r, q in enumerate(trimestres)}
    params.update({"first": trimestres[0], "last": trimestres[-1]})
    if territoires is not None:
        params["territoires"] = _territories(territoires)
    return fetch_arrow(con, f"""
        SELECT territoire, indicateur, {columns}
        FROM {VALEUR}
        -- constant bounds: the scan drops the other quarters at once
        WHERE trimestre >= $first AND trimestre <= $last {scope}
        GROUP BY territoire, indicateur
    """, params)


def latest_values(con, at: str, stocks: list[str]) -> pa.Table:
    """Per active territory and indicator: territoire, indicateur, valeur and trimestre, the value
    at ``at``, or for a stock (an indicator of ``stocks``) the latest at or before it; and the
    territory's population."""
    # the stock codes as parameters of an IN list: a subquery on the catalogue, or a list
    # parameter, costs a join or a search on every row of the scan
    names = [f"$s{i}" for i in range(len(stocks))]
    older = f"OR indicateur IN ({', '.join(names)})" if stocks else ""
    return fetch_arrow(con, f"""
        SELECT g.territoire, g.indicateur, g.valeur, g.trimestre, t.population
        FROM (
            SELECT territoire, indicateur, arg_max(valeur, trimestre) AS valeur, max(trimestre) AS trimestre
            FROM {VALEUR}
            WHERE trimestre <= $at AND (trimestre = $at {older})
            GROUP BY territoire, indicateur
        ) g
        JOIN {TERRITOIRE} t ON t.code = g.territoire
        WHERE t.actif
    """, {"at": at, **{name[1:]: code for name, code in zip(names, stocks)}})


def first_arrivals_sql(versions: str, key: str) -> str:
    """SQL relation (``key``, premiere_arrivee): per ``key`` of ``versions`` (rows of values, current
    or revised: ``key``, depot_id, enregistre_le), the earliest arrival, dated by its upload
    (depot.recu_le), or by the row's own enregistre_le when no upload is linked."""
    # the earliest row date per upload first: the uploads are then joined for a few thousand
    # (key, upload) pairs, not for every value (an upload's date is the same for all its rows)
    return f"""
        SELECT x.{key}, min(coalesce(d.recu_le, x.enregistre_le)) AS premiere_arrivee
        FROM (SELECT {key}, depot_id, min(enregistre_le) AS enregistre_le FROM {versions} GROUP BY {key}, depot_id) x
        LEFT JOIN {DEPOT} d ON d.id = x.depot_id
        GROUP BY x.{key}
    """


def reporting(con, at: str, codes: list[str], territoires=None) -> pa.Table:
    """Per territory (of ``territoires``, or every active one), ordered by code: territoire, nom,
    cibles (bit i set when the roadmap that applies at ``at``, if started, targets ``codes[i]``;
    empty without a started roadmap, 0 when it targets nothing in ``codes``), renseignes (bit i set
    when ``codes[i]`` has a current value at ``at``), premiere_arrivee (the earliest arrival of any
    of its values for ``at``, current or revised, dated by its upload or else by the row) and
    delai_jours (days from the quarter's end to it). ``codes`` has at most MASK_BITS entries."""
    if len(codes) > MASK_BITS:
        raise ValueError(f"{len(codes)} indicateurs : au plus {MASK_BITS} tiennent dans un masque.")
    refs = "(SELECT $at AS reference)"
    bit = "(1::UBIGINT << (list_position($codes, {}) - 1)::UBIGINT)"
    return fetch_arrow(con, f"""
        WITH terr AS (SELECT code, nom FROM {TERRITOIRE} t WHERE {_scope_sql('t.code', territoires)}),
        fdr AS (
            SELECT territoire, feuille_id
            FROM ({applicable_roadmaps_sql(refs, 'f.territoire IN (SELECT code FROM terr)')})
            -- a roadmap that has not started yet expects nothing
            WHERE debut <= reference
        ),
        cibles AS (
            SELECT f.territoire, coalesce(bit_or({bit.format('c.indicateur')}), 0::UBIGINT) AS cibles
            FROM fdr f LEFT JOIN {CIBLE} c ON c.feuille_id = f.feuille_id
            GROUP BY f.territoire
        ),
        courantes AS (SELECT territoire, indicateur, depot_id, enregistre_le FROM {VALEUR} WHERE trimestre = $at),
        renseignes AS (
            SELECT territoire, bit_or({bit.format('indicateur')}) AS renseignes FROM courantes GROUP BY territoire
        ),
        arrivees AS ({_arrivals_sql('courantes')})
        SELECT t.code AS territoire, t.nom, c.cibles, r.renseignes, a.premiere_arrivee, a.delai_jours
        FROM terr t
        LEFT JOIN cibles c ON c.territoire = t.code
        LEFT JOIN renseignes r ON r.territoire = t.code
        LEFT JOIN arrivees a ON a.territoire = t.code
        ORDER BY t.code
    """, {"at": at, "codes": list(codes), **({} if territoires is None else {"territoires": _territories(territoires)})})


def _arrivals_sql(current: str, history_filter: str = "true") -> str:
    """SQL relation (territoire, premiere_arrivee, delai_jours) of the territories with a value for
    $at: ``current`` (rows of valeur at $at: territoire, depot_id, enregistre_le) and the former
    versions of valeur_historique at $at (of the territories ``history_filter`` keeps)."""
    return f"""
        WITH versions AS (
            SELECT territoire, depot_id, enregistre_le FROM {current}
            UNION ALL
            SELECT territoire, depot_id, enregistre_le FROM {VALEUR_HISTORIQUE} h
            WHERE trimestre = $at AND {history_filter}
        )
        SELECT territoire, premiere_arrivee,
               date_diff('day', {quarters.sql_end_date('$at')}, premiere_arrivee::DATE) AS delai_jours
        FROM ({first_arrivals_sql('versions', 'territoire')})
    """


def _scope_params(territoires) -> dict:
    return {} if territoires is None else {"territoires": _territories(territoires)}


def territories(con, territoires=None) -> pa.Table:
    """The territories of ``territoires`` (default: every active one), ordered by code: territoire,
    nom, population, actif."""
    scope = "actif" if territoires is None else _scope_sql("code", territoires)
    return fetch_arrow(con, f"SELECT code AS territoire, nom, population, actif FROM {TERRITOIRE} "
                            f"WHERE {scope} ORDER BY code", _scope_params(territoires))


def arrivals(con, at: str, territoires=None) -> pa.Table:
    """Per territory with a value for ``at``, current or revised (of ``territoires`` only when
    given), in no particular order: territoire, premiere_arrivee (the earliest arrival, dated by
    its upload or else by the row) and delai_jours (days from the quarter's end to it)."""
    scope = "true" if territoires is None else "list_contains($territoires, territoire)"
    current = f"(SELECT territoire, depot_id, enregistre_le FROM {VALEUR} WHERE trimestre = $at AND {scope})"
    return fetch_arrow(con, _arrivals_sql(current, scope), {"at": at, **_scope_params(territoires)})


def stocks_before(con, before: str, stocks: list[str], territoires: list[str]) -> pa.Table:
    """Per territory of ``territoires`` and indicator of ``stocks`` with a value before quarter
    ``before``: territoire, indicateur, valeur and trimestre, the latest such value."""
    return fetch_arrow(con, f"""
        SELECT territoire, indicateur, arg_max(valeur, trimestre) AS valeur, max(trimestre) AS trimestre
        FROM {VALEUR}
        WHERE trimestre < $before AND list_contains($stocks, indicateur) AND list_contains($territoires, territoire)
        GROUP BY territoire, indicateur
    """, {"before": before, "stocks": list(stocks), "territoires": _territories(territoires)})
