"""Validation of quarterly values (long or wide layout), set-wise in DuckDB."""

from __future__ import annotations

import datetime as dt

import duckdb

from data import store
from data.uploads import LotEnPlace
from core import quarters
from core.parameters import PREMIERE_ANNEE_ACCEPTEE
from loaders.headers import LONG, VALUES, Layout, key
from loaders.problems import Problem, Report
from loaders.reading import RawTable, exact_row_count
from loaders.reference_data import ReferenceData
from loaders.rules import (perimetre, VIDE, Regle, appliquer, code_connu, code_dans_table, entier, hors, nombre, obligatoire,
                            positif, trimestre, trimestre_depuis, trimestre_jusqu_a)
from loaders.validation import Validated, collect, sql_text

DERIVES = ("somme", "ratio")  # computed indicators: never sent




def _long_sql(raw: RawTable, layout: Layout, source: str = "brut") -> str:
    pos = layout.positions

    def col(name: str) -> str:
        return f"c{pos[name]}" if name in pos else "NULL"

    header = raw.header
    if layout.layout == LONG:
        return f"""
            SELECT ligne, {col('code_territoire')} AS territoire_brut, {col('indicateur')} AS indicateur_brut,
                   {col('trimestre')} AS trimestre_brut, {col('valeur')} AS valeur_brut,
                   {col('commentaire')} AS commentaire, {col('source')} AS source,
                   {sql_text(header[pos['valeur']])} AS colonne_valeur, {pos['valeur']} AS col
            FROM {source}"""
    parts = []
    for i, name in layout.indicator_columns.items():
        parts.append(
            f"""SELECT ligne, {col('code_territoire')} AS territoire_brut, {sql_text(name)} AS indicateur_brut,
                   {col('trimestre')} AS trimestre_brut, c{i} AS valeur_brut,
                   NULL::VARCHAR AS commentaire, NULL::VARCHAR AS source, {sql_text(name)} AS colonne_valeur,
                   {i} AS col
            FROM {source}"""
        )
    return " UNION ALL ".join(parts)


def _wide_header_problems(raw: RawTable, layout: Layout, ref: ReferenceData) -> tuple[list[Problem], dict[int, str]]:
    """Wide layout: every extra column must be a base indicator; returns (problems, usable columns)."""
    natures = dict(zip(ref.indicateurs["code"], ref.indicateurs["nature"]))
    by_key = {key(c): c for c in natures}
    problems, usable = [], {}
    for i, name in layout.indicator_columns.items():
        if not name.strip():
            continue
        code = by_key.get(key(name))
        if code is None:
            problems.append(Problem("colonne-inconnue", line=raw.header_line, column=name,
                                    params={"suggestion": ref.suggest_indicator(name)}))
        elif natures[code] in ("somme", "ratio"):
            problems.append(Problem("indicateur-derive", line=raw.header_line, column=name, value=name,
                                    params={"nature": natures[code], "bases": ref.derived_bases(code)}))
        else:
            usable[i] = code
    return problems, usable


