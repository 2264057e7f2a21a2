"""Every constant a user can see, in one place, with its French label.

The methodology page lists ``PARAMETRES_AFFICHES``; the loaders, the engine and the pages import
the constants from here, so what is shown is what is applied.
"""

from __future__ import annotations

# Status thresholds (methodologie.md).
TOLERANCE_RETARD = 0.8
TOLERANCE_DEPASSEMENT = 1.2

# Upload validation.
PLAFOND_PROBLEMES = 200  # problems listed in one report; the rest are counted, not listed
FACTEUR_SAUT_TRIMESTRIEL = 3.0  # warning when a value is this many times the previous quarter's (or less than 1/x)
SEUIL_SAUT_TRIMESTRIEL = 10  # ...and at least one of the two values is this large (small counts jump naturally)
ANCIENNETE_REVISION_TRIMESTRES = 4  # warning when revising a quarter older than this many quarters
PREMIERE_ANNEE_ACCEPTEE = 2017
TAILLE_MAX_FICHIER_MO = 20
# an SI-SIAO extract (one row per request, a 64-character identifier each) declared as such: 1,000,000
# requests weigh about 140 MB
TAILLE_MAX_EXTRAIT_SIAO_MO = 250
LIGNES_MAX_EXTRAIT_SIAO = 2_000_001
# What a file may hold, checked while it is read (a small file must not cost minutes and gigabytes)
TAILLE_MAX_CLASSEUR_DECOMPRESSE_MO = 20  # an .xlsx workbook's parts once decompressed (openpyxl: ~5 s per 10 MB)
LIGNES_MAX_FICHIER = 1_000_000  # lines of a file (a workbook's sheet: its last row's number)
COLONNES_MAX_FICHIER = 200  # columns of a file (header and rows)

# Store.
ATTENTE_BASE_OCCUPEE_S = 120  # how long a command waits for a busy database before giving up
FUSEAU_HORAIRE = "Europe/Paris"  # the clock of every recorded time, whatever the server's zone

PARAMETRES_AFFICHES: list[tuple[str, object, str]] = [
    ("TOLERANCE_RETARD", TOLERANCE_RETARD,
     "En dessous de 80 % du chemin attendu, un indicateur « en hausse » est en retard."),
    ("TOLERANCE_DEPASSEMENT", TOLERANCE_DEPASSEMENT,
     "Au-delà de 120 % du plafond attendu, un indicateur « en baisse » est en retard."),
    ("PLAFOND_PROBLEMES", PLAFOND_PROBLEMES,
     "Nombre maximal de problèmes détaillés dans un rapport de dépôt (les suivants sont comptés)."),
    ("FACTEUR_SAUT_TRIMESTRIEL", FACTEUR_SAUT_TRIMESTRIEL,
     "Avertissement si une valeur est multipliée ou divisée par ce facteur d'un trimestre à l'autre."),
    ("SEUIL_SAUT_TRIMESTRIEL", SEUIL_SAUT_TRIMESTRIEL,
     "… et si l'une des deux valeurs atteint au moins ce seuil."),
    ("ANCIENNETE_REVISION_TRIMESTRES", ANCIENNETE_REVISION_TRIMESTRES,
     "Avertissement si l'on révise une valeur de plus de ce nombre de trimestres."),
    ("PREMIERE_ANNEE_ACCEPTEE", PREMIERE_ANNEE_ACCEPTEE,
     "Aucun trimestre antérieur à cette année n'est accepté."),
    ("TAILLE_MAX_FICHIER_MO", TAILLE_MAX_FICHIER_MO, "Taille maximale d'un fichier déposé (Mo)."),
    ("TAILLE_MAX_CLASSEUR_DECOMPRESSE_MO", TAILLE_MAX_CLASSEUR_DECOMPRESSE_MO,
     "Taille maximale d'un classeur .xlsx une fois décompressé (Mo, toutes ses parties)."),
    ("LIGNES_MAX_FICHIER", LIGNES_MAX_FICHIER,
     "Nombre maximal de lignes d'un fichier déposé (pour un classeur, numéro de sa dernière ligne)."),
    ("COLONNES_MAX_FICHIER", COLONNES_MAX_FICHIER, "Nombre maximal de colonnes d'un fichier déposé."),
    ("TAILLE_MAX_EXTRAIT_SIAO_MO", TAILLE_MAX_EXTRAIT_SIAO_MO,
     "Taille maximale d'un extrait SI-SIAO en CSV déposé comme tel (Mo)."),
    ("LIGNES_MAX_EXTRAIT_SIAO", LIGNES_MAX_EXTRAIT_SIAO,
     "Nombre maximal de lignes d'un extrait SI-SIAO en CSV déposé comme tel (en-tête compris)."),
    ("ATTENTE_BASE_OCCUPEE_S", ATTENTE_BASE_OCCUPEE_S,
     "Attente maximale (secondes) d'une commande quand la base est occupée."),
    ("FUSEAU_HORAIRE", FUSEAU_HORAIRE,
     "Heure de toutes les dates enregistrées (dépôts, révisions, journal), quel que soit le fuseau du serveur."),
]

# The parameters in the words of the people who read the page (the constants keep their names in
# the code; the methodology page's downloaded table gives both).
LIBELLES_PARAMETRES = {
    "TOLERANCE_RETARD": "Seuil de retard (indicateur à augmenter)",
    "TOLERANCE_DEPASSEMENT": "Seuil de dépassement (indicateur à réduire)",
    "PLAFOND_PROBLEMES": "Problèmes détaillés dans un rapport de dépôt",
    "FACTEUR_SAUT_TRIMESTRIEL": "Écart signalé d'un trimestre à l'autre (facteur)",
    "SEUIL_SAUT_TRIMESTRIEL": "Valeur à partir de laquelle un écart est signalé",
    "ANCIENNETE_REVISION_TRIMESTRES": "Révision signalée au-delà de (trimestres)",
    "PREMIERE_ANNEE_ACCEPTEE": "Première année acceptée",
    "TAILLE_MAX_FICHIER_MO": "Taille maximale d'un fichier (Mo)",
    "TAILLE_MAX_CLASSEUR_DECOMPRESSE_MO": "Taille maximale d'un classeur décompressé (Mo)",
    "LIGNES_MAX_FICHIER": "Nombre maximal de lignes d'un fichier",
    "COLONNES_MAX_FICHIER": "Nombre maximal de colonnes d'un fichier",
    "TAILLE_MAX_EXTRAIT_SIAO_MO": "Taille maximale d'un extrait SI-SIAO (Mo)",
    "LIGNES_MAX_EXTRAIT_SIAO": "Nombre maximal de lignes d'un extrait SI-SIAO",
    "ATTENTE_BASE_OCCUPEE_S": "Attente quand la base est occupée (secondes)",
    "FUSEAU_HORAIRE": "Heure des dates enregistrées",
}
