"""What validation needs to know of the store, read once before a file is validated, so that
validation itself runs in a private in-memory database and never holds the store's lock."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from data.registre import ACTION, COLLECTIVITE, FEUILLE_DE_ROUTE, INDICATEUR, TERRITOIRE

import duckdb


class Table:
    """A few columns read from the store as Python lists, without pandas (the command line never
    imports it): ``t["code"]`` is a column, ``t[["code", "nom"]]`` a table of some columns, and
    data.store.register() makes it a temporary table typed as the store's columns."""

    def __init__(self, columns: dict[str, list], types: dict[str, str]):
        self.columns, self.types = columns, types

    @classmethod
    def query(cls, con: duckdb.DuckDBPyConnection, sql: str) -> Table:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
        return cls({n: [r[i] for r in rows] for i, n in enumerate(names)},
                   {d[0]: str(d[1]) for d in cursor.description})

    def __getitem__(self, key: str | list[str]):
        if isinstance(key, str):
            return self.columns[key]
        return Table({k: self.columns[k] for k in key}, {k: self.types[k] for k in key})

    def __len__(self) -> int:
        return len(next(iter(self.columns.values()), []))

    def create_in(self, con: duckdb.DuckDBPyConnection, name: str) -> None:
        """The table as temporary table ``name`` of ``con`` (one list parameter per column, unnested
        side by side: 2 ms for the territories, where a registered relation cost 40 ms a query)."""
        names = list(self.columns)
        select = ", ".join(f'unnest($c{i}::{self.types[n]}[]) AS "{n}"' for i, n in enumerate(names))
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT {select}',
                    {f"c{i}": self.columns[n] for i, n in enumerate(names)})


@dataclass
class ReferenceData:
    """Territories and indicators as validation sees them; collectivités looked up on demand."""

    territoires: Table  # code, nom, actif
    indicateurs: Table  # code, libelle, nature, unite, composantes, numerateur, denominateur
    collectivites: Table | None = None  # code, niveau, nom (loaded only when needed)
    roadmaps: Table | None = None  # territoire, debut, fin of current roadmaps
    actions: Table | None = None  # territoire, ref_action, debut, fin of stored actions (actions files only)
    version: str | None = None  # reference_version() when read for a kept preparation
    _names: dict = field(default_factory=dict)

    def territory_names(self) -> dict[str, str]:
        if not self._names:
            self._names = dict(zip(self.territoires["code"], self.territoires["nom"]))
        return self._names

    def derived_bases(self, code: str) -> str:
        """The base indicators to send instead of derived ``code``, for messages."""
        at = self.indicateurs["code"].index(code)
        if self.indicateurs["nature"][at] == "ratio":
            parts = [self.indicateurs["numerateur"][at], self.indicateurs["denominateur"][at]]
        else:
            parts = list(self.indicateurs["composantes"][at])
        return " et ".join(f"« {p} »" for p in parts)

    def suggest_territory(self, value: str) -> str:
        """« Vouliez-vous dire … ? » for an unknown territory code (lost leading zero, typo, name)."""
        names = self.territory_names()
        text = str(value).strip()
        found: list[str] = []
        if text.isdigit():
            for width in (2, 3, 5, 9):
                padded = text.zfill(width)
                if padded in names and padded not in found:
                    found.append(padded)
        found += [c for c in difflib.get_close_matches(text, list(names), n=3, cutoff=0.7) if c not in found]
        by_name = {n.lower(): c for c, n in names.items()}
        found += [by_name[n] for n in difflib.get_close_matches(text.lower(), list(by_name), n=3, cutoff=0.6)
                  if by_name[n] not in found]
        if not found:
            return ""
        listed = ", ".join(f"{c} ({names[c]})" for c in found[:3])
        return f" Vouliez-vous dire : {listed} ?"

    def suggest_indicator(self, value: str) -> str:
        codes = list(self.indicateurs["code"])
        close = difflib.get_close_matches(str(value).strip().lower(), codes, n=3, cutoff=0.6)
        return f" Vouliez-vous dire : {', '.join(close)} ?" if close else ""


def from_store(con: duckdb.DuckDBPyConnection, with_collectivites: bool = False,
               with_actions: bool = False) -> ReferenceData:
    """Read the reference data validation needs from an open store connection."""
    territoires = Table.query(con, f"SELECT code, nom, actif FROM {TERRITOIRE} ORDER BY code")
    indicateurs = Table.query(
        con, f"SELECT code, libelle, nature, sens, unite, composantes, numerateur, denominateur FROM {INDICATEUR} ORDER BY ordre"
    )
    roadmaps = Table.query(
        con,
        f"SELECT territoire, debut, fin FROM {FEUILLE_DE_ROUTE}"
        " QUALIFY row_number() OVER (PARTITION BY territoire ORDER BY debut DESC, id DESC) = 1",
    )
    collectivites = None
    if with_collectivites:
        collectivites = Table.query(con, f"SELECT code, niveau, nom FROM {COLLECTIVITE} WHERE niveau <> 'region'")
    actions = None
    if with_actions:  # which references exist decides creation or update (loaders/actions.py)
        actions = Table.query(con, f"SELECT territoire, ref_action, debut, fin FROM {ACTION} ORDER BY 1, 2")
    return ReferenceData(territoires, indicateurs, collectivites, roadmaps, actions)


# What validation reads of the store (loaders/values.py, roadmap.py...) and who may write: a
# prepared upload is valid as long as none of these tables changed (values uploads do not count:
# the preview's fingerprint covers them).
_REFERENCE_TABLES = ("territoire", "indicateur", "feuille_de_route", "cible", "personne")


def reference_version(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of the reference data (territories, catalogue, roadmaps and targets, people): it
    changes with any of their rows, whoever wrote them, and not with an upload of values."""
    parts = con.execute("SELECT " + ", ".join(
        f"(SELECT count(*) || ':' || coalesce(bit_xor(hash(r)), 0) FROM {t} r)" for t in _REFERENCE_TABLES)
    ).fetchall()[0]
    return "/".join(parts)
