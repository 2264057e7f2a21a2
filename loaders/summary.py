"""The summary of a report per kind of problem: a French label (loaders.problems.CODES), how many,
and the first lines.

A report lists at most PLAFOND_PROBLEMES problems, in line order: when one kind fills the cap (700
rows out of the uploader's scope), the others would be listed nowhere. The summary counts every
problem, listed or only counted (Report.par_code, filled by the validation), so each kind shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from loaders.problems import CODES, ERREUR, Report


@dataclass(frozen=True)
class KindOfProblem:
    """One kind of problem of a report: every occurrence counted, the first lines kept."""

    code: str
    libelle: str
    nombre: int
    premieres_lignes: tuple[int, ...]

    def lignes_texte(self) -> str:
        """« 2, 3, 4, 5, 6… » (an ellipsis when more lines have it); "" for the file as a whole."""
        text = ", ".join(str(line) for line in self.premieres_lignes)
        return text + ("…" if text and self.nombre > len(self.premieres_lignes) else "")

    def as_line(self) -> str:
        """For the command line: « 700 × Territoire hors de votre périmètre (lignes 2, 3…) [code] »."""
        where = f" (ligne{'s' if len(self.premieres_lignes) > 1 else ''} {self.lignes_texte()})" \
            if self.premieres_lignes else ""
        return f"{self.nombre} × {self.libelle}{where} [{self.code}]"


def resume_par_code(report: Report, severity: str = ERREUR) -> list[KindOfProblem]:
    """Each kind of problem of ``severity`` in ``report``, in the order of its first line (the file
    and its header first); counts include the problems beyond the cap."""
    kinds = [
        KindOfProblem(code, CODES[code].libelle, count, tuple(lines))
        for code, (count, lines) in report.par_code.items() if CODES[code].gravite == severity and count
    ]
    return sorted(kinds, key=lambda k: (k.premieres_lignes[:1] or (0,), k.code))


def lignes_detail(report: Report) -> list[str]:
    """The errors of ``report`` for a terminal, after its summary: per kind first when the capped
    detail would hide some, then one line per problem, then how many are not listed."""
    lines = []
    if resume_utile(report):  # every kind, counted beyond the cap too
        lines += ["Problèmes par type :"] + ["  " + kind.as_line() for kind in resume_par_code(report)] + ["Détail :"]
    lines += [problem.as_line() for problem in report.sorted_errors()]
    if report.truncated(ERREUR):
        lines.append(f"… et {report.truncated(ERREUR)} autres problèmes non listés "
                     f"(plafond de {report.cap} problèmes par rapport).")
    return lines


RESUME_AU_DELA = 20  # a report of more problems than this, of several kinds, is summarised first


def resume_utile(report: Report) -> bool:
    """Whether the summary says more than the detail: some problems are not listed, or many of
    several kinds are."""
    kinds = {code for code, (count, _) in report.par_code.items() if count and CODES[code].gravite == ERREUR}
    return bool(report.truncated()) or (len(kinds) > 1 and report.error_count > RESUME_AU_DELA)


COLONNES_RESUME = ["Problème", "Nombre", "Premières lignes", "Code"]


def tableau_resume(report: Report, lines: dict[int, int | None] | None = None):
    """The summary as a table (problème / nombre / premières lignes / code); with ``lines``, the
    lines of a rebuilt file are shown as the original file's (« ajoutée » for a row added)."""
    import pandas as pd

    rows = []
    for kind in resume_par_code(report):
        if lines is not None:
            shown = ["ajoutée" if lines.get(n, n) is None else str(lines.get(n, n)) for n in kind.premieres_lignes]
            kind_lines = ", ".join(shown) + ("…" if shown and kind.nombre > len(shown) else "")
        else:
            kind_lines = kind.lignes_texte()
        rows.append([kind.libelle, kind.nombre, kind_lines, kind.code])
    return pd.DataFrame(rows, columns=COLONNES_RESUME)
