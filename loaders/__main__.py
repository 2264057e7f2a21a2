"""Command line: python -m loaders import|export|demo (a contract for scripts and scheduled jobs).

Exit codes: 0 done; 1 file refused (nothing stored); 2 usage error or unreadable path;
3 database busy beyond the allowed wait (nothing stored): core.errors, mapped to the output by
core.cli.executer.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from data import store
from core.errors import EXIT_OK, DepotRefuse, UtilisationIncorrecte
from core.cli import ParseurFrancais, executer
from loaders import headers
from loaders.summary import lignes_detail


_Parser = ParseurFrancais  # French help and usage errors (exit 2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m loaders", description="Imports, exports et base de démonstration.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    imp = sub.add_parser("import", help="importer un fichier (valeurs, feuille de route, territoires, personnes, "
                                        "actions, budget ou extrait SI-SIAO)")
    imp.add_argument("file", metavar="FICHIER")
    imp.add_argument("--db", metavar="CHEMIN", help="chemin de la base DuckDB (défaut : $LDA_DB ou data/lda.duckdb)")
    imp.add_argument("--kind", choices=headers.KINDS, help="forcer le type de fichier")
    imp.add_argument("--du", metavar="DATE", type=_date,
                     help="extrait SI-SIAO : premier jour de la période d'extraction, AAAA-MM-JJ "
                          "(défaut : date de la première demande)")
    imp.add_argument("--au", metavar="DATE", type=_date,
                     help="extrait SI-SIAO : dernier jour de la période d'extraction (défaut : date de la dernière demande)")
    imp.add_argument("--mapping", metavar="FICHIER",
                     help="extrait SI-SIAO : correspondance des colonnes (colonne_export;colonne_documentee ; "
                          "défaut : celle de l'équipe nationale, sinon data/reference/siao_mapping.csv)")
    imp.add_argument("--dry-run", action="store_true", help="valider et compter sans rien enregistrer")
    imp.add_argument("--user", default=None, metavar="NOM",
                     help="nom de la personne qui dépose (défaut : utilisateur système)")
    exp = sub.add_parser("export", help="exporter au format de dépôt les valeurs courantes, les actions des feuilles "
                                        "de route ou les lignes budgétaires (--kind)",
                         description="Exporte au format de dépôt (il se réimporte tel quel) : les valeurs courantes "
                                     "(défaut), les actions des feuilles de route (--kind actions) ou les lignes "
                                     "budgétaires de la fiche 5 (--kind budget).")
    exp.add_argument("--db", metavar="CHEMIN", help="chemin de la base DuckDB (défaut : $LDA_DB ou data/lda.duckdb)")
    exp.add_argument("--out", metavar="FICHIER", help="fichier de sortie (défaut : sortie standard pour le CSV) ; "
                                                      "son extension (.csv ou .xlsx) doit être celle du format")
    exp.add_argument("--format", choices=("csv", "xlsx"), default=None,
                     help="format de l'export (défaut : celui de l'extension de --out, sinon csv)")
    exp.add_argument("--history", action="store_true", help="ajouter toutes les révisions antérieures (valeurs)")
    exp.add_argument("--kind", choices=("values", headers.ACTIONS, "budget"), default="values",
                     help="quoi exporter : les valeurs (défaut), les actions des feuilles de route ou les lignes budgétaires de la fiche 5")
    demo = sub.add_parser("demo", help="(re)construire la base de démonstration")
    demo.add_argument("--db", metavar="CHEMIN")
    return parser


def _date(text: str):
    """An AAAA-MM-JJ date of the command line."""
    import datetime as dt

    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas une date AAAA-MM-JJ") from None


def _default_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:
        return "ligne-de-commande"


def _os_reason(exc: OSError) -> str:
    """French reason for the usual file-system errors."""
    if isinstance(exc, FileNotFoundError):
        return "fichier ou dossier introuvable"
    if isinstance(exc, IsADirectoryError):
        return "c'est un dossier, pas un fichier"
    if isinstance(exc, PermissionError):
        return "permission refusée"
    return f"erreur système ({exc.errno})"


def cmd_import(args) -> int:
    from loaders.importer import import_bytes

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UtilisationIncorrecte(f"Impossible de lire le fichier {path} : {_os_reason(exc)}.") from exc
    siao = _siao_options(args)
    result = import_bytes(data, path.name, args.db, kind=args.kind, user=args.user or _default_user(),
                          dry_run=args.dry_run, path=path, **siao)
    print(f"Type détecté : {result.kind_label}")
    if result.comptage is not None:
        print("Comptage de l'extrait SI-SIAO :")
        for line in result.comptage.lignes():
            print("  " + line)
    report = result.report
    if not report.ok:
        raise DepotRefuse(f"Fichier refusé : {report.summary()}. Rien n'a été enregistré.", rapport=report,
                          lignes=lignes_detail(report))
    verb = "Simulation (rien n'a été enregistré)" if args.dry_run else "Enregistré"
    print(f"{verb} : {result.counts_line()}")
    if result.kind == headers.BUDGET:
        from loaders.budget import lignes_conservees

        for line in lignes_conservees(result.outcome):
            print("  " + line)
    if report.warning_count:
        print(f"{report.warning_count} avertissement(s) :")
        for problem in report.sorted_warnings():
            print("  " + problem.as_line())
    return EXIT_OK


def _siao_options(args) -> dict:
    """The period and mapping of an SI-SIAO extract, from --du, --au and --mapping."""
    if (args.du is None) != (args.au is None):
        raise UtilisationIncorrecte("Erreur d'utilisation : --du et --au vont ensemble (ou aucun des deux).")
    options: dict = {}
    if args.du is not None:
        from loaders.siao import Periode

        options["periode"] = Periode(args.du, args.au)
    if args.mapping:
        from loaders import siao_mapping

        path = Path(args.mapping)
        try:
            mapping, report = siao_mapping.depuis_fichier(path)
        except OSError as exc:
            raise UtilisationIncorrecte(f"Impossible de lire la correspondance {path} : {_os_reason(exc)}.") from exc
        if mapping is None:
            raise DepotRefuse(f"Correspondance refusée ({path.name}) : {report.summary()}. Rien n'a été enregistré.",
                              rapport=report, lignes=lignes_detail(report))
        options["mapping"] = mapping
    return options


def cmd_export(args) -> int:
    from loaders.export import export_actions, export_budget, export_values

    suffix = Path(args.out).suffix.lower() if args.out else ""
    fmt = args.format or ("xlsx" if suffix == ".xlsx" else "csv")
    if suffix in (".csv", ".xlsx") and suffix != f".{fmt}":
        raise UtilisationIncorrecte(f"Erreur d'utilisation : --format {fmt} et --out {args.out} se contredisent "
                                    f"(un fichier {suffix} n'est pas un export {fmt}) ; rien n'a été écrit.")
    if fmt == "xlsx" and not args.out:
        raise UtilisationIncorrecte("Erreur d'utilisation : --out est obligatoire pour un export xlsx.")
    if args.kind == headers.ACTIONS and args.history:
        raise UtilisationIncorrecte("Erreur d'utilisation : --history ne s'applique qu'aux valeurs.")
    with store.connect(args.db) as con:
        if args.kind == headers.ACTIONS:
            payload = export_actions(con, fmt=fmt)
        elif args.kind == "budget":
            if args.history:
                raise UtilisationIncorrecte("Erreur d'utilisation : --history ne s'applique qu'aux valeurs.")
            payload = export_budget(con, fmt=fmt)
        else:
            payload = export_values(con, fmt=fmt, history=args.history)
    if args.out:
        try:
            Path(args.out).write_bytes(payload)
        except OSError as exc:
            raise UtilisationIncorrecte(f"Impossible d'écrire {args.out} : {_os_reason(exc)}.") from exc
        print(f"Export écrit dans {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(payload)
    return EXIT_OK


def cmd_demo(args) -> int:
    from loaders.demo import build_demo

    summary = build_demo(args.db)
    print(summary)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = {"import": cmd_import, "export": cmd_export, "demo": cmd_demo}[args.command]
    return executer(lambda: handler(args))


if __name__ == "__main__":
    sys.exit(main())
