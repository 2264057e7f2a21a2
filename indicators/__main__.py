"""Command line: python -m indicators progress|national|completeness|actions (a contract for scripts).

    python -m indicators progress --territory CODE [--at QUARTER] [--db PATH] [--format table|csv|json]
    python -m indicators national [--at QUARTER] [--db PATH] [--format table|csv|json]
    python -m indicators completeness [--at QUARTER] [--db PATH] [--format table|csv|json]
    python -m indicators actions [--territory CODE] [--at QUARTER] [--db PATH] [--format table|csv|json]
    python -m indicators budget [--territory CODE] [--exercice YYYY] [--db PATH] [--format table|csv|json]

csv: ``;``-separated, UTF-8, decimal point, empty cell where a figure does not exist (for machines);
json: a list of records; table: French formatting for a terminal (1 234,5 ; 45,6 %).
Exit codes: 0 done; 1 unknown territory or territory without a roadmap; 2 usage error or
unreadable database; 3 database busy beyond the allowed wait: core.errors, mapped to the output by
core.cli.executer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import re
import sys

import pandas as pd

from core.errors import EXIT_OK, SaisieInvalide
from core.cli import ParseurFrancais, executer
from indicators import budget, completeness, national, progress, status
from core import quarters
from core.formatting import number
from data.registre import TERRITOIRE

FORMATS = ("table", "csv", "json")

NATIONAL_COLUMNS = [
    "indicateur", "nature", "sens", "trimestre", "valeur", "territoires_renseignes", "pour_100000",
    "territoires_avec_cible", "territoires_avancement", "realise_total", "cible_total",
    "avancement_national_pct",
] + [f"nb_{code}" for code in status.STATUTS]

# Headers of the terminal table.
HEADERS = {
    "indicateur": "Indicateur", "nature": "Nature", "sens": "Sens", "debut": "Début", "fin": "Fin",
    "valeur_base": "Base", "cible": "Cible", "realise": "Réalisé", "attendu": "Attendu",
    "avancement_pct": "Avancement", "statut": "Statut", "projection_fin": "Projection fin",
    "trimestres_ecoules": "Trim. écoulés", "trimestres_renseignes": "Trim. renseignés",
    "trimestre": "Trimestre", "valeur": "Valeur nationale", "territoires_renseignes": "Territoires",
    "pour_100000": "Pour 100 000 hab.", "territoires_avec_cible": "Avec cible",
    "territoires_avancement": "Comptés", "realise_total": "Réalisé total", "cible_total": "Cible totale",
    "avancement_national_pct": "Avancement national", "territoire": "Territoire", "nom": "Nom",
    "attendus": "Attendus", "renseignes": "Renseignés", "taux_completude": "Complétude",
    "premiere_arrivee": "Première arrivée", "delai_jours": "Délai (jours)",
    **{f"nb_{code}": label for code, label in status.LIBELLES.items()},
    # actions (indicators/actions.py): their own status counts
    "axe": "Axe", "priorite": "Priorité", "nb_actions": "Actions", "en_retard": "En retard",
    "avancement_moyen": "Avancement moyen", "nb_a_venir": "À venir", "nb_en_cours": "En cours",
    "nb_realisee": "Réalisées", "nb_en_pause": "En pause", "nb_bloquee": "Bloquées", "nb_abandonnee": "Abandonnées",
    "nb_non_renseigne": "Non renseignées",
    # budget (indicators/budget.py)
    "exercice": "Exercice", "poste": "Poste", "financeur": "Financeur", "prevu": "Prévu", "engage": "Engagé",
    "verse": "Versé", "taux_engagement": "Taux d'engagement", "taux_versement": "Taux de versement",
    "coordination_conforme": "Coordination 50/50",
}
QUARTER_COLUMNS = {"debut", "fin", "trimestre"}
PERCENT_COLUMNS = {"avancement_pct", "avancement_national_pct", "taux_completude", "avancement_moyen",
                   "taux_engagement", "taux_versement"}
EURO_COLUMNS = {"prevu", "engage", "verse"}


_Parser = ParseurFrancais  # French help and usage errors (exit 2)


def _quarter(text: str) -> str:
    try:
        return quarters.reference(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (French help and messages)."""
    parser = _Parser(prog="python -m indicators",
                     description="Progression, tableau national et complétude des territoires.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser,
                                title="commandes", metavar="{progress,national,completeness,actions,budget}")
    prog = sub.add_parser("progress", help="progression d'un territoire vers ses cibles")
    prog.add_argument("--territory", required=True, metavar="CODE", help="code du territoire")
    for command in (prog,
                    sub.add_parser("national", help="chiffres nationaux, avancement et statuts par indicateur"),
                    sub.add_parser("completeness", help="complétude et délai de dépôt par territoire")):
        _common_options(command)
    acts = sub.add_parser("actions", help="actions des feuilles de route : statuts par axe, retards, avancement")
    acts.add_argument("--territory", metavar="CODE", help="code du territoire (défaut : tous les territoires actifs)")
    _common_options(acts)
    bud = sub.add_parser("budget", help="budget de la fiche 5 : montants, taux et 50/50 du poste de coordination")
    bud.add_argument("--territory", metavar="CODE", help="code du territoire (défaut : tous)")
    bud.add_argument("--exercice", type=_year, metavar="AAAA", help="exercice budgétaire (défaut : tous)")
    bud.add_argument("--db", metavar="CHEMIN", help="chemin de la base DuckDB (défaut : $LDA_DB ou data/lda.duckdb)")
    bud.add_argument("--format", choices=FORMATS, default="table", help="format de sortie (défaut : table)")
    return parser


