"""An upload from the browser, in two steps: prepare (validate with the one validation, dry run,
preview) then confirm (validate again for this person, store exactly what was previewed or
nothing). No Streamlit: the page calls these, and so do the tests."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from data import store
from data.access import Personne
from data.apercu import Apercu, Enregistrement, apercu, enregistrer_apercu, enregistrer_refus
from data.uploads import UploadMeta
from loaders import headers, referentiel
from loaders.correction import lire
from loaders.importer import ImportResult, import_bytes, validate_bytes
from loaders.problems import Problem, Report

EXTENSIONS = (".csv", ".txt", ".xlsx")
MESSAGE_AUTRE_TYPE = ("Ce fichier est un fichier de {type} : cette page reçoit les valeurs trimestrielles. "
                      "Les feuilles de route et la liste des territoires sont déposées par l'équipe nationale, "
                      "sur la page Administration.")


@dataclass
class Preparation:
    """A dropped file after validation (dry run): its report and, when valid, the preview."""

    name: str
    data: bytes
    result: ImportResult
    apercu: Apercu | None = None
    message: str | None = None  # a refusal that is not a problem of the file's content

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def report(self) -> Report:
        return self.result.report

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


def preparer(data: bytes, name: str, db: str | Path | None = None, *, personne: Personne,
             today: dt.date | None = None) -> Preparation:
    """Validate ``data`` as ``personne`` would upload it and, if it is valid, preview its effect."""
    problem = _extension_problem(name)
    if problem is not None:
        report = Report()
        report.add(problem)
        return Preparation(name, data, ImportResult(None, None, report, dry_run=True))
    allowed = _allowed(personne)
    # bad data never raises (it is a report); an exception is a bug, for the page to show as one
    result = import_bytes(data, name, db, user=personne.email, dry_run=True, allowed_territories=allowed,
                          today=today)
    prep = Preparation(name, data, result)
    if result.kind not in (None, headers.VALUES):
        prep.message = MESSAGE_AUTRE_TYPE.format(type=headers.KIND_LABELS[result.kind])
        return prep
    if not result.report.ok:
        return prep
    with store.connect(db) as con:
        ref = referentiel.from_store(con)
    validated = validate_bytes(data, name, ref, kind=headers.VALUES, allowed_territories=allowed, today=today)
    if validated.ok:
        with store.connect(db) as con:
            prep.apercu = apercu(con, validated.batch, validated.non_renseignees)
    return prep


def confirmer(data: bytes, name: str, db: str | Path | None = None, *, personne: Personne, empreinte: str,
              today: dt.date | None = None) -> Enregistrement:
    """Store the previewed file: validated again with this person's rights, then stored only if the
    affected values are still those of the preview (else the fresh preview comes back)."""
    if _extension_problem(name) is not None:
        return Enregistrement(False, message="Ce fichier n'est pas accepté : rien n'a été enregistré.")
    with store.connect(db) as con:
        ref = referentiel.from_store(con)
    validated = validate_bytes(data, name, ref, kind=headers.VALUES, allowed_territories=_allowed(personne),
                               today=today)
    if not validated.ok:
        return Enregistrement(False, message=(
            f"Le fichier n'est plus valide ({validated.report.summary()}) : rien n'a été enregistré. "
            "Déposez-le à nouveau pour voir le détail."))
    meta = UploadMeta(name, validated.raw.sha256, personne.email, validated.kind, validated.layout,
                      validated.raw.row_count)
    with store.connect(db) as con:
        return enregistrer_apercu(con, validated.batch, meta, validated.non_renseignees, empreinte, personne,
                                  today=today)


def auditer_refus(prep: Preparation, db: str | Path | None = None, *, personne: Personne) -> int:
    """Record a refused drop in the upload audit (once per file: the caller decides when)."""
    scope = personne.perimetre_depot
    if scope is not None:
        territoires = list(scope)
    else:
        fichier = lire(prep.data, prep.name)
        mentioned: set[str] = set()
        if fichier is not None:
            keys = [headers.key(h) for h in fichier.header]
            if "codeterritoire" in keys:
                i = keys.index("codeterritoire")
                mentioned = {cells[i].strip() for _, cells in fichier.rows}
        with store.connect(db) as con:
            known = set(referentiel.from_store(con).territoires["code"])
        territoires = sorted(mentioned & known)
    report = prep.report
    problems = [p.as_dict() for p in report.sorted_errors() + report.sorted_warnings()]
    if prep.message:
        problems.insert(0, {"message": prep.message})
    meta = UploadMeta(prep.name, prep.sha256, personne.email, prep.result.kind, prep.result.layout,
                      prep.result.row_count)
    with store.connect(db) as con:
        return enregistrer_refus(con, meta, max(report.error_count, 1), problems, territoires)
