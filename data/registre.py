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

TABLES = (
    METADONNEE, COLLECTIVITE, INDICATEUR, TERRITOIRE, TERRITOIRE_HISTORIQUE, DEPOT, VALEUR,
    VALEUR_HISTORIQUE, FEUILLE_DE_ROUTE, CIBLE, CIBLE_HISTORIQUE, JOURNAL, PERSONNE, SCHEMA_VERSION,
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
RESULTATS_DEPOT = (ENREGISTRE, REFUSE)

# (table, column) -> the values its CHECK constraint allows
ENUMERATIONS: dict[tuple[str, str], tuple[str, ...]] = {
    (PERSONNE, "role"): ROLES,
    (TERRITOIRE, "type"): TYPES_TERRITOIRE,
    (COLLECTIVITE, "niveau"): NIVEAUX_COLLECTIVITE,
    (INDICATEUR, "nature"): NATURES,
    (INDICATEUR, "sens"): SENS,
    (DEPOT, "resultat"): RESULTATS_DEPOT,
}

# Upload kinds as depot.type_fichier records them (no CHECK constraint: a column older than some
# kinds); their French labels are data.uploads.TYPES_DEPOT
TYPES_FICHIER = ("values", "roadmap", "territories", "personnes", "siao")  # the kinds a file is read as
SIAO = "siao"  # an SI-SIAO extract: requests counted into quarterly values (loaders/siao.py)
ANNULATION = "annulation"  # the depot row written by an undo (data/preview.py)
TYPES_DEPOT = TYPES_FICHIER + (ANNULATION,)