def _year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text.strip()):
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas une année sur quatre chiffres (par exemple 2024)")
    return int(text)


def _common_options(command: argparse.ArgumentParser) -> None:
    """--at, --db, --format: after a command's own arguments, as README's synopsis writes them."""
    command.add_argument("--at", type=_quarter, default=None, metavar="TRIMESTRE",
                         help=f"trimestre de référence ({quarters.ACCEPTED_FORMS}) ; "
                              "défaut : le dernier trimestre complet")
    command.add_argument("--db", metavar="CHEMIN",
                         help="chemin de la base DuckDB (défaut : $LDA_DB ou data/lda.duckdb)")
    command.add_argument("--format", choices=FORMATS, default="table", help="format de sortie (défaut : table)")


# --------------------------------------------------------------------------------------------
# Output


def _missing(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _plain(value):
    """A cell as a JSON-ready Python value (None where no figure exists)."""
    if _missing(value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.isoformat(sep=" ", timespec="seconds")
    return value


def _csv_cell(value) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):  # coordination_conforme: true / false, as in JSON
        return "true" if value else "false"
    if isinstance(value, float):
        # six decimals are plenty for counts and percentages, and never an exponent
        return format(round(value, 6), "f").rstrip("0").rstrip(".")
    return str(value)


# the terminal table's figures: plain spaces and an ASCII minus, as a terminal and a pipe expect
TERMINAL = {"thousands": " ", "minus": "-", "missing": ""}


def _table_cell(column: str, value) -> str:
    if _missing(value):
        return "—"
    if column == "statut":
        return status.libelle(value)
    if column in QUARTER_COLUMNS and isinstance(value, str) and quarters.parse(value) == value:
        return quarters.label(value)
    if column == "exercice":
        return str(value)
    if column == "coordination_conforme":
        return "conforme" if value else "non conforme"
    if column in EURO_COLUMNS:
        return budget.euros(value)
    if column in PERCENT_COLUMNS:
        return number(_plain(float(value)), 1, **TERMINAL) + " %"
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, (int, float)) or hasattr(value, "item"):
        value = _plain(value)
        return number(value, 0 if isinstance(value, int) else 1, **TERMINAL)
    return str(value)


def render(frame: pd.DataFrame, fmt: str) -> str:
    """The frame as csv, json or a French terminal table."""
    if fmt == "csv":
        lines = [";".join(frame.columns)]
        for row in frame.itertuples(index=False):
            lines.append(";".join(_csv_cell(v) for v in row))
        return "\n".join(lines) + "\n"
    if fmt == "json":
        records = [{c: _plain(v) for c, v in zip(frame.columns, row)} for row in frame.itertuples(index=False)]
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    header = [HEADERS.get(c, c) for c in frame.columns]
    body = [[_table_cell(c, v) for c, v in zip(frame.columns, row)] for row in frame.itertuples(index=False)]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]

    def line(cells):
        return "  ".join(c.rjust(w) if num else c.ljust(w) for c, w, num in zip(cells, widths, numeric)).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)] + [line(r) for r in body]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# Commands


