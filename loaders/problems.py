"""Validation problems, frictionless-style: a stable code, a spreadsheet line (header = 1), a column,
the value as written, and a French message built from the code's template.

A report never raises for bad data; it lists problems up to PLAFOND_PROBLEMES and counts the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from core import quarters
from core.formatting import de
from core.parameters import PLAFOND_PROBLEMES

# The end of « valeur-invalide »: a cell that may stay empty says how (NR spellings, loaders.rules);
# one that must be filled says so (loaders.rules.nombre(..., vide_permis=False)).
SI_VIDE = " ; laissez vide ou écrivez NC si la valeur n'est pas connue"
SI_OBLIGATOIRE = " : cette cellule est obligatoire (ni vide, ni NC)"

ERREUR = "erreur"
# A quarter a message names reads the pages' way, « T1 2026 », not the file code « 2026-T1 »; the
# cell's own text (« valeur », « colonne ») is quoted as written, whatever it looks like.
_TRIMESTRE_CANONIQUE = re.compile(r"[0-9]{4}-T[1-4]")
_TELS_QU_ECRITS = frozenset({"valeur", "colonne"})
PREMIERES_LIGNES = 5  # lines kept per code for the summary of a report
AVERTISSEMENT = "avertissement"


class Code(NamedTuple):
    """A problem code declared once: its severity, its French message template (str.format fields
    given by the validator) and its short French label, in the words of the people who fill the
    files (the summary per kind of problem, loaders.summary)."""

    gravite: str
    modele: str
    libelle: str


# code -> Code(severity, template, label): the one registry of problem codes
CODES: dict[str, Code] = {
    # the file as a whole
    "fichier-vide": Code(ERREUR, "Le fichier est vide : il ne contient aucune ligne de données sous l'en-tête.",
        "Fichier vide"),
    "fichier-illisible": Code(ERREUR, "Le fichier n'est pas un texte lisible ni un classeur Excel : dans Excel, « Enregistrer sous » « CSV (séparateur : point-virgule) » ou « Classeur Excel (.xlsx) », puis déposez-le à nouveau (détail pour l'assistance : {detail}).",
        "Fichier illisible"),
    "fichier-trop-gros": Code(ERREUR, "Le fichier pèse {taille} Mo ; la limite est de {limite} Mo.",
        "Fichier trop gros"),
    "classeur-refuse": Code(ERREUR, "Le classeur est refusé : {detail}.",
        "Classeur refusé"),
    "classeur-illisible": Code(ERREUR, "Le classeur .xlsx ne peut pas être lu : {detail}. Enregistrez-le à nouveau "
                                   "depuis Excel ou LibreOffice, ou déposez-le en CSV.",
        "Classeur illisible"),
    "classeur-trop-gros": Code(ERREUR, "Le classeur dépasse {limite} Mo une fois décompressé, le plafond permis : "
                                   "déposez-le en CSV ou en plusieurs fichiers.",
        "Classeur trop gros une fois décompressé"),
    "trop-de-lignes": Code(ERREUR, "Le fichier compte plus de {limite} lignes, le plafond permis : déposez-le en "
                               "plusieurs fichiers.",
        "Trop de lignes"),
    "trop-de-colonnes": Code(ERREUR, "La ligne {ligne} compte plus de {limite} colonnes, le plafond permis : "
                                 "retirez les colonnes inutiles.",
        "Trop de colonnes"),
    "type-inconnu": Code(ERREUR, "L'en-tête ne correspond à aucun type de fichier connu. Colonnes attendues : {attendu}.",
        "En-tête non reconnu"),
    # the header (line 1)
    "colonne-manquante": Code(ERREUR, "La colonne obligatoire « {colonne} » est absente. Colonnes attendues : {attendu}.",
        "Colonne obligatoire absente"),
    "colonne-en-double": Code(ERREUR, "La colonne « {colonne} » apparaît plusieurs fois dans l'en-tête.",
        "Colonne en double"),
    "colonne-inconnue": Code(ERREUR, "La colonne « {colonne} » n'est pas un indicateur connu : ses valeurs seraient perdues.{suggestion}",
        "Colonne inconnue"),
    "colonne-vide": Code(ERREUR, "Une colonne de l'en-tête n'a pas de nom (colonne n° {position}).",
        "Colonne sans nom"),
    "colonne-ignoree": Code(AVERTISSEMENT, "La colonne « {colonne} » n'est pas utilisée et sera ignorée.",
        "Colonne ignorée"),
    "disposition-mixte": Code(ERREUR, "La colonne « {colonne} » porte le nom d'un indicateur alors que le fichier est en disposition longue (une valeur par ligne, colonnes indicateur et valeur) : ses valeurs seraient perdues. Mettez ces valeurs sur des lignes à part, ou déposez un fichier en disposition large (une colonne par indicateur, sans colonnes indicateur ni valeur).",
        "Colonne d'indicateur dans un fichier en disposition longue"),
    # rows
    "ligne-longueur": Code(ERREUR, "La ligne compte {trouve} cellules alors que l'en-tête en compte {attendu}.",
        "Nombre de cellules incorrect"),
    "cellule-obligatoire": Code(ERREUR, "La cellule « {colonne} » est obligatoire.",
        "Cellule obligatoire vide"),
    "territoire-inconnu": Code(ERREUR, "Le code territoire « {valeur} » n'est pas dans la liste des territoires.{suggestion}",
        "Territoire inconnu"),
    "territoire-hors-programme": Code(ERREUR, "« {valeur} » ({nom}) existe mais n'est pas un territoire du programme ; un administrateur national doit d'abord l'ajouter.",
        "Territoire hors du programme"),
    "territoire-hors-perimetre": Code(ERREUR, "Le territoire « {valeur} » est hors de votre périmètre : vous ne pouvez déposer que pour {perimetre}.",
        "Territoire hors de votre périmètre"),
    "collectivite-inconnue": Code(ERREUR, "« {valeur} » n'est ni un SIREN d'EPCI ni un code INSEE de commune ou de département connu.{suggestion}",
        "Collectivité inconnue"),
    "indicateur-inconnu": Code(ERREUR, "L'indicateur « {valeur} » n'existe pas dans le catalogue.{suggestion}",
        "Indicateur inconnu"),
    "indicateur-derive": Code(ERREUR, "« {valeur} » est un indicateur calculé ({nature}) : il ne se dépose pas. Déposez plutôt {bases}.",
        "Indicateur calculé (ne se dépose pas)"),
    "trimestre-invalide": Code(ERREUR, "Le trimestre « {valeur} » n'est pas reconnu. Formes acceptées : {formes}.",
        "Trimestre non reconnu"),
    "trimestre-futur": Code(ERREUR, "Le trimestre {trimestre} n'est pas encore commencé (trimestre en cours : {courant}).",
        "Trimestre pas encore commencé"),
    "trimestre-trop-ancien": Code(ERREUR, "Le trimestre {trimestre} est antérieur à {annee} : il n'est pas accepté.",
        "Trimestre trop ancien"),
    "valeur-invalide": Code(ERREUR, "« {valeur} » n'est pas un nombre. Écrivez par exemple 1234 ou 1 234,5{si_vide}.",
        "Valeur qui n'est pas un nombre"),
    "valeur-pourcentage": Code(ERREUR, "« {valeur} » : les pourcentages ne se déposent pas ; les taux sont calculés à partir de leur numérateur et de leur dénominateur.",
        "Pourcentage déposé"),
    "valeur-erreur-formule": Code(ERREUR, "« {valeur} » est une erreur de formule Excel : corrigez la formule ou laissez la cellule vide.",
        "Erreur de formule Excel"),
    "valeur-formule-non-calculee": Code(ERREUR, "« {valeur} » est une formule dont le résultat n'a pas été enregistré : ouvrez et enregistrez le classeur dans Excel, ou collez les valeurs seules.",
        "Formule non calculée"),
    "valeur-negative": Code(ERREUR, "« {valeur} » est négatif : un nombre {de_unite} ne peut pas être négatif.",
        "Valeur négative"),
    "valeur-non-entiere": Code(ERREUR, "« {valeur} » n'est pas un nombre entier : un nombre {de_unite} doit être entier.",
        "Valeur non entière"),
    "doublon-contradictoire": Code(ERREUR, "Le même territoire, indicateur et trimestre figure déjà ligne {autre_ligne} avec une autre valeur ({autre_valeur}).",
        "Même valeur déposée deux fois, différemment"),
    # roadmap
    "fenetre-invalide": Code(ERREUR, "La fin ({fin}) doit être postérieure au début ({debut}).",
        "Période de la feuille de route incorrecte"),
    "fenetre-incoherente": Code(ERREUR, "Toutes les lignes d'un territoire doivent avoir la même période : {debut} – {fin} ici, {autre_debut} – {autre_fin} ligne {autre_ligne}.",
        "Périodes différentes pour un même territoire"),
    "base-manquante": Code(ERREUR, "La valeur de base est obligatoire pour un indicateur de nature « {nature} ».",
        "Valeur de base absente"),
    "cible-egale-base": Code(ERREUR, "La cible ({cible}) doit différer de la valeur de base : la progression se mesure de l'une à l'autre.",
        "Cible égale à la valeur de base"),
    "cible-baisse-stock": Code(ERREUR, "Pour un indicateur à faire baisser, la cible ({cible}) doit être inférieure à la valeur de base ({base}).",
        "Cible supérieure à la base (indicateur à réduire)"),
    "pourcentage-hors-bornes": Code(ERREUR, "« {valeur} » : un pourcentage doit être compris entre 0 et 100.",
        "Pourcentage hors de 0 à 100"),
    "doublon-territoire": Code(ERREUR, "Le même code territoire figure déjà ligne {autre_ligne} avec d'autres informations.",
        "Territoire en double"),
    "doublon-feuille": Code(ERREUR, "Le même territoire et indicateur figure déjà ligne {autre_ligne}.",
        "Indicateur en double"),
    "jalon-ignore": Code(AVERTISSEMENT, "Le jalon de fin de première année est ignoré : la feuille de route ne dure que {n} trimestres.",
        "Jalon ignoré"),
    "renouvellement": Code(AVERTISSEMENT, "La période {debut} – {fin} diffère de la feuille de route en cours ({ancien_debut} – {ancien_fin}) : une nouvelle feuille de route sera créée, l'ancienne est conservée.",
        "Nouvelle feuille de route"),
    # actions of the roadmap (format-suivi.md)
    "intitule-obligatoire": Code(ERREUR, "L'intitulé est obligatoire pour créer une action : cette référence n'est pas encore connue pour ce territoire.",
        "Intitulé absent pour une nouvelle action"),
    "axe-invalide": Code(ERREUR, "« {valeur} » n'est pas un axe du plan : écrivez un nombre entier de {min} à {max}.",
        "Axe incorrect"),
    "date-invalide": Code(ERREUR, "« {valeur} » n'est pas une date reconnue. Formes acceptées : {formes}.",
        "Date non reconnue"),
    "fin-avant-debut": Code(ERREUR, "La fin de l'action ({fin}) est antérieure à son début ({debut}).",
        "Fin avant le début"),
    "statut-inconnu": Code(ERREUR, "Le statut « {valeur} » n'est pas reconnu. Statuts possibles : {statuts} (« en retard » ne se saisit pas : il est calculé).",
        "Statut non reconnu"),
    "statut-manquant": Code(ERREUR, "Le statut est obligatoire quand la ligne donne un avancement ou un commentaire : un point d'étape a toujours un statut.",
        "Statut absent"),
    "avancement-invalide": Code(ERREUR, "« {valeur} » n'est pas un avancement : écrivez un pourcentage entier de 0 à 100 (40 ou 40 %).",
        "Avancement incorrect"),
    "doublon-action": Code(ERREUR, "La même action figure déjà ligne {autre_ligne} pour le même trimestre ({trimestre}) : une action n'a qu'un point d'étape par trimestre.",
        "Action en double pour un trimestre"),
    "action-incoherente": Code(ERREUR, "La même action est décrite autrement ligne {autre_ligne} (intitulé, axe, pilote, partenaires ou dates) : décrivez-la de la même façon sur chaque ligne, ou laissez ces cellules vides.",
        "Action décrite de deux façons"),
    # territories
    "vague-manquante": Code(ERREUR, "La vague de sélection est obligatoire (par exemple « AMI 1 »).",
        "Vague absente"),
    "type-territoire-invalide": Code(ERREUR, "Le type « {valeur} » n'est pas reconnu. Types acceptés : commune, epci, departement, groupement.",
        "Type de territoire non reconnu"),
    "membre-inconnu": Code(ERREUR, "Le membre « {valeur} » n'est ni un SIREN d'EPCI ni un code INSEE de commune ou de département connu.",
        "Membre inconnu"),
    # people (email;role;code_territoire)
    "email-invalide": Code(ERREUR, "« {valeur} » n'est pas une adresse électronique valide (forme attendue : prenom.nom@domaine.fr).",
        "Adresse électronique incorrecte"),
    "role-inconnu": Code(ERREUR, "Le rôle « {valeur} » n'existe pas. Rôles possibles : {roles}.",
        "Rôle inconnu"),
    "territoire-requis": Code(ERREUR, "Le rôle « {role} » exige un code territoire : indiquez le territoire de la personne.",
        "Territoire manquant pour ce rôle"),
    "territoire-superflu": Code(ERREUR, "Le rôle « {role} » ne se rattache à aucun territoire : laissez la cellule vide.",
        "Territoire en trop pour ce rôle"),
    "territoire-inactif": Code(ERREUR, "Le territoire « {valeur} » ({nom}) n'est plus actif dans le programme.",
        "Territoire plus actif"),
    "actif-invalide": Code(ERREUR, "« {valeur} » : écrivez oui ou non (vide vaut oui).",
        "Champ « actif » incorrect"),
    "doublon-personne": Code(ERREUR, "La même adresse électronique figure déjà ligne {autre_ligne}.",
        "Personne en double"),
    "personnes-non-autorise": Code(ERREUR, "Seule l'équipe nationale (rôle national) peut importer des personnes : le fichier est refusé.",
        "Import de personnes non autorisé"),
    "dernier-national": Code(ERREUR, "Ce fichier ne laisserait aucune personne active dans l'équipe nationale : cette personne perdrait son rôle national ou serait désactivée. Gardez au moins un administrateur national actif, au besoin en l'ajoutant dans ce fichier, sinon plus personne ne pourrait gérer les accès.",
        "Plus aucun administrateur national actif"),
    # budget (fiche 5, format-suivi.md)
    "exercice-invalide": Code(ERREUR, "L'exercice « {valeur} » n'est pas une année : écrivez-la sur quatre chiffres, par exemple 2024.",
        "Exercice qui n'est pas une année"),
    "exercice-hors-bornes": Code(ERREUR, "L'exercice {valeur} n'est pas accepté : de {premiere} à {derniere} seulement.",
        "Exercice hors des années acceptées"),
    "poste-inconnu": Code(ERREUR, "Le poste « {valeur} » n'est pas une ligne de la fiche 5. Postes acceptés (code ou libellé) : {postes}.",
        "Poste budgétaire inconnu"),
    "financeur-inconnu": Code(ERREUR, "Le financeur « {valeur} » n'est pas reconnu. Financeurs acceptés : {financeurs}.",
        "Financeur inconnu"),
    "montant-obligatoire": Code(ERREUR, "Le montant prévu est obligatoire (en euros, par exemple 30 000 ou 12 500,50).",
        "Montant prévu absent"),
    "montant-negatif": Code(ERREUR, "« {valeur} » est négatif : un montant ne peut pas être négatif.",
        "Montant négatif"),
    "montant-centimes": Code(ERREUR, "« {valeur} » a plus de deux décimales : un montant s'écrit en euros et centimes (12 500,50).",
        "Montant au-delà des centimes"),
    "doublon-budget": Code(ERREUR, "Le même territoire, exercice, poste et financeur figure déjà ligne {autre_ligne} avec d'autres montants.",
        "Ligne budgétaire en double, différente"),
    "engage-superieur-prevu": Code(AVERTISSEMENT, "L'engagé ({engage}) dépasse le prévu ({prevu}) : vérifiez la saisie.",
        "Engagé supérieur au prévu"),
    "verse-superieur-engage": Code(AVERTISSEMENT, "Le versé ({verse}) dépasse l'engagé ({engage}) : vérifiez la saisie.",
        "Versé supérieur à l'engagé"),
    "coordination-non-conforme": Code(AVERTISSEMENT, "{territoire}, exercice {exercice} : {phrase}",
        "Poste de coordination non cofinancé à 50/50"),
    "enveloppe-depassee": Code(AVERTISSEMENT, "{territoire}, exercice {exercice} : les crédits spécifiques AMI prévus ({prevu}) dépassent les crédits notifiés au territoire ({notifie}).",
        "Crédits AMI prévus au-delà des crédits notifiés"),
    # SI-SIAO extracts (loaders/siao.py): an identifier is only ever quoted masked
    "identifiant-non-pseudonymise": Code(ERREUR, "Identifiant non pseudonymisé : « id_personne » doit être l'empreinte SHA-256 de la personne (64 caractères hexadécimaux), calculée par le SIAO avant l'envoi. Le fichier entier est refusé et rien n'en est conservé ; la valeur n'est citée que masquée.",
        "Identifiant non pseudonymisé"),
    "siao-demande-en-double": Code(ERREUR, "La demande « {valeur} » figure déjà ligne {autre_ligne} : chaque id_demande doit être unique dans l'extrait.",
        "Demande en double"),
    "siao-commune-inconnue": Code(ERREUR, "« {valeur} » n'est pas le code INSEE d'une commune connue (5 caractères, par exemple 69123 ou 2A004 : gardez le zéro initial).",
        "Commune inconnue"),
    "siao-date-invalide": Code(ERREUR, "« {valeur} » n'est pas une date : écrivez AAAA-MM-JJ (2024-03-31) ou JJ/MM/AAAA (31/03/2024).",
        "Date incorrecte"),
    "siao-date-hors-bornes": Code(ERREUR, "La date « {valeur} » est hors des dates acceptées (du 1er janvier {annee} à aujourd'hui, {aujourdhui}).",
        "Date future ou trop ancienne"),
    "siao-date-issue-requise": Code(ERREUR, "La date de l'issue est obligatoire quand l'issue n'est pas « en_attente ».",
        "Date de l'issue absente"),
    "siao-date-issue-anterieure": Code(ERREUR, "L'issue est datée du « {valeur} », avant la demande ({date_demande}).",
        "Issue datée avant la demande"),
    "siao-hors-periode": Code(ERREUR, "La demande est datée du « {valeur} », hors de la période d'extraction ({du} – {au}) : vérifiez la période indiquée ou l'extrait.",
        "Demande hors de la période d'extraction"),
    "siao-periode-invalide": Code(ERREUR, "La période d'extraction est incorrecte : {detail}.",
        "Période d'extraction incorrecte"),
    "siao-volet-inconnu": Code(ERREUR, "Le volet « {valeur} » n'est pas reconnu. Volets acceptés : {acceptes}.",
        "Volet inconnu"),
    "siao-issue-inconnue": Code(ERREUR, "L'issue « {valeur} » n'est pas reconnue. Issues acceptées : {acceptes}.",
        "Issue inconnue"),
    "siao-dispositif-inconnu": Code(ERREUR, "Le dispositif « {valeur} » n'est pas reconnu. Dispositifs acceptés : {acceptes}.",
        "Dispositif inconnu"),
    "siao-situation-inconnue": Code(ERREUR, "La situation avant la demande « {valeur} » n'est pas reconnue. Situations acceptées : {acceptes} (ou vide).",
        "Situation avant la demande inconnue"),
    "siao-aucune-valeur": Code(ERREUR, "L'extrait ne donne aucune valeur à enregistrer : {detail}.",
        "Aucune valeur à enregistrer"),
    "siao-hors-territoires": Code(AVERTISSEMENT, "{n} demande(s) situées dans des communes d'aucun territoire du programme ({communes}) : comptées à part, rien n'est enregistré pour elles.",
        "Demandes hors de tout territoire"),
    "siao-hors-perimetre": Code(AVERTISSEMENT, "{n} demande(s) concernent seulement d'autres territoires que le vôtre ({territoires}) : comptées à part, seules les valeurs de votre territoire sont enregistrées.",
        "Demandes d'autres territoires"),
    "siao-trimestre-partiel": Code(AVERTISSEMENT, "Le trimestre {trimestre} n'est couvert qu'en partie par la période d'extraction ({du} – {au}) : ses {n} demande(s) ne sont pas comptées et rien n'est enregistré pour ce trimestre.",
        "Trimestre couvert en partie"),
    "siao-saut-trimestriel": Code(AVERTISSEMENT, "{territoire} ({nom}), « {indicateur} » : {valeur} au {trimestre} contre {precedent} au {trimestre_precedent}, {ecart} : vérifiez l'extrait.",
        "Écart important avec le trimestre précédent (extrait SI-SIAO)"),
    # the SI-SIAO column mapping (loaders/siao_mapping.py)
    "correspondance-entete": Code(ERREUR, "La correspondance doit avoir deux colonnes, « colonne_export » et « colonne_documentee » (trouvé : {trouve}).",
        "En-tête de correspondance incorrect"),
    "correspondance-cible-inconnue": Code(ERREUR, "« {valeur} » n'est pas une colonne de l'extrait documenté. Colonnes possibles : {acceptes}.",
        "Colonne documentée inconnue"),
    "correspondance-en-double": Code(ERREUR, "« {valeur} » figure déjà ligne {autre_ligne} : chaque colonne ne se nomme qu'une fois.",
        "Colonne en double dans la correspondance"),
    # warnings on values
    "saut-trimestriel": Code(AVERTISSEMENT, "{valeur} est {sens} par plus de {facteur} par rapport au trimestre précédent ({precedent} au {trimestre_precedent}) : vérifiez la saisie.",
        "Écart important avec le trimestre précédent"),
    "revision-ancienne": Code(AVERTISSEMENT, "Révision d'une valeur de plus d'un an ({trimestre}) : {ancienne} devient {nouvelle}.",
        "Révision d'une valeur ancienne"),
}


def _lisible(name: str, value):
    """A message parameter as the message shows it: a canonical quarter as on the pages."""
    if name not in _TELS_QU_ECRITS and isinstance(value, str) and _TRIMESTRE_CANONIQUE.fullmatch(value):
        return quarters.label(value)
    return value


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
        return CODES[self.code].gravite

    @property
    def message(self) -> str:
        params = {"valeur": self.value, "colonne": self.column, "suggestion": "", "si_vide": SI_VIDE} | self.params
        if "unite" in params:  # « un nombre d'attributions », « un nombre de places »
            params["de_unite"] = de(str(params["unite"]))
        return CODES[self.code].modele.format(**{k: _lisible(k, v) for k, v in params.items()})

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
    # code -> [count, first lines] over every problem, listed or only counted (see loaders.summary)
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