def _dictionaries(con: duckdb.DuckDBPyConnection, current: str, scoped: bool, from_file: bool) -> None:
    """The spellings of the key columns, each parsed and looked up once (a file has a few quarters
    and indicators and at most some thousand territories), with whether it passes its rules; and
    the numbered reference (num_t, num_i, num_q) the batch's texts come back from.

    With ``from_file``, the spellings are the distinct ones of ``longue_tout``; else the canonical
    ones of the reference (codes as registered, quarters 2024-T1 of the accepted range, the wide
    layout's column names), which a well-formed file uses throughout: that saves a pass over the
    file per key column, and a row spelled otherwise is found unmatched (validate_values then
    builds the dictionaries from the file). Expects ref_territoire, ref_indicateur, ref_wide, and
    perimetre when ``scoped``."""
    first = f"{PREMIERE_ANNEE_ACCEPTEE}-T1"
    con.execute("CREATE OR REPLACE TEMP TABLE num_t AS"
                " SELECT code, CAST(row_number() OVER (ORDER BY code) AS INTEGER) AS t_id FROM ref_territoire")
    con.execute("CREATE OR REPLACE TEMP TABLE num_i AS"
                " SELECT code, nature, unite, CAST(row_number() OVER (ORDER BY code) AS INTEGER) AS i_id FROM ref_indicateur")
    if from_file:
        spellings = {column: f"SELECT DISTINCT {column} FROM longue_tout"
                     for column in ("trimestre_brut", "indicateur_brut", "territoire_brut")}
    else:
        span = f"range({quarters.to_index(first)}, {quarters.to_index(current) + 1})"
        spellings = {
            "trimestre_brut": f"SELECT {quarters.sql_from_index('range')} AS trimestre_brut FROM {span}",
            "indicateur_brut": "SELECT code AS indicateur_brut FROM ref_indicateur UNION SELECT nom FROM ref_wide",
            "territoire_brut": "SELECT code AS territoire_brut FROM ref_territoire",
        }
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dico_q AS
        SELECT trimestre_brut, trimestre, CASE WHEN trimestre IS NOT NULL THEN {quarters.sql_index("trimestre")} END AS ti,
               coalesce(trimestre <= '{current}' AND trimestre >= '{first}', false) AS ok
        FROM (SELECT trimestre_brut, lda_trimestre(trimestre_brut) AS trimestre
              FROM ({spellings["trimestre_brut"]}))"""
    )
    con.execute("CREATE OR REPLACE TEMP TABLE num_q AS SELECT DISTINCT ti, trimestre FROM dico_q WHERE ti IS NOT NULL")
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dico_i AS
        SELECT b.indicateur_brut, n.indicateur, i.nature, i.unite, i.i_id,
               coalesce(i.nature NOT IN ('somme', 'ratio'), false) AS ok, coalesce(i.unite, '') = '%' AS pct
        FROM ({spellings["indicateur_brut"]}) b
        LEFT JOIN ref_wide w ON w.nom = b.indicateur_brut
        CROSS JOIN LATERAL (SELECT coalesce(w.code, lower(trim(b.indicateur_brut))) AS indicateur) n
        LEFT JOIN num_i i ON i.code = n.indicateur"""
    )
    scope = " AND n.territoire IN (SELECT code FROM perimetre)" if scoped else ""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE dico_t AS
        SELECT b.territoire_brut, n.territoire, t.t_id, t.t_id IS NOT NULL{scope} AS ok
        FROM ({spellings["territoire_brut"]}) b
        CROSS JOIN LATERAL (SELECT trim(b.territoire_brut) AS territoire) n
        LEFT JOIN num_t t ON t.code = n.territoire"""
    )


def _value_dictionary(con: duckdb.DuckDBPyConnection) -> None:
    """The distinct values as written, each parsed once: a file of counts repeats the same few
    thousand numbers."""
    con.execute(
        """CREATE OR REPLACE TEMP TABLE dico_v AS
        SELECT valeur_brut, lda_nr_net(v) AS non_renseigne, lda_nombre_net(v) AS valeur
        FROM (SELECT valeur_brut, trim(valeur_brut) AS v FROM (SELECT DISTINCT valeur_brut FROM longue_tout))"""
    )


def validate_values(
    raw: RawTable,
    layout: Layout,
    ref: ReferenceData,
    con: duckdb.DuckDBPyConnection,
    report: Report,
    allowed_territories: set[str] | None = None,
    today: dt.date | None = None,
    *,
    in_place: bool = False,
) -> Validated:
    """Check every row of a values file; the valid rows become the batch when there is no error:
    an Arrow table, or with ``in_place`` the temporary relation ``lot_valide`` of ``con``."""
    result = Validated(raw, VALUES, layout.layout, report)
    if layout.layout != LONG:
        problems, usable = _wide_header_problems(raw, layout, ref)
        report.extend(problems)
        layout.indicator_columns = {i: n for i, n in layout.indicator_columns.items() if i in usable}
        wide_codes = {raw.header[i]: code for i, code in usable.items()}
        if not usable:
            return result
    else:
        wide_codes = {}
    store.register(con, "ref_territoire", ref.territoires[["code", "nom"]])
    store.register(con, "ref_indicateur", ref.indicateurs[["code", "nature", "unite"]])
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ref_wide AS SELECT * FROM (VALUES ('', '')) t(nom, code) WHERE false"
    )
    if wide_codes:
        con.executemany("INSERT INTO ref_wide VALUES (?, ?)", list(wide_codes.items()))
    current = quarters.current(today)
    h = raw.header
    pos = layout.positions
    col_t, col_q = h[pos["code_territoire"]], h[pos["trimestre"]]
    col_i = h[pos["indicateur"]] if "indicateur" in pos else None
    # Keys and values repeat a lot (a few quarters and indicators, some thousand territories and
    # numbers per file): each is parsed and looked up once per distinct spelling (_dictionaries,
    # _value_dictionary), then joined back. Each valid key also gets an integer (territory,
    # indicator, quarter index), so that checking duplicates and finding the previous quarter are
    # integer operations.
    con.execute(f"CREATE OR REPLACE TEMP VIEW longue AS {_long_sql(raw, layout)}")
    # the distinct spellings are read from the rows unfiltered (a blank row only adds a spelling
    # nobody joins to): the blank-row filter of ``brut`` then runs once, not once per key column
    con.execute(f"CREATE OR REPLACE TEMP VIEW longue_tout AS {_long_sql(raw, layout, 'brut_tout')}")
    allowed = sorted(allowed_territories) if allowed_territories is not None else None
    perimetre(con, allowed_territories)
    _value_dictionary(con)
    n_ind = len(ref.indicateurs) + 1
    joins = """
        FROM longue v
        LEFT JOIN dico_v n ON n.valeur_brut IS NOT DISTINCT FROM v.valeur_brut
        LEFT JOIN dico_q q ON q.trimestre_brut IS NOT DISTINCT FROM v.trimestre_brut
        LEFT JOIN dico_i i ON i.indicateur_brut IS NOT DISTINCT FROM v.indicateur_brut
        LEFT JOIN dico_t t ON t.territoire_brut IS NOT DISTINCT FROM v.territoire_brut"""
    # What a clean file needs, numbers mostly: the line, the value's column, the parsed value, the
    # key as ids (territory, indicator, quarter index) and as one integer (consecutive quarters of a
    # series differ by one), and whether the key's parts pass their rules (known territory within the
    # scope, base indicator, quarter neither future nor too old). The texts are joined back by id
    # for the batch, and the cells as written are copied only when a problem must quote them.
    narrow = f"""
        v.ligne, v.col, nullif(trim(v.commentaire), '') AS commentaire, nullif(trim(v.source), '') AS source,
        n.non_renseigne, n.valeur,
        t.t_id, i.i_id, q.ti, (t.t_id * {n_ind} + i.i_id)::BIGINT * 65536 + q.ti AS cle,
        coalesce(t.ok AND i.ok AND q.ok, false) AS cles_ok, i.pct"""
    valid = "valeur IS NOT NULL AND cle IS NOT NULL"

    def check(from_file: bool) -> tuple[int, ...]:
        """chk over dictionaries of the reference's spellings or of the file's; one pass then counts
        everything the clean path needs, and the rows whose key the dictionaries lack."""
        _dictionaries(con, current, allowed is not None, from_file)
        con.execute(f"CREATE OR REPLACE TEMP TABLE chk AS SELECT {narrow} {joins}")
        return con.execute(
            f"""
            SELECT count(*) FILTER (
                     WHERE NOT cles_ok OR (NOT non_renseigne AND valeur IS NULL) OR valeur < 0
                        OR (valeur <> floor(valeur) AND NOT pct)),
                   count(*),
                   count(*) FILTER (WHERE {valid}), count(DISTINCT cle) FILTER (WHERE {valid}),
                   count(*) FILTER (WHERE non_renseigne AND t_id IS NOT NULL),
                   count(*) FILTER (WHERE t_id IS NULL OR i_id IS NULL OR ti IS NULL)
            FROM chk
            """
        ).fetchall()[0]

    bad, rows, n_valid, n_keys, non_renseignees, unmatched = check(from_file=False)
    if unmatched:  # a spelling the reference lacks (unknown, or not canonical): the file's own
        bad, rows, n_valid, n_keys, non_renseignees, _ = check(from_file=True)
    full = []

    def full_chk() -> None:
        """chk with the cells as written and the texts, which the detailed rules quote."""
        if not full:
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE chk AS
                SELECT {narrow}, v.territoire_brut, v.indicateur_brut, v.trimestre_brut, v.valeur_brut,
                       v.colonne_valeur, t.territoire, t.t_id IS NOT NULL AS territoire_connu,
                       i.indicateur, i.nature, i.unite, q.trimestre
                {joins}"""
            )
            full.append(True)
    if layout.layout == LONG:  # one row of chk per non-blank row of the file
        exact_row_count(raw, con, rows)
    result.non_renseignees = non_renseignees
    if bad:  # the detailed rules run only when some row is wrong
        full_chk()
        appliquer(con, report, _regles(con, ref, current, allowed, col_i is not None), "chk",
                  {"code_territoire": col_t, "indicateur": col_i, "trimestre": col_q})
    if n_valid != n_keys:
        full_chk()  # contradictions quote the cells as written
    # the file's column of each value: one in the long layout, one per indicator in the wide one
    columns = {pos["valeur"]: h[pos["valeur"]]} if layout.layout == LONG else layout.indicator_columns
    _keep_batch(con, columns, valid, unique=n_valid == n_keys)
    if n_valid != n_keys and con.execute("SELECT count(*) FROM lot_valide WHERE conflit").fetchall()[0][0]:
        _duplicates(con, report)
    if report.ok and in_place:
        result.batch_table = LotEnPlace("lot_valide", "lot_cles")
    elif report.ok:
        result.batch = con.sql(
            "SELECT territoire, indicateur, trimestre, valeur, commentaire, source, ligne, colonne, ti, cle FROM lot_valide"
        ).to_arrow_table()
    return result


