"""Validation of a people file: ``email;role;code_territoire`` (and optionally ``actif``: oui/non).

One row per person. ``role`` is one of national, coordinateur, services_etat, lecteur (case and
accents ignored; the French labels of the roles are accepted too). ``code_territoire`` is required
for coordinateur and services_etat and must be empty otherwise. ``actif`` empty means oui; ``non``
deactivates the person (nobody is ever deleted). A people file is small: each cell is read in
Python in the forms the administration page uses (data/personnes.py: the address normalised and
checked, the role's spellings), then the file's rules (a list, run by loaders.rules.appliquer)
report every problem with its line, column and value; the file is stored all or nothing.

Who may import: only a person who may administer (national). The command line acts as national
(whoever can run it already holds the database file); a browser upload passes the signed-in person.
"""

from __future__ import annotations

import duckdb
from typing import TYPE_CHECKING

from data import personnes, store
from data.access import LIBELLES_ROLES, ROLES, ROLES_AVEC_TERRITOIRE, Personne
from data.uploads import Outcome, UploadMeta, record_refused
from loaders.headers import PEOPLE, Layout, key
from loaders.problems import Problem, Report
from loaders.reading import RawTable
from loaders.reference_data import ReferenceData
from loaders.rules import Regle, RegleLigne, appliquer, dans, obligatoire
from loaders.validation import Validated

if TYPE_CHECKING:  # for annotations only: the command line does not pay this import
    import pyarrow as pa

_ROLE_KEYS = {key(r): r for r in ROLES} | {key(label): r for r, label in LIBELLES_ROLES.items()}
_YES = {"", "oui", "o", "yes", "vrai", "true", "1", "actif", "active"}
_NO = {"non", "n", "no", "faux", "false", "0", "inactif", "inactive"}


_CHAMPS = ("ligne", "email_brut", "email", "email_ok", "role_brut", "role_net", "role", "code_territoire_brut",
           "territoire", "territoire_connu", "territoire_actif", "actif_brut", "actif")


def _types(pa) -> tuple:
    """The Arrow types of _CHAMPS (pyarrow is imported by the caller: the command line's values path never needs it)."""
    return (pa.int64(), pa.string(), pa.string(), pa.bool_(), pa.string(), pa.string(), pa.string(), pa.string(),
            pa.string(), pa.bool_(), pa.bool_(), pa.string(), pa.string())


# the first line of each valid address: a later one is a duplicate
_DOUBLON = """
    SELECT c.ligne, c.email_brut, min(p.ligne) FROM chk_personnes c
    JOIN chk_personnes p ON p.email = c.email AND p.email_ok AND p.ligne < c.ligne
    WHERE c.email_ok GROUP BY c.ligne, c.email_brut"""


def validate_people(raw: RawTable, layout: Layout, ref: ReferenceData, con: duckdb.DuckDBPyConnection,
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
    # each cell in the forms the administration page reads it (data/personnes.py), then the rules
    checked = []
    for line, email_raw, role_raw, terr_raw, actif_raw in rows:
        email = personnes.normalise_email(email_raw)
        territoire = (terr_raw or "").strip() or None
        known = territoire in territories
        checked.append((line, email_raw, email, personnes.email_valide(email), role_raw, (role_raw or "").strip(),
                        _ROLE_KEYS.get(key(role_raw or "")), terr_raw, territoire, known,
                        known and territories[territoire][1], actif_raw, (actif_raw or "").strip().lower()))
    store.register(con, "chk_personnes", pa.table(
        [pa.array(list(values), type=t) for values, t in zip(zip(*checked), _types(pa))] if checked
        else [pa.array([], type=t) for t in _types(pa)], names=list(_CHAMPS)))
    appliquer(con, report, _regles(ref, territories, {r[0]: r[6] for r in checked}), "chk_personnes",
              {name: name_of(name) for name in pos})
    # where each person is in the file, for a refusal of the write itself (store_people)
    result.extra["colonne_email"] = name_of("email")
    result.extra["email_ecrit"] = {email: (line, raw_email) for line, raw_email, email, *_ in checked}
    if report.ok:  # then every row is good
        result.batch = pa.table({"email": [r[2] for r in checked], "role": [r[6] for r in checked],
                                 "territoire": [r[8] for r in checked], "actif": [r[12] in _YES for r in checked],
                                 "ligne": [r[0] for r in checked]})
    return result


def _regles(ref: ReferenceData, territories: dict[str, tuple[str, bool]], roles: dict[int, str | None]) -> list:
    """The people file's rules over ``chk_personnes``: one problem per cell at most, as on the
    administration page (a role's territory is checked only when the role is known and fits it).
    ``roles``: the role of each line, which the messages name."""
    avec = {"parametres": {"avec": list(ROLES_AVEC_TERRITOIRE)}}
    cell = {"cellule": "code_territoire_brut", "forme": "territoire"}

    def role(r: dict) -> dict:
        return {"role": roles[r["ligne"]]}
    return [
        obligatoire("email", "{n} = ''"),
        Regle("email-invalide", "email", "{n} <> '' AND NOT email_ok"),
        RegleLigne("doublon-personne", "email", _DOUBLON, ("autre_ligne",),
                   details=lambda r: {"autre_ligne": r["autre_ligne"]}),
        obligatoire("role", "{n} = ''", forme="role_net"),
        Regle("role-inconnu", "role", "role_net <> '' AND {n} IS NULL",
              details=lambda r: {"roles": personnes.roles_possibles()}),
        Regle("territoire-requis", "code_territoire", "{n} IS NULL", si="list_contains($avec, role)",
              details=role, **avec, **cell),
        Regle("territoire-superflu", "code_territoire", "{n} IS NOT NULL", si="NOT list_contains($avec, role)",
              details=role, **avec, **cell),
        Regle("territoire-inconnu", "code_territoire", "{n} IS NOT NULL AND NOT territoire_connu",
              si="list_contains($avec, role)", **avec, **cell,
              details=lambda r: {"suggestion": ref.suggest_territory(r["valeur"].strip())}),
        Regle("territoire-inactif", "code_territoire", "territoire_connu AND NOT territoire_actif",
              si="list_contains($avec, role)", **avec, **cell,
              details=lambda r: {"nom": territories[r["valeur"].strip()][0]}),
        dans("actif", "actif-invalide", sorted(_YES | _NO)),
    ]


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
