"""Command line: python -m exports club|fiche|note (presentation.md's contract, stable for scripts).

    python -m exports club  [--db PATH] [--at QUARTER] [--territories CODE,CODE...] [--anonymise] --out FILE
    python -m exports fiche --territory CODE [--db PATH] [--at QUARTER] --out FILE
    python -m exports note  [--db PATH] [--at QUARTER] --out FILE

``note`` is the ministers' short note (headline figures and the map, two slides), in the same style.

FILE ends in .pptx (PowerPoint, native charts) or .html (one self-contained file). The chosen
territories of ``club`` are its scope and get a focus slide each (at most club.FOCUS_MAX).
Exit codes: 0 file written (its path and number of slides printed); 1 unknown territory, quarter
without data or empty scope; 2 usage error or unreadable database; 3 database busy.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.errors import EXIT_OK
from core.cli import ParseurFrancais, executer
from core import quarters

FORMATS = (".pptx", ".html")


def _quarter(text: str) -> str:
    try:
        return quarters.reference(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _out(text: str) -> Path:
    path = Path(text)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise argparse.ArgumentTypeError(f"« {text} » : le fichier doit se terminer par .pptx ou .html")
    if not path.parent.is_dir():
        raise argparse.ArgumentTypeError(f"dossier introuvable : « {path.parent} »")
    return path


def _codes(text: str) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    if not codes:
        raise argparse.ArgumentTypeError("aucun code de territoire")
    return codes


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (French help and messages)."""
    parser = ParseurFrancais(prog="python -m exports",
                             description="Présentations : diaporama du Club des territoires, fiche d'un territoire, note aux cabinets.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=ParseurFrancais, title="commandes",
                                metavar="{club,fiche,note}")
    common = ParseurFrancais(add_help=False)
    common.add_argument("--db", metavar="CHEMIN", help="chemin de la base DuckDB (défaut : $LDA_DB ou data/lda.duckdb)")
    common.add_argument("--at", type=_quarter, default=None, metavar="TRIMESTRE",
                        help=f"trimestre de référence ({quarters.ACCEPTED_FORMS}) ; défaut : le dernier trimestre complet")
    common.add_argument("--out", type=_out, required=True, metavar="FICHIER", help="fichier à écrire (.pptx ou .html)")
    club = sub.add_parser("club", parents=[common], help="diaporama national du Club des territoires")
    club.add_argument("--territories", type=_codes, default=(), metavar="CODE,CODE...",
                      help="territoires retenus (périmètre et diapositives de focus) ; défaut : tous les territoires actifs")
    club.add_argument("--anonymise", action="store_true",
                      help="remplacer noms et codes des territoires par « Territoire A, B… » (ordre alphabétique des codes)")
    fiche = sub.add_parser("fiche", parents=[common], help="fiche d'un territoire")
    fiche.add_argument("--territory", required=True, metavar="CODE", help="code du territoire")
    sub.add_parser("note", parents=[common], help="note aux cabinets : chiffres nationaux et carte (deux diapositives)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    from data import store
    from exports import club, fiche, html, note, pptx
    from exports.perimetre import Perimetre

    def action() -> int:
        with store.connect(args.db) as con:  # ExportImpossible: exit 1 and its message (executer)
            if args.command == "club":
                deck = club.construire(con, args.at, Perimetre(codes=args.territories),
                                       anonymiser=args.anonymise, focus=args.territories)
            elif args.command == "note":
                deck = note.construire(con, args.at)
            else:
                deck = fiche.construire(con, args.territory.strip(), args.at)
        writer = html if args.out.suffix.lower() == ".html" else pptx
        path = writer.ecrire(deck, args.out)
        print(f"{path} : {len(deck.diapos)} diapositives ({deck.trimestre}).")
        if args.command == "fiche" and (said := fiche.note_trimestre(args.at, deck)):
            print(said)
        return EXIT_OK

    return executer(action)


if __name__ == "__main__":
    sys.exit(main())
