"""Validation of a people file: ``email;role;code_territoire`` (and optionally ``actif``: oui/non).

One row per person. ``role`` is one of national, coordinateur, services_etat, lecteur (case and
accents ignored; the French labels of the roles are accepted too). ``code_territoire`` is required
for coordinateur and services_etat and must be empty otherwise. ``actif`` empty means oui; ``non``
deactivates the person (nobody is ever deleted). A people file is small: rows are checked in Python
with the same rules as the administration page (data/personnes.py), every problem reported with its
line, column and value; the file is stored all or nothing.

Who may import: only a person who may administer (national). The command line acts as national
(whoever can run it already holds the database file); a browser upload passes the signed-in person.
"""

from __future__ import annotations

import duckdb
from typing import TYPE_CHECKING

from data import personnes
from data.access import LIBELLES_ROLES, ROLES, ROLES_AVEC_TERRITOIRE, Personne
from data.uploads import Outcome, UploadMeta, record_refused
from loaders.headers import PEOPLE, Layout, key
from loaders.problems import Problem, Report
from loaders.reading import RawTable
from loaders.referentiel import Referentiel
from loaders.validation import Validated

if TYPE_CHECKING:  # for annotations only: the command line does not pay this import
    import pyarrow as pa

_ROLE_KEYS = {key(r): r for r in ROLES} | {key(label): r for r, label in LIBELLES_ROLES.items()}
_YES = {"", "oui", "o", "yes", "vrai", "true", "1", "actif", "active"}
_NO = {"non", "n", "no", "faux", "false", "0", "inactif", "inactive"}


def validate_people(raw: RawTable, layout: Layout, ref: Referentiel, con: duckdb.DuckDBPyConnection,
                    report: Report) -> Validated:
    """Check every row; when all are good, ``batch`` holds (email, role, territoire, actif, ligne)."""
    import pyarrow as pa  # here: a values import never needs it

    result = Validated(raw, PEOPLE, None, report)
    pos, header = layout.positions, raw.header

    def col(name: str) -> str:
        return f"c{pos[name]}" if name in pos else "NULL::VARCHAR"

    def name_of(column: str) -> str:
        return header[pos[column]] if column in pos else column

    rows = con.execute(
        f"SELECT ligne, {col('email')}, {col('role')}, {col('code_territoire')}, {col('actif')} FROM brut ORDER BY ligne"
    ).fetchall()
    territories = {str(c): (n, bool(a)) for c, n, a in
                   zip(ref.territoires["code"], ref.territoires["nom"], ref.territoires["actif"])}
    seen: dict[str, int] = {}
    good, written = [], []
    for line, email_raw, role_raw, terr_raw, actif_raw in rows:
        found: list[Problem] = []

        def problem(code: str, column: str, value, **params) -> None:
            found.append(Problem(code, line=line, column=name_of(column), value=value, params=params))

        email = personnes.normalise_email(email_raw)
        written.append((email, line, email_raw))
        if not email:
            problem("cellule-obligatoire", "email", email_raw)
        elif not personnes.email_valide(email):
            problem("email-invalide", "email", email_raw)
        elif email in seen:
            problem("doublon-personne", "email", email_raw, autre_ligne=seen[email])
        else:
            seen[email] = line
        role = _ROLE_KEYS.get(key(role_raw or ""))
        territoire = (terr_raw or "").strip() or None
        if not (role_raw or "").strip():
            problem("cellule-obligatoire", "role", role_raw)
        elif role is None:
            problem("role-inconnu", "role", role_raw, roles=personnes.roles_possibles())
        elif role in ROLES_AVEC_TERRITOIRE and territoire is None:
            problem("territoire-requis", "code_territoire", terr_raw, role=role)
        elif role not in ROLES_AVEC_TERRITOIRE and territoire is not None:
            problem("territoire-superflu", "code_territoire", terr_raw, role=role)
        elif territoire is not None and territoire not in territories:
            problem("territoire-inconnu", "code_territoire", terr_raw, suggestion=ref.suggest_territory(territoire))
        elif territoire is not None and not territories[territoire][1]:
            problem("territoire-inactif", "code_territoire", terr_raw, nom=territories[territoire][0])
        actif_key = (actif_raw or "").strip().lower()
        if actif_key not in _YES | _NO:
            problem("actif-invalide", "actif", actif_raw)
        report.extend(found)
        if not found:
            good.append((email, role, territoire, actif_key in _YES, line))
    # where each person is in the file, for a refusal of the write itself (store_people)
    result.extra["colonne_email"] = name_of("email")
    result.extra["email_ecrit"] = {email: (line, raw_email) for email, line, raw_email in written}
    if report.ok:
        result.batch = pa.table({name: list(values) for name, values in
                                 zip(("email", "role", "territoire", "actif", "ligne"), zip(*good))}
                                if good else {"email": [], "role": [], "territoire": [], "actif": [], "ligne": []})
    return result


def actor_for(actor: Personne | None, user: str, allowed_territories: set[str] | None,
              report: Report) -> Personne | None:
    """Who imports a people file. An unrestricted import without a person (the command line) acts
    as national under ``user``; anyone else must be able to administer, or the file is refused."""
    if actor is None and allowed_territories is None:
        actor = Personne(user, "national")
    if actor is None or not actor.peut_administrer:
        report.add(Problem("personnes-non-autorise"))
        return None
    return actor


def rows_of(batch: pa.Table) -> list[tuple]:
    """(email, role, territoire, actif) tuples of a validated batch, for data.personnes.apply_people."""
    data = batch.to_pydict()
    return list(zip(data["email"], data["role"], data["territoire"], data["actif"]))


def store_people(con: duckdb.DuckDBPyConnection, actor: Personne, validated: Validated, meta: UploadMeta, *,
                 dry_run: bool = False) -> Outcome:
    """Store a validated people file (data.personnes.apply_people). A file that, all its rows
    applied, would leave no active national administrator is refused in the write itself: nothing
    is stored, the problem joins the report at the lines of the people concerned, and the refusal
    is audited like any refused upload (not in a dry run)."""
    try:
        return personnes.apply_people(con, actor, rows_of(validated.batch), meta, dry_run=dry_run)
    except personnes.DernierNational as refused:
        report, written = validated.report, validated.extra["email_ecrit"]
        for email in refused.emails:
            line, value = written.get(email, (None, email))
            report.add(Problem("dernier-national", line=line, column=validated.extra["colonne_email"], value=value))
        if not dry_run:
            record_refused(con, meta, report.error_count, [p.as_dict() for p in report.sorted_errors()])
        return Outcome()
