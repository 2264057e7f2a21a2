"""The names the code and the schema share: the tables of the store and the enumerations its CHECK
constraints allow (roles, territory types, indicator natures and directions, upload results), plus
the upload kinds the audit records.

Declared once here, read by the code (data.access, data.reads, loaders...) and checked against a
freshly migrated database by tests/test_registre.py: a migration and the code cannot drift apart.
French labels stay beside the code that shows them, keyed by these values.
"""

from __future__ import annotations

# Tables of the store (data/migrations/*.sql)
METADONNEE = "metadonnee"
COLLECTIVITE = "collectivite"
INDICATEUR = "indicateur"
TERRITOIRE = "territoire"
TERRITOIRE_HISTORIQUE = "territoire_historique"
DEPOT = "depot"
VALEUR = "valeur"
VALEUR_HISTORIQUE = "valeur_historique"
FEUILLE_DE_ROUTE = "feuille_de_route"
CIBLE = "cible"
CIBLE_HISTORIQUE = "cible_historique"
JOURNAL = "journal"
PERSONNE = "personne"
SCHEMA_VERSION = "schema_version"  # written by data/migrations.py itself
ACTION = "action"  # the actions of a roadmap (005)
ACTION_HISTORIQUE = "action_historique"
POINT_ACTION = "point_action"  # their quarterly status points
POINT_ACTION_HISTORIQUE = "point_action_historique"
# the budget of fiche 5 and the AMI envelope (migration 006, data/budget.py)
BUDGET_LIGNE = "budget_ligne"
BUDGET_HISTORIQUE = "budget_historique"
ENVELOPPE = "enveloppe"
ENVELOPPE_HISTORIQUE = "enveloppe_historique"
ENVELOPPE_TERRITOIRE = "enveloppe_territoire"
ENVELOPPE_TERRITOIRE_HISTORIQUE = "enveloppe_territoire_historique"

TABLES = (
    METADONNEE, COLLECTIVITE, INDICATEUR, TERRITOIRE, TERRITOIRE_HISTORIQUE, DEPOT, VALEUR,
    VALEUR_HISTORIQUE, FEUILLE_DE_ROUTE, CIBLE, CIBLE_HISTORIQUE, JOURNAL, PERSONNE, SCHEMA_VERSION,
    ACTION, ACTION_HISTORIQUE, POINT_ACTION, POINT_ACTION_HISTORIQUE,
    BUDGET_LIGNE, BUDGET_HISTORIQUE, ENVELOPPE, ENVELOPPE_HISTORIQUE, ENVELOPPE_TERRITOIRE,
    ENVELOPPE_TERRITOIRE_HISTORIQUE,
)

# Enumerations (each the CHECK constraint of a column, see ENUMERATIONS)
ROLES = ("national", "coordinateur", "services_etat", "lecteur")
ROLES_AVEC_TERRITOIRE = ("coordinateur", "services_etat")  # personne: a territory iff one of these
TYPES_TERRITOIRE = ("commune", "epci", "departement", "groupement")  # order of the messages
NIVEAUX_COLLECTIVITE = ("commune", "epci", "departement", "region")
NATURES = ("flux", "stock", "ratio", "somme")
NATURES_DE_BASE = ("flux", "stock")  # deposited; ratio and somme are computed from them
SENS = ("hausse", "baisse", "neutre")
ENREGISTRE, REFUSE = "enregistre", "refuse"
# the six lines of fiche 5 and who pays, with their French labels (in the order shown)
LIBELLES_POSTES = {
    "coordination": "Poste de coordinateur / animateur",
    "ingenierie": "Ingénierie de projet",
    "intervention_sociale": "Mesures d'intervention sociale",
    "observation_sociale": "Observation sociale",
    "suivi_evaluation": "Suivi et évaluation",
    "communication": "Communication",
}
POSTES = tuple(LIBELLES_POSTES)
COORDINATION = "coordination"  # the post co-funded 50/50 by the State and the collectivité
LIBELLES_FINANCEURS = {
    "etat_ami": "État (crédits spécifiques AMI)",
    "etat_droit_commun": "État (autres crédits)",
    "collectivite": "Collectivité cheffe de file",
    "autre": "Autres partenaires",
}
FINANCEURS = tuple(LIBELLES_FINANCEURS)
FINANCEURS_ETAT = ("etat_ami", "etat_droit_commun")  # the State's share of the 50/50 check
RESULTATS_DEPOT = (ENREGISTRE, REFUSE)
# the status of an action at a quarter (format-suivi.md), in the order of its course; "en retard" is
# never stored (derived, indicators/actions.py). French labels: data.actions.LIBELLES_STATUTS
STATUTS_ACTION = ("a_venir", "en_cours", "realisee", "en_pause", "bloquee", "abandonnee")
AXE_MIN, AXE_MAX = 1, 16  # the axes of the plan (domain.md section 2), CHECK of action.axe
AVANCEMENT_MIN, AVANCEMENT_MAX = 0, 100  # a status point's progress in percent, CHECK of point_action.avancement
# An SI-SIAO extract's request lines (format-siao.md): their volet and their issue. Never stored (only
# the counts made of them are, as values: loaders/siao_comptage.py), so no CHECK constraint holds
# them; tests/test_registre.py checks the counting and the demo generator against these.
SIAO_VOLETS = ("115", "insertion")
SIAO_ISSUES = ("orientation", "non_pourvue", "annulee", "en_attente")

# (table, column) -> the values its CHECK constraint allows
ENUMERATIONS: dict[tuple[str, str], tuple[str, ...]] = {
    (PERSONNE, "role"): ROLES,
    (TERRITOIRE, "type"): TYPES_TERRITOIRE,
    (COLLECTIVITE, "niveau"): NIVEAUX_COLLECTIVITE,
    (INDICATEUR, "nature"): NATURES,
    (INDICATEUR, "sens"): SENS,
    (DEPOT, "resultat"): RESULTATS_DEPOT,
    (POINT_ACTION, "statut"): STATUTS_ACTION,
    (BUDGET_LIGNE, "poste"): POSTES,
    (BUDGET_LIGNE, "financeur"): FINANCEURS,
}
# (table, column) -> (min, max) its CHECK ``column BETWEEN min AND max`` allows
BORNES: dict[tuple[str, str], tuple[int, int]] = {
    (ACTION, "axe"): (AXE_MIN, AXE_MAX),
    (POINT_ACTION, "avancement"): (AVANCEMENT_MIN, AVANCEMENT_MAX),
}

# Upload kinds as depot.type_fichier records them (no CHECK constraint: a column older than some
# kinds); their French labels are data.uploads.TYPES_DEPOT
TYPES_FICHIER = ("values", "roadmap", "territories", "personnes", "actions", "budget", "siao")  # the kinds a file is read as
SIAO = "siao"  # an SI-SIAO extract: requests counted into quarterly values (loaders/siao.py)
ANNULATION = "annulation"  # the depot row written by an undo (data/preview.py)
TYPES_DEPOT = TYPES_FICHIER + (ANNULATION,)
