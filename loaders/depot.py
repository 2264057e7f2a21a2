"""An upload from the browser, in two steps: prepare (validate once, with the one importer, as a dry
run that keeps the valid rows and their preview) then confirm (check the person's rights and that
the values the batch touches are still those of the preview, then store exactly the kept rows, or
nothing). No Streamlit: the page calls these, and so do the tests.

A preparation is valid for one file content (sha256) and one version of the reference data
(reference_data.reference_version: territories, catalogue, roadmaps, people). Along the journey the
file is read and its header detected once; the store is opened once to prepare (reference data,
validation, preview, and the audit of a refusal) and once to confirm."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from data import store
from data.access import Personne
from data.preview import Apercu, Enregistrement, enregistrer_apercu
from data.siao import journaliser_comptage
from data.uploads import UploadMeta, record_refused
from loaders import headers, reference_data
from loaders.importer import ImportResult, audit_territories, import_bytes
from loaders.problems import Problem, Report

if TYPE_CHECKING:
    import pyarrow as pa

EXTENSIONS = (".csv", ".txt", ".xlsx")
MESSAGE_REFERENTIEL = ("Les territoires, les feuilles de route, le catalogue ou les personnes ont changé depuis la "
                       "vérification : le fichier a été vérifié à nouveau et rien n'a été enregistré. Voyez le "
                       "résultat ci-dessous avant de confirmer à nouveau.")


@dataclass
class Preparation:
    """A dropped file after validation (dry run): its report and, when valid, the kept rows and the
    preview. ``batch`` is Arrow (no DuckDB object: it outlives the connection). For the 200,480-row
    file with a comment on every row (14 MB), measured: rows 23 MB, preview 38 MB (``octets``)."""

    name: str
    data: bytes
    result: ImportResult
    apercu: Apercu | None = None
    message: str | None = None  # a refusal that is not a problem of the file's content
    audit_id: int | None = None  # the refusal's audit row, once audited
    kind: str = headers.VALUES  # what the page expects: values, or an SI-SIAO extract
    periode: object = None  # an extract's extraction period (loaders.siao.Periode)

    @property
    def comptage(self):
        """An SI-SIAO extract's counting report (loaders.siao_comptage.Comptage), once counted."""
        return self.result.comptage

    @property
    def sha256(self) -> str:
        return self.result.sha256

    @property
    def batch(self) -> pa.Table | None:
        return self.result.batch

    @property
    def reference_version(self) -> str | None:
        return self.result.reference_version

    @property
    def report(self) -> Report:
        return self.result.report

    @property
    def octets(self) -> int:
        """What keeping this preparation costs in memory: the file, the kept rows, the preview."""
        kept = self.batch.nbytes if self.batch is not None else 0
        shown = int(self.apercu.lignes.memory_usage(deep=True).sum()) if self.apercu is not None else 0
        return len(self.data) + kept + shown

    @property
    def ok(self) -> bool:
        return self.message is None and self.report.ok and self.apercu is not None


def _allowed(personne: Personne) -> set[str] | None:
    scope = personne.perimetre_depot
    return None if scope is None else set(scope)


def _extension_problem(name: str) -> Problem | None:
    lower = name.lower()
    if lower.endswith((".xlsm", ".xltm", ".xlsb")):
        return Problem("classeur-refuse", params={
            "detail": "les classeurs avec macros (.xlsm, .xlsb) ne sont pas acceptés ; enregistrez-le en .xlsx"})
    if lower.endswith(".xls"):
        return Problem("classeur-refuse", params={
            "detail": "l'ancien format .xls n'est pas lu ; enregistrez-le en .xlsx ou en CSV"})
    if not lower.endswith(EXTENSIONS):
        return Problem("fichier-illisible", params={
            "detail": f"seuls les fichiers {', '.join(EXTENSIONS)} sont acceptés"})
    return None


# what each upload page receives, and where each kind of file goes instead (a file refused by a page
# is told both: the kind it was recognised as, and the page or section that takes it)
PAGE_RECOIT = {
    headers.VALUES: "Cette page reçoit les valeurs trimestrielles et les actions de la feuille de route.",
    headers.BUDGET: ("Cette section reçoit le fichier budgétaire de la fiche 5 (colonnes code_territoire, "
                     "exercice, poste, financeur, prevu, engage, verse)."),
    headers.SIAO: "Cette option reçoit un extrait SI-SIAO (une ligne par demande).",
}
_NATIONAL = ("Les feuilles de route, la liste des territoires et celle des personnes sont déposées par "
             "l'équipe nationale, sur la page Administration.")
