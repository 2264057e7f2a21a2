"""Validation problems, frictionless-style: a stable code, a spreadsheet line (header = 1), a column,
the value as written, and a French message built from the code's template.

A report never raises for bad data; it lists problems up to PLAFOND_PROBLEMES and counts the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indicators.parametres import PLAFOND_PROBLEMES

ERREUR = "erreur"
PREMIERES_LIGNES = 5  # lines kept per code for the summary of a report
AVERTISSEMENT = "avertissement"

# code -> (severity, French template). Templates use str.format fields given by the validator.
CODES: dict[str, tuple[str, str]] = {
    # the file as a whole
    "fichier-vide": (ERREUR, "Le fichier est vide : il ne contient aucune ligne de données sous l'en-tête."),
    "fichier-illisible": (ERREUR, "Le fichier n'est pas un texte lisible ni un classeur Excel : dans Excel, « Enregistrer sous » « CSV (séparateur : point-virgule) » ou « Classeur Excel (.xlsx) », puis déposez-le à nouveau (détail pour l'assistance : {detail})."),
    "fichier-trop-gros": (ERREUR, "Le fichier pèse {taille} Mo ; la limite est de {limite} Mo."),
    "classeur-refuse": (ERREUR, "Le classeur est refusé : {detail}."),
    "classeur-illisible": (ERREUR, "Le classeur .xlsx ne peut pas être lu : {detail}. Enregistrez-le à nouveau "
                                   "depuis Excel ou LibreOffice, ou déposez-le en CSV."),
    "classeur-trop-gros": (ERREUR, "Le classeur dépasse {limite} Mo une fois décompressé, le plafond permis : "
                                   "déposez-le en CSV ou en plusieurs fichiers."),
    "trop-de-lignes": (ERREUR, "Le fichier compte plus de {limite} lignes, le plafond permis : déposez-le en "
                               "plusieurs fichiers."),
    "trop-de-colonnes": (ERREUR, "La ligne {ligne} compte plus de {limite} colonnes, le plafond permis : "
                                 "retirez les colonnes inutiles."),
    "type-inconnu": (ERREUR, "L'en-tête ne correspond à aucun type de fichier connu. Colonnes attendues : {attendu}."),
    # the header (line 1)
    "colonne-manquante": (ERREUR, "La colonne obligatoire « {colonne} » est absente. Colonnes attendues : {attendu}."),
    "colonne-en-double": (ERREUR, "La colonne « {colonne} » apparaît plusieurs fois dans l'en-tête."),
    "colonne-inconnue": (ERREUR, "La colonne « {colonne} » n'est pas un indicateur connu : ses valeurs seraient perdues.{suggestion}"),
    "colonne-vide": (ERREUR, "Une colonne de l'en-tête n'a pas de nom (colonne n° {position})."),
    "colonne-ignoree": (AVERTISSEMENT, "La colonne « {colonne} » n'est pas utilisée et sera ignorée."),
    "disposition-mixte": (ERREUR, "La colonne « {colonne} » porte le nom d'un indicateur alors que le fichier est en disposition longue (une valeur par ligne, colonnes indicateur et valeur) : ses valeurs seraient perdues. Mettez ces valeurs sur des lignes à part, ou déposez un fichier en disposition large (une colonne par indicateur, sans colonnes indicateur ni valeur)."),
    # rows
    "ligne-longueur": (ERREUR, "La ligne compte {trouve} cellules alors que l'en-tête en compte {attendu}."),
    "cellule-obligatoire": (ERREUR, "La cellule « {colonne} » est obligatoire."),
    "territoire-inconnu": (ERREUR, "Le code territoire « {valeur} » n'est pas dans la liste des territoires.{suggestion}"),
    "territoire-hors-programme": (ERREUR, "« {valeur} » ({nom}) existe mais n'est pas un territoire du programme ; un administrateur national doit d'abord l'ajouter."),
    "territoire-hors-perimetre": (ERREUR, "Le territoire « {valeur} » est hors de votre périmètre : vous ne pouvez déposer que pour {perimetre}."),
    "collectivite-inconnue": (ERREUR, "« {valeur} » n'est ni un SIREN d'EPCI ni un code INSEE de commune ou de département connu.{suggestion}"),
    "indicateur-inconnu": (ERREUR, "L'indicateur « {valeur} » n'existe pas dans le catalogue.{suggestion}"),
    "indicateur-derive": (ERREUR, "« {valeur} » est un indicateur calculé ({nature}) : il ne se dépose pas. Déposez plutôt {bases}."),
    "trimestre-invalide": (ERREUR, "Le trimestre « {valeur} » n'est pas reconnu. Formes acceptées : {formes}."),
    "trimestre-futur": (ERREUR, "Le trimestre {trimestre} n'est pas encore commencé (trimestre en cours : {courant})."),
    "trimestre-trop-ancien": (ERREUR, "Le trimestre {trimestre} est antérieur à {annee} : il n'est pas accepté."),
    "valeur-invalide": (ERREUR, "« {valeur} » n'est pas un nombre. Écrivez par exemple 1234 ou 1 234,5 ; laissez vide ou écrivez NC si la valeur n'est pas connue."),
    "valeur-pourcentage": (ERREUR, "« {valeur} » : les pourcentages ne se déposent pas ; les taux sont calculés à partir de leur numérateur et de leur dénominateur."),
    "valeur-erreur-formule": (ERREUR, "« {valeur} » est une erreur de formule Excel : corrigez la formule ou laissez la cellule vide."),
    "valeur-formule-non-calculee": (ERREUR, "« {valeur} » est une formule dont le résultat n'a pas été enregistré : ouvrez et enregistrez le classeur dans Excel, ou collez les valeurs seules."),
    "valeur-negative": (ERREUR, "« {valeur} » est négatif : un nombre de {unite} ne peut pas être négatif."),
    "valeur-non-entiere": (ERREUR, "« {valeur} » n'est pas un nombre entier : un nombre de {unite} doit être entier."),
    "doublon-contradictoire": (ERREUR, "Le même territoire, indicateur et trimestre figure déjà ligne {autre_ligne} avec une autre valeur ({autre_valeur})."),
    # roadmap
    "fenetre-invalide": (ERREUR, "La fin ({fin}) doit être postérieure au début ({debut})."),
    "fenetre-incoherente": (ERREUR, "Toutes les lignes d'un territoire doivent avoir la même période : {debut} – {fin} ici, {autre_debut} – {autre_fin} ligne {autre_ligne}."),
    "base-manquante": (ERREUR, "La valeur de base est obligatoire pour un indicateur de nature « {nature} »."),
    "cible-egale-base": (ERREUR, "La cible ({cible}) doit différer de la valeur de base : la progression se mesure de l'une à l'autre."),
    "cible-baisse-stock": (ERREUR, "Pour un indicateur à faire baisser, la cible ({cible}) doit être inférieure à la valeur de base ({base})."),
    "pourcentage-hors-bornes": (ERREUR, "« {valeur} » : un pourcentage doit être compris entre 0 et 100."),
    "doublon-territoire": (ERREUR, "Le même code territoire figure déjà ligne {autre_ligne} avec d'autres informations."),
    "doublon-feuille": (ERREUR, "Le même territoire et indicateur figure déjà ligne {autre_ligne}."),
    "jalon-ignore": (AVERTISSEMENT, "Le jalon de fin de première année est ignoré : la feuille de route ne dure que {n} trimestres."),
    "renouvellement": (AVERTISSEMENT, "La période {debut} – {fin} diffère de la feuille de route en cours ({ancien_debut} – {ancien_fin}) : une nouvelle feuille de route sera créée, l'ancienne est conservée."),
    # territories
    "vague-manquante": (ERREUR, "La vague de sélection est obligatoire (par exemple « AMI 1 »)."),
    "type-territoire-invalide": (ERREUR, "Le type « {valeur} » n'est pas reconnu. Types acceptés : commune, epci, departement, groupement."),
    "membre-inconnu": (ERREUR, "Le membre « {valeur} » n'est ni un SIREN d'EPCI ni un code INSEE de commune ou de département connu."),
    # people (email;role;code_territoire)
    "email-invalide": (ERREUR, "« {valeur} » n'est pas une adresse électronique valide (forme attendue : prenom.nom@domaine.fr)."),
    "role-inconnu": (ERREUR, "Le rôle « {valeur} » n'existe pas. Rôles possibles : {roles}."),
    "territoire-requis": (ERREUR, "Le rôle « {role} » exige un code territoire : indiquez le territoire de la personne."),
    "territoire-superflu": (ERREUR, "Le rôle « {role} » ne se rattache à aucun territoire : laissez la cellule vide."),
    "territoire-inactif": (ERREUR, "Le territoire « {valeur} » ({nom}) n'est plus actif dans le programme."),
    "actif-invalide": (ERREUR, "« {valeur} » : écrivez oui ou non (vide vaut oui)."),
    "doublon-personne": (ERREUR, "La même adresse électronique figure déjà ligne {autre_ligne}."),
    "personnes-non-autorise": (ERREUR, "Seule l'équipe nationale (rôle national) peut importer des personnes : le fichier est refusé."),
    "dernier-national": (ERREUR, "Ce fichier ne laisserait aucune personne active dans l'équipe nationale : cette personne perdrait son rôle national ou serait désactivée. Gardez au moins un administrateur national actif, au besoin en l'ajoutant dans ce fichier, sinon plus personne ne pourrait gérer les accès."),
    # warnings on values
    "saut-trimestriel": (AVERTISSEMENT, "{valeur} est {sens} par plus de {facteur} par rapport au trimestre précédent ({precedent} au {trimestre_precedent}) : vérifiez la saisie."),
    "revision-ancienne": (AVERTISSEMENT, "Révision d'une valeur de plus d'un an ({trimestre}) : {ancienne} devient {nouvelle}."),
}


@dataclass(frozen=True)
class Problem:
    """One problem found in a file. ``line`` is None for a problem of the whole file."""

    code: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    params: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def severity(self) -> str:
        return CODES[self.code][0]

    @property
    def message(self) -> str:
        params = {"valeur": self.value, "colonne": self.column, "suggestion": ""} | self.params
        return CODES[self.code][1].format(**params)

    def as_dict(self) -> dict:
        """Plain form for JSON, tables and exports."""
        return {
            "ligne": self.line,
            "colonne": self.column,
            "valeur": self.value,
            "code": self.code,
            "gravite": self.severity,
            "message": self.message,
        }

    def as_line(self) -> str:
        """One line for the command line: ``ligne N, colonne « c », valeur « v » : message``."""
        parts = []
        if self.line is not None:
            parts.append(f"ligne {self.line}")
        if self.column is not None:
            parts.append(f"colonne « {self.column} »")
        if self.value is not None:
            parts.append(f"valeur « {self.value} »")
        head = ", ".join(parts)
        return escaped(f"{head} : {self.message} [{self.code}]" if head else f"{self.message} [{self.code}]")


# what a terminal could take as a command, or what would split or reorder a line: control characters
# (C0, DEL, C1: ESC and CSI start terminal escape sequences), line separators, bidirectional overrides
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escaped(text: str) -> str:
    """``text`` with the characters a terminal could act on written as Python escapes (\\x1b,
    \\u202e): cells quoted on the command line can never drive the terminal."""
    return _UNSAFE.sub(lambda m: _NAMED.get(m.group()) or repr(m.group())[1:-1], text)


@dataclass
class Report:
    """Problems of one file, capped at ``cap`` listed errors (warnings capped apart)."""

    cap: int = PLAFOND_PROBLEMES
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    # code -> [count, first lines] over every problem, listed or only counted (see loaders.resume)
    par_code: dict[str, list] = field(default_factory=dict)

    def _tally(self, code: str, n: int, lines) -> None:
        entry = self.par_code.setdefault(code, [0, []])
        entry[0] += n
        entry[1] = sorted(set(entry[1]) | {line for line in lines if line is not None})[:PREMIERES_LIGNES]

    def add(self, problem: Problem) -> None:
        self._tally(problem.code, 1, [problem.line])
        if problem.severity == ERREUR:
            self.error_count += 1
            if len(self.errors) < self.cap:
                self.errors.append(problem)
        else:
            self.warning_count += 1
            if len(self.warnings) < self.cap:
                self.warnings.append(problem)

    def extend(self, problems) -> None:
        for problem in problems:
            self.add(problem)

    def count_more(self, severity: str, n: int, by_code: dict[str, tuple[int, list]] | None = None) -> None:
        """Count problems that were not materialised because the cap was reached; ``by_code``
        gives them per code as (count, first lines)."""
        for code, (count, lines) in (by_code or {}).items():
            self._tally(code, count, lines)
        if severity == ERREUR:
            self.error_count += n
        else:
            self.warning_count += n

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def sorted_errors(self) -> list[Problem]:
        return sorted(self.errors, key=lambda p: (p.line or 0, p.column or "", p.code))

    def sorted_warnings(self) -> list[Problem]:
        return sorted(self.warnings, key=lambda p: (p.line or 0, p.column or "", p.code))

    def truncated(self, severity: str = ERREUR) -> int:
        """How many problems are counted but not listed."""
        if severity == ERREUR:
            return self.error_count - len(self.errors)
        return self.warning_count - len(self.warnings)

    def summary(self) -> str:
        """French summary: « 3 problèmes sur 2 lignes »."""
        lines = {p.line for p in self.errors if p.line is not None}
        n = self.error_count
        s = "problème" if n == 1 else "problèmes"
        if not lines:
            return f"{n} {s}"
        nl = len(lines)
        more = "au moins " if self.truncated() else ""
        return f"{n} {s} sur {more}{nl} ligne{'s' if nl > 1 else ''}"