def _regles(con: duckdb.DuckDBPyConnection, ref: ReferenceData, current: str, allowed: list[str] | None,
            with_indicator: bool) -> list[Regle]:
    """The cell rules of a values file over the full ``chk`` (each key cell as written
    ``<key>_brut`` and looked up, the value as written ``valeur_brut``, parsed ``valeur``, and
    its column ``colonne_valeur``: one per indicator in the wide layout)."""
    first_year = PREMIERE_ANNEE_ACCEPTEE
    territoire = {"cellule": "territoire_brut", "forme": "territoire"}
    regles = [
        obligatoire("code_territoire", VIDE, **territoire),
        code_connu("code_territoire", "territoire-inconnu", "territoire_connu", VIDE, **territoire,
                   details=lambda r: {"suggestion": ref.suggest_territory(r["valeur"])}),
    ]
    if allowed is not None:
        names = ref.territory_names()
        perimetre = ", ".join(f"{c} ({names.get(c, c)})" for c in allowed) or "aucun territoire"
        regles.append(code_dans_table("code_territoire", "territoire-hors-perimetre", "perimetre",
                                      si="territoire_connu", **territoire, details=lambda r: {"perimetre": perimetre}))
    if with_indicator:  # the long layout's column (the wide one names the indicators in its header)
        natures = dict(zip(ref.indicateurs["code"], ref.indicateurs["nature"]))

        def derived(r: dict) -> dict:
            code = str(r["valeur"]).strip().lower()
            return {"nature": natures[code], "bases": ref.derived_bases(code)}
        regles += [
            obligatoire("indicateur"),
            code_connu("indicateur", "indicateur-inconnu", "nature IS NOT NULL",
                       details=lambda r: {"suggestion": ref.suggest_indicator(r["valeur"])}),
            hors("indicateur", "indicateur-derive", DERIVES, forme="nature", details=derived),
        ]

    def window(r: dict) -> dict:
        return {"trimestre": quarters.parse(r["valeur"]), "courant": current, "annee": first_year}

    def unit(r: dict) -> dict:
        units = con.execute("SELECT unite FROM chk WHERE ligne = ? AND colonne_valeur = ?",
                            [r["ligne"], r["colonne"]]).fetchall()
        return {"unite": (units[0][0] if units else None) or "unités"}
    value = {"colonne_sql": "colonne_valeur"}
    return regles + [
        obligatoire("trimestre"),
        trimestre("trimestre", details=lambda r: {"formes": quarters.ACCEPTED_FORMS}),
        trimestre_jusqu_a("trimestre", current, details=window),
        trimestre_depuis("trimestre", f"{first_year}-T1", details=window),
        # valeur and non_renseigne come from the value dictionary: the macros ran once per spelling
        nombre("valeur", "NOT non_renseigne AND valeur IS NULL", forme="trim(valeur_brut)", **value),
        positif("valeur", details=unit, **value),
        entier("valeur", si="coalesce(unite, '') <> '%'", details=unit, **value),
    ]