def _territory_name(con, code: str) -> str:
    found = con.execute(f"SELECT nom FROM {TERRITOIRE} WHERE code = ?", [code]).fetchall()
    if not found:
        raise SaisieInvalide(f"Territoire inconnu : « {code} ». Vérifiez le code (SIREN d'un EPCI, code INSEE "
                             "d'une commune ou d'un département).")
    return found[0][0]


def cmd_progress(con, args, at: str) -> int:
    """progress --territory CODE: one row per indicator of the territory's roadmap."""
    code = args.territory.strip()
    nom = _territory_name(con, code)
    frame = progress.progress(con, at, [code])
    if frame.empty:
        has_roadmap = not progress.roadmap_windows(con, [code]).empty
        detail = "n'a pas de feuille de route avec des cibles" if has_roadmap else "n'a pas de feuille de route"
        raise SaisieInvalide(f"Le territoire {nom} ({code}) {detail} : aucune progression à calculer.")
    if args.format == "table":
        debut, fin = frame["debut"].iloc[0], frame["fin"].iloc[0]
        print(f"Progression de {nom} ({code}) au {quarters.label(at)} — feuille de route "
              f"{quarters.label(debut)} → {quarters.label(fin)}\n")
    sys.stdout.write(render(frame[progress.COLUMNS], args.format))
    return EXIT_OK


def cmd_national(con, args, at: str) -> int:
    """national: per indicator, the national figure, roadmap progress and status counts."""
    frame = national.national(con, at)
    if args.format == "table":
        print(f"Tableau national au {quarters.label(at)} (territoires actifs)\n")
    sys.stdout.write(render(frame[NATIONAL_COLUMNS], args.format))
    return EXIT_OK


def cmd_completeness(con, args, at: str) -> int:
    """completeness: per active territory, expected and reported values and the delay."""
    frame = completeness.completeness(con, at)
    if args.format == "table":
        print(f"Complétude des dépôts au {quarters.label(at)} (territoires actifs)\n")
    sys.stdout.write(render(frame[completeness.COLUMNS], args.format))
    return EXIT_OK


def cmd_actions(con, args, at: str) -> int:
    """actions [--territory CODE]: per territory and axe, the actions per status at ``at``, the
    late ones (en_retard) and the mean progress where reported."""
    from indicators import actions

    code = args.territory.strip() if args.territory else None
    nom = _territory_name(con, code) if code else None
    frame = actions.comptes(actions.suivi(con, at, [code] if code else None))
    if code and frame.empty:
        raise SaisieInvalide(f"Le territoire {nom} ({code}) n'a aucune action enregistrée : rien à compter.")
    if args.format == "table":
        scope = f"{nom} ({code})" if code else "territoires actifs"
        print(f"Actions des feuilles de route au {quarters.label(at)} ({scope})\n")
    sys.stdout.write(render(frame[actions.COLUMNS], args.format))
    return EXIT_OK


def cmd_budget(con, args, _at: str) -> int:
    """budget: per territory, exercice, poste and financeur the amounts and rates, and per territory
    and exercice the line coordination_conforme (indicators/budget.py)."""
    from data import budget as budget_store

    code = args.territory.strip() if args.territory else None
    nom = _territory_name(con, code) if code else None
    lignes = budget_store.lignes_agregees(con, args.exercice)
    if code:
        lignes = lignes[lignes["territoire"] == code]
    frame = budget.tableau_cli(lignes)
    if args.format == "table":
        print("Budget (fiche 5)" + (f" de {nom} ({code})" if code else "")
              + (f", exercice {args.exercice}" if args.exercice else "") + "\n")
    sys.stdout.write(render(frame, args.format))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    from data import store  # the engine itself never opens a database

    at = getattr(args, "at", None) or quarters.last_complete()
    handler = {"progress": cmd_progress, "national": cmd_national, "completeness": cmd_completeness,
               "actions": cmd_actions, "budget": cmd_budget}[args.command]

    def action() -> int:
        with store.connect(args.db) as con:
            return handler(con, args, at)

    return executer(action)


if __name__ == "__main__":
    sys.exit(main())