_VALEURS = ("Les valeurs trimestrielles et les actions de la feuille de route se déposent sur la page "
            "« Déposer des données », option « Valeurs trimestrielles ».")
OU_DEPOSER = {
    headers.VALUES: _VALEURS, headers.ACTIONS: _VALEURS,
    headers.BUDGET: ("Le fichier budgétaire se dépose sur la page « Mon territoire », section « Budget (fiche 5) », "
                     "« Déposer le fichier budgétaire »."),
    headers.SIAO: ("Un extrait SI-SIAO se dépose sur la page « Déposer des données », option « Extrait SI-SIAO "
                   "(une ligne par demande) »."),
    headers.ROADMAP: _NATIONAL, headers.TERRITORIES: _NATIONAL, headers.PEOPLE: _NATIONAL,
}
# what each page says of a file of a kind it does not accept (headers.ACCEPTED_BY_PAGE)
MESSAGES_AUTRE_TYPE = {page: "Ce fichier est reconnu comme : {type}. " + recoit + " {ou}"
                       for page, recoit in PAGE_RECOIT.items()}


def message_autre_type(page_kind: str, kind: str) -> str:
    """What the page receiving ``page_kind`` says of a file of ``kind``, which it does not accept."""
    return MESSAGES_AUTRE_TYPE[page_kind].format(type=headers.KIND_LABELS[kind], ou=OU_DEPOSER[kind])


def preparer(data: bytes, name: str, db: str | Path | None = None, *, personne: Personne,
             today: dt.date | None = None, auditer: bool = False, kind: str = headers.VALUES,
             periode=None) -> Preparation:
    """Validate ``data`` as ``personne`` would upload it and, if it is valid, keep its rows and
    preview their effect; with ``auditer``, a refusal is audited in the same call. ``kind``: what
    the page receives, a key of headers.ACCEPTED_BY_PAGE: quarterly values (or an actions file), the
    budget of fiche 5, or an SI-SIAO extract (``headers.SIAO``, with its extraction ``periode``), whose
    counted values are kept and previewed the same way."""
    problem = _extension_problem(name)
    if problem is not None:
        report = Report()
        report.add(problem)
        prep = Preparation(name, data, ImportResult(None, None, report, dry_run=True,
                                                    sha256=hashlib.sha256(data).hexdigest()), kind=kind, periode=periode)
        if auditer:
            auditer_refus(prep, db, personne=personne)
        return prep
    allowed = _allowed(personne)
    accepted = headers.ACCEPTED_BY_PAGE[kind]
    forced = kind in headers.FORCED_BY_PAGE
    # bad data never raises (it is a report); an exception is a bug, for the page to show as one
    result = import_bytes(data, name, db, user=personne.email, dry_run=True, allowed_territories=allowed,
                          today=today, keep=True, audit_refusal=kind if auditer else None,
                          kind=kind if forced else None, periode=periode)
    prep = Preparation(name, data, result, audit_id=result.audit_id, kind=kind, periode=periode)
    if (result.kind in accepted and result.kind != kind and not result.report.ok and auditer
            and prep.audit_id is None):
        auditer_refus(prep, db, personne=personne)  # audit_refusal names the page's own kind only
    if result.kind not in (None, *accepted):
        prep.message = message_autre_type(kind, result.kind)
        if auditer and prep.audit_id is None:
            auditer_refus(prep, db, personne=personne)
        return prep
    if result.report.ok and result.preview is not None:
        prep.apercu = Apercu(result.preview, result.outcome.fingerprint, result.outcome.non_renseignees)
    return prep


