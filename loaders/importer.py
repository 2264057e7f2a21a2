"""The one entry point for every upload, from the command line or the browser: read, detect the
kind, validate, then store all of it or nothing. Bad data never raises: it becomes a report."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from core.parameters import LIGNES_MAX_EXTRAIT_SIAO, TAILLE_MAX_EXTRAIT_SIAO_MO
from data import store
from data.registre import COLLECTIVITE
from data.siao import correspondance_enregistree
from data.uploads import Outcome, UploadMeta, record_refused
from loaders import headers, reference_data
from loaders.kinds import store_kind, validate_kind
from loaders.problems import Problem, Report
from loaders.reading import XLSX_MAGIC, exact_row_count, read_file
from loaders.sql_rules import install, release, validation_connection
from loaders.validation import Validated, drop_empty_unnamed_columns, header_problems

if TYPE_CHECKING:  # the command line's start-up imports what its path needs only
    import pandas as pd
    import pyarrow as pa


@dataclass
class ImportResult:
    """What happened to one file."""

    kind: str | None
    layout: str | None
    report: Report
    outcome: Outcome = field(default_factory=Outcome)
    stored: bool = False
    dry_run: bool = False
    row_count: int = 0
    sha256: str = ""
    # with keep=True (a page that previews before it stores): the valid values as Arrow, their
    # classification against the store (data.uploads.PREVIEW_SQL), the reference data version
    # they were validated against, the territories a refused file names and its audit row
    batch: pa.Table | None = None
    preview: pd.DataFrame | None = None
    reference_version: str | None = None
    cited_territories: list[str] = field(default_factory=list)
    audit_id: int | None = None
    comptage: object = None  # an SI-SIAO extract's counting report (loaders.siao_comptage.Comptage)

    @property
    def kind_label(self) -> str:
        if self.kind is None:
            return "inconnu"
        label = headers.KIND_LABELS[self.kind]
        return f"{label} (disposition {self.layout})" if self.layout else label

    def counts_line(self) -> str:
        o = self.outcome
        if self.kind == headers.ACTIONS:
            d = o.details
            return (f"actions nouvelles: {d.get('actions_nouvelle', 0)}, révisées: {d.get('actions_revisee', 0)}, "
                    f"inchangées: {d.get('actions_inchangee', 0)} ; points d'étape nouveaux: "
                    f"{d.get('points_nouvelle', 0)}, révisés: {d.get('points_revisee', 0)}, "
                    f"inchangés: {d.get('points_inchangee', 0)}")
        return (f"nouvelles: {o.nouvelles}, révisées: {o.revisees}, inchangées: {o.inchangees}, "
                f"non renseignées: {o.non_renseignees}, dont commentaire ou source seuls: {o.commentaires}")


def validate_bytes(
    data: bytes,
    name: str,
    ref: reference_data.ReferenceData,
    *,
    kind: str | None = None,
    allowed_territories: set[str] | None = None,
    today: dt.date | None = None,
    con=None,
    path: Path | None = None,
    keep: bool = False,
    siao: ContexteSiao | None = None,
) -> Validated:
    """Validate a file; never writes to the store.

    By default in a private in-memory database, and the valid rows come back as an Arrow batch.
    With ``con`` (an open store connection), validation runs in that connection's own temporary
    tables, which the caller must release(): a values batch then stays there, as the temporary
    relations named by ``Validated.batch_table``, and is stored without being copied out and back.
    ``keep``: the valid rows also come back as Arrow (``batch``), and a refused file's territory
    codes in ``extra["territoires_cites"]`` (for its audit). ``siao``: the period, column mapping
    and reference data of an SI-SIAO extract (by default, those of ``con``'s store)."""
    private = con is None
    if private:
        con = validation_connection()
    else:
        install(con)
    try:
        if siao is None and not private:
            siao = ContexteSiao(opener=lambda: contextlib.nullcontext(con))
        validated = _validate(data, name, ref, con, path, private, kind, allowed_territories, today, siao)
        exact_row_count(validated.raw, con)
        if keep and not validated.ok:
            validated.extra["territoires_cites"] = _cited_territories(validated, con)
        if keep and validated.batch is None and validated.batch_table is not None:
            # the rows leave the temporary tables as Arrow: the page keeps them until confirmation
            validated.batch = con.sql(f'SELECT * FROM temp."{validated.batch_table.textes}"').to_arrow_table()
        return validated
    finally:
        if private:
            release(con)


def _validate(data, name, ref, con, path, private, kind, allowed_territories, today, siao=None) -> Validated:
    """Read then validate by kind (see validate_bytes)."""
    report = Report()
    raw = read_file(data, name, con, path, _EXTRACT_LIMITS if kind == headers.SIAO or _looks_siao(data) else None)
    report.extend(raw.problems)
    if not raw.readable or not raw.header:
        if not raw.problems:
            report.add(Problem("fichier-vide"))
        # a header without rows still says what the file is (shown, and audited under that kind)
        found = headers.detect(raw.header, forced=kind) if raw.header else None
        return Validated(raw, found and found.kind, found and found.layout, report)
    drop_empty_unnamed_columns(raw, con)
    layout = headers.detect(raw.header, forced=kind)
    if siao is not None and kind in (None, headers.SIAO) and layout.kind in (None, headers.SIAO):
        layout = siao.layout(raw.header, layout, kind)
    problems = header_problems(raw, layout)
    report.extend(problems)
    if layout.kind is None or any(p.code == "colonne-manquante" for p in problems):
        return Validated(raw, layout.kind, layout.layout, report)
    return validate_kind(raw, layout, ref, con, report, private=private, allowed_territories=allowed_territories,
                         today=today, siao=siao)


@dataclass
class ContexteSiao:
    """What an SI-SIAO extract needs beside the file: its extraction period, the column mapping
    (read from the store when not given) and the reference data, from a store connection that
    ``opener()`` gives (the validating one, or a new one while a workbook is validated apart)."""

    periode: object = None  # loaders.siao.Periode
    mapping: object = None  # loaders.siao_mapping.Correspondance
    opener: object = None

    def correspondance(self):
        if self.mapping is None:
            from loaders import siao_mapping

            with self.opener() as con:
                self.mapping = siao_mapping.depuis_enregistree(correspondance_enregistree(con))
        return self.mapping

    def layout(self, header: list[str], layout: headers.Layout, forced: str | None) -> headers.Layout:
        """The layout of a header read through the mapping, when it makes it an extract."""
        mapped = self.correspondance().renommer(header)
        if mapped == header:
            return layout
        found = headers.detect(mapped, forced=forced)
        return found if found.kind == headers.SIAO else layout

    def reference(self, con) -> None:
        """The communes and territories, as relations of validation connection ``con``."""
        from loaders.siao import installer_reference

        with self.opener() as store_con:
            installer_reference(store_con, con)


def _cited_territories(validated: Validated, con) -> list[str]:
    """The distinct territory codes a read file names (its column code_territoire), if any."""
    raw = validated.raw
    keys = [headers.key(h) for h in raw.header]
    if not raw.readable or not raw.row_count or "codeterritoire" not in keys:
        return []
    i = keys.index("codeterritoire")
    return [t for (t,) in con.execute(f"SELECT DISTINCT trim(c{i}) FROM brut WHERE c{i} IS NOT NULL").fetchall()]


def import_bytes(
    data: bytes,
    name: str,
    db: str | Path | None = None,
    *,
    kind: str | None = None,
    user: str = "inconnu",
    dry_run: bool = False,
    allowed_territories: set[str] | None = None,
    today: dt.date | None = None,
    con=None,
    actor=None,
    path: Path | None = None,
    keep: bool = False,
    audit_refusal: str | None = None,
    periode=None,
    mapping=None,
) -> ImportResult:
    """Validate then store ``data``; a refused file is audited and changes nothing else.

    A CSV file is validated inside the store connection (its temporary tables, never the stored
    ones), opened once for reading the reference data, validating and writing: a 200,000-row file
    holds the file a fraction of a second. A workbook is parsed first, with the store closed
    (openpyxl is slow on big sheets), and the store opened for the reference data, then again for
    the write. A caller doing many imports may pass its own ``con``; ``path`` names the file on disk
    holding ``data``, if any (read in place rather than copied).
    A people file is stored with ``actor`` (a data.access.Personne) as author; without one, only an
    unrestricted import (the command line) may store it, acting as national (loaders/personnes.py).

    A page that previews before it stores passes ``dry_run`` and ``keep``: the result then holds
    the valid values (Arrow), their preview and the reference version (see ImportResult); with
    ``audit_refusal`` (the kind the page expects) a refused file of that kind or of no known kind
    is audited in the same call, with the territories it is about (those of
    ``allowed_territories``, else the known ones it names); the page says itself why it refuses
    another kind.
    An SI-SIAO extract takes its extraction ``periode`` (loaders.siao.Periode) and column ``mapping``
    (loaders.siao_mapping.Correspondance; by default the one stored by the national team, else the
    shipped one)."""
    territorial = kind == headers.TERRITORIES or _looks_territorial(data)
    actions = kind == headers.ACTIONS or _looks_like_actions(data)
    options = dict(kind=kind, allowed_territories=allowed_territories, today=today, keep=keep)
    store_options = dict(keep=keep, audit_refusal=audit_refusal)
    if not data.startswith(XLSX_MAGIC):
        with _store(db, con) as conn:
            # a caller's own connection keeps its temporary objects; one opened here closes with them
            before = store.temporary_objects(conn) if con is not None else frozenset()
            try:
                ref = _reference(conn, territorial, keep, actions)
                siao = ContexteSiao(periode, mapping, lambda: contextlib.nullcontext(conn))
                validated = validate_bytes(data, name, ref, con=conn, path=path, siao=siao, **options)
                return _store_validated(validated, name, user, dry_run, allowed_territories, today, actor,
                                        lambda: contextlib.nullcontext(conn), private=con is None, ref=ref,
                                        **store_options)
            finally:
                if con is not None:
                    release(conn, keep=before)
    with _store(db, con) as conn:
        ref = _reference(conn, territorial, keep, actions)
    siao = ContexteSiao(periode, mapping, lambda: _store(db, con))
    validated = validate_bytes(data, name, ref, siao=siao, **options)
    return _store_validated(validated, name, user, dry_run, allowed_territories, today, actor,
                            lambda: _store(db, con), ref=ref, **store_options)


def _reference(con, territorial: bool, keep: bool, actions: bool = False) -> reference_data.ReferenceData:
    """The reference data validation needs; with ``keep``, stamped with their version."""
    ref = reference_data.from_store(con, with_collectivites=territorial, with_actions=actions)
    if keep:
        ref.version = reference_data.reference_version(con)
    return ref


def _store_validated(validated: Validated, name, user, dry_run, allowed_territories, today, actor,
                     opener, private: bool = False, *, ref: reference_data.ReferenceData, keep: bool = False,
                     audit_refusal: str | None = None) -> ImportResult:
    """Audit a refused file, or store a valid one (on connections given by ``opener()``; ``private``
    when that connection is closed right after, with its temporary objects)."""
    result = ImportResult(validated.kind, validated.layout, validated.report, dry_run=dry_run,
                          row_count=validated.raw.row_count, sha256=validated.raw.sha256)
    if keep:
        result.reference_version = ref.version
        result.cited_territories = validated.extra.get("territoires_cites", [])
    result.comptage = validated.extra.get("comptage")
    result.outcome.non_renseignees = validated.non_renseignees
    meta = UploadMeta(name, validated.raw.sha256, user, validated.kind, validated.layout, validated.raw.row_count)
    if validated.kind == headers.PEOPLE:
        from loaders import personnes  # here: the other kinds never need it

        actor = personnes.actor_for(actor, user, allowed_territories, validated.report)
    if not validated.ok:
        with opener() as conn:
            _explain_unknown_territories(validated.report, conn)
            if not dry_run:
                record_refused(conn, meta, validated.report.error_count, _problem_rows(validated.report))
            elif audit_refusal and validated.kind in (None, audit_refusal):
                result.audit_id = record_refused(
                    conn, meta, max(validated.report.error_count, 1), _problem_rows(validated.report),
                    territories=audit_territories(result, allowed_territories, ref))
        return result
    with opener() as conn:
        outcome = store_kind(conn, validated, meta, result, actor=actor, user=user, dry_run=dry_run,
                             today=today, private=private, keep=keep)
    if not validated.report.ok:  # refused by the write itself (a people file without a national left)
        return result
    for w in outcome.warnings:
        validated.report.add(Problem(w["code"], line=w.get("ligne"), column=w.get("colonne"),
                                     value=w.get("valeur"), params=w.get("params", {})))
    validated.report.count_more("avertissement", max(outcome.warning_count - len(outcome.warnings), 0))
    result.outcome = outcome
    result.stored = not dry_run
    return result


def _problem_rows(report: Report) -> list[dict]:
    """The problems of a refused file as the audit records them."""
    return [p.as_dict() for p in report.sorted_errors() + report.sorted_warnings()]


def audit_territories(result: ImportResult, allowed_territories: set[str] | None,
                      ref: reference_data.ReferenceData | None = None) -> list[str]:
    """The territories a refused upload is about, for its history: the uploader's own when they
    have a scope, else the known territories the file names (``ref``, else those of the result)."""
    if allowed_territories is not None:
        return sorted(allowed_territories)
    cited = set(result.cited_territories)
    return sorted(cited & set(ref.territoires["code"])) if ref is not None else sorted(cited)


def audit_refused(result: ImportResult, data: bytes, name: str, db: str | Path | None = None, *,
                  user: str) -> int:
    """Record in the upload audit a file that a dry run refused (a page that validates before
    asking to confirm), as its import would have; returns the audit row's id."""
    meta = UploadMeta(name, hashlib.sha256(data).hexdigest(), user, result.kind, result.layout, result.row_count)
    with store.connect(db) as con:
        return record_refused(con, meta, max(result.report.error_count, 1), _problem_rows(result.report))


def _explain_unknown_territories(report: Report, con) -> None:
    """An unknown code that is a real commune, EPCI or département gets a more useful message."""
    unknown = [p for p in report.errors if p.code == "territoire-inconnu"]
    if not unknown:
        return
    codes = sorted({str(p.value).strip() for p in unknown})
    names = dict(con.execute(
        f"SELECT code, nom FROM {COLLECTIVITE} WHERE niveau <> 'region' AND code IN (SELECT unnest(?::VARCHAR[]))",
        [codes],
    ).fetchall())
    for i, p in enumerate(report.errors):
        code = str(p.value).strip() if p.value is not None else None
        if p.code == "territoire-inconnu" and code in names:
            report.errors[i] = Problem("territoire-hors-programme", line=p.line, column=p.column, value=p.value,
                                       params={"nom": names[code]})


@contextlib.contextmanager
def _store(db, con):
    if con is not None:
        yield con
    else:
        with store.connect(db) as opened:
            yield opened


def _looks_like_actions(data: bytes) -> bool:
    """Cheap look at the first line: only actions files need the stored actions (a workbook may be one)."""
    head = data[:400].lower()
    return data.startswith(b"PK") or (b"ref" in head and b"action" in head)


_EXTRACT_LIMITS = (TAILLE_MAX_EXTRAIT_SIAO_MO, LIGNES_MAX_EXTRAIT_SIAO)


def _looks_siao(data: bytes) -> bool:
    """Cheap look at the first line: an SI-SIAO extract in the documented names has caps of its own."""
    first = data[:1000].split(b"\n", 1)[0].decode("latin-1")
    return "iddemande" in headers.key(first) and "idpersonne" in headers.key(first)


def _looks_territorial(data: bytes) -> bool:
    """Cheap look at the first line: only territory files need the 36,000 collectivités."""
    return data.startswith(b"PK") or b"vague" in data[:400].lower()


def import_file(path: str | Path, db: str | Path | None = None, **kwargs) -> ImportResult:
    """import_bytes on a file of the disk."""
    path = Path(path)
    return import_bytes(path.read_bytes(), path.name, db, path=path, **kwargs)