def _keep_batch(con: duckdb.DuckDBPyConnection, columns: dict[int, str], valid: str, unique: bool) -> None:
    """The valid rows of ``chk`` as the batch: ``lot_valide`` with the texts of the ids and the
    file's column of each value (``columns``: position -> name), and ``lot_cles`` with the keys and
    values alone. With a key twice (not ``unique``), the first row of each key stays and
    ``conflit`` marks the keys given different values."""
    colonne = (sql_text(next(iter(columns.values()))) if len(columns) == 1 else
               "CASE c.col " + " ".join(f"WHEN {i} THEN {sql_text(n)}" for i, n in columns.items()) + " END")
    texts = f"""t.code AS territoire, i.code AS indicateur, q.trimestre, c.valeur, c.commentaire, c.source,
                c.ligne, {colonne} AS colonne, c.ti, c.cle, c.conflit"""
    ids = "JOIN num_t t USING (t_id) JOIN num_i i USING (i_id) JOIN num_q q USING (ti)"
    if unique:  # the valid rows are the batch as they are
        con.execute(
            f"""CREATE OR REPLACE TEMP VIEW lot_valide AS
            SELECT {texts} FROM (SELECT *, false AS conflit FROM chk WHERE {valid}) c {ids}"""
        )
        con.execute(f"CREATE OR REPLACE TEMP VIEW lot_cles AS SELECT cle, ti, valeur FROM chk WHERE {valid}")
        return
    # one pass groups the rows by key: the first of each stays, contradictions are errors
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE lot_valide AS
        SELECT {texts}
        FROM (SELECT cle, any_value(t_id) AS t_id, any_value(i_id) AS i_id, any_value(ti) AS ti,
                     arg_min(valeur, ligne) AS valeur, arg_min(commentaire, ligne) AS commentaire,
                     arg_min(source, ligne) AS source, min(ligne) AS ligne, arg_min(col, ligne) AS col,
                     min(valeur) <> max(valeur) AS conflit
              FROM chk WHERE {valid} GROUP BY cle) c
        {ids}
        """
    )
    con.execute("CREATE OR REPLACE TEMP VIEW lot_cles AS SELECT cle, ti, valeur FROM lot_valide")


def _duplicates(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    sql = """
        SELECT c.ligne, c.colonne_valeur AS colonne, c.valeur_brut AS valeur, 'doublon-contradictoire' AS code,
               f.ligne AS premiere, p.valeur_brut AS premiere_brute
        FROM lot_valide f
        JOIN chk c USING (cle)
        JOIN chk p ON p.ligne = f.ligne AND p.cle = f.cle
        WHERE f.conflit AND c.ligne > f.ligne AND c.valeur <> f.valeur
    """
    collect(
        con, report, sql,
        lambda r: Problem(r["code"], line=r["ligne"], column=r["colonne"], value=r["valeur"],
                          params={"autre_ligne": r["premiere"], "autre_valeur": r["premiere_brute"]}),
    )