def confirmer(prep: Preparation, db: str | Path | None = None, *, personne: Personne,
              empreinte: str | None = None, today: dt.date | None = None) -> Enregistrement:
    """Store the kept rows of ``prep`` exactly as previewed (fingerprint ``empreinte``, by default
    the preparation's own), if ``personne`` may upload for each of its territories and if the
    reference data are those it was validated against; else nothing is stored and, when the values
    or the reference data changed meanwhile, the fresh preview comes back (``Enregistrement.apercu``,
    and ``preparation`` when the file had to be validated again)."""
    if not prep.ok:
        return Enregistrement(False, message="Ce fichier n'est pas accepté : rien n'a été enregistré.")
    territories = sorted(set(prep.batch.column("territoire").to_pylist()))
    refused = [t for t in territories if not personne.peut_deposer(t)]
    if refused:
        return Enregistrement(False, message=(
            f"Vous ne pouvez pas déposer de données pour {', '.join(refused)} : rien n'a été enregistré."))
    r = prep.result
    meta = UploadMeta(prep.name, prep.sha256, personne.email, r.kind, r.layout, r.row_count)
    with store.connect(db) as con:
        if reference_data.reference_version(con) == prep.reference_version and r.kind == headers.ACTIONS:
            return _store_actions(con, prep, meta, empreinte or prep.apercu.empreinte, personne)
        if reference_data.reference_version(con) == prep.reference_version:
            if r.kind == headers.BUDGET:
                return _enregistrer_budget(con, prep, meta, personne, empreinte or prep.apercu.empreinte)
            done = enregistrer_apercu(con, prep.batch, meta, prep.apercu.non_renseignees,
                                      empreinte or prep.apercu.empreinte, personne, today=today)
            if done.stored and prep.comptage is not None:  # an extract's counting report, with its upload
                journaliser_comptage(con, personne.email, done.outcome.depot_id, prep.comptage.as_dict())
            return done
    # the rules the file was checked against changed (a territory, a roadmap...): check it again
    fresh = preparer(prep.data, prep.name, db, personne=personne, today=today, kind=prep.kind, periode=prep.periode)
    return Enregistrement(False, apercu=fresh.apercu, message=MESSAGE_REFERENTIEL, preparation=fresh)


def _store_actions(con, prep: Preparation, meta: UploadMeta, empreinte: str, personne: Personne) -> Enregistrement:
    """confirmer() for an actions file: stored exactly as previewed, or the fresh preview back."""
    from data.actions import store_previewed

    stored, outcome = store_previewed(con, prep.batch, meta, empreinte, personne)
    if stored:
        return Enregistrement(True, outcome=outcome)
    return Enregistrement(False, apercu=Apercu(outcome.preview, outcome.fingerprint), message=(
        "Un autre dépôt a modifié certaines de ces actions depuis l'aperçu : rien n'a été enregistré. L'aperçu "
        "ci-dessous est à jour ; vérifiez-le puis confirmez à nouveau."))


def _enregistrer_budget(con, prep: Preparation, meta: UploadMeta, personne: Personne, empreinte: str) -> Enregistrement:
    """Store a budget preparation if its lines are still as previewed (data.budget.apply_budget
    checks the fingerprint and the person's rights in its transaction), with the warnings the
    preparation showed in its audit."""
    from data.budget import apply_budget

    report = prep.report
    with store.WRITE_LOCK:
        outcome = apply_budget(con, prep.batch, meta, personne=personne, empreinte=empreinte,
                               warnings=[p.as_dict() for p in report.sorted_warnings()],
                               warning_count=report.warning_count, non_renseignees=prep.apercu.non_renseignees)
    if outcome.depot_id is None:
        return Enregistrement(False, apercu=Apercu(outcome.preview, outcome.fingerprint), message=(
            "Un autre dépôt a modifié certaines de ces lignes budgétaires depuis l'aperçu : rien n'a été enregistré. "
            "L'aperçu ci-dessous est à jour ; vérifiez-le puis confirmez à nouveau."))
    return Enregistrement(True, outcome=outcome)


def auditer_refus(prep: Preparation, db: str | Path | None = None, *, personne: Personne) -> int:
    """Record a refused drop in the upload audit, once (preparer(auditer=True) already does): with
    what validation found, nothing is read again."""
    if prep.audit_id is not None:
        return prep.audit_id
    report = prep.report
    problems = [p.as_dict() for p in report.sorted_errors() + report.sorted_warnings()]
    if prep.message:
        problems.insert(0, {"message": prep.message})
    r = prep.result
    meta = UploadMeta(prep.name, prep.sha256, personne.email, r.kind, r.layout, r.row_count)
    with store.connect(db) as con:
        ref = None if personne.perimetre_depot is not None else reference_data.from_store(con)
        prep.audit_id = record_refused(con, meta, max(report.error_count, 1), problems,
                                       territories=audit_territories(r, _allowed(personne), ref))
    return prep.audit_id
