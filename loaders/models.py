"""Pydantic models describing the files users send.

The headers module lists the required and optional columns of each kind of file as these models
declare them (a test keeps them equal; the reference data have theirs in data/models.py).
Validation of uploaded rows itself is set-wise in DuckDB (one pydantic call per row would be far
too slow for 200,000 rows): these models are the contract, and each kind's list of rules
(loaders/rules.py: a code, a column of the model, a SQL predicate) enforces it in bulk.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LigneValeurLongue(_Row):
    """One row of a quarterly values file in the long layout."""

    code_territoire: str = Field(description="SIREN de l'EPCI ou code INSEE de la commune ou du département")
    indicateur: str = Field(description="code d'un indicateur de base du catalogue")
    trimestre: str = Field(description="2024-T1, 2024T1, T1 2024, T1-2024, 2024-Q1 ou 2024Q1")
    valeur: str | None = Field(description="nombre entier positif ; vide, NC, ND, n.d. ou - si non renseigné")
    commentaire: str | None = Field(default=None, description="texte libre")
    source: str | None = Field(default=None, description="texte libre")


class LigneValeurLarge(_Row):
    """One row of a quarterly values file in the wide layout (then one column per indicator code)."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)
    code_territoire: str = Field(description="SIREN de l'EPCI ou code INSEE de la commune ou du département")
    trimestre: str = Field(description="2024-T1, 2024T1, T1 2024, T1-2024, 2024-Q1 ou 2024Q1")


class LigneFeuilleDeRoute(_Row):
    """One row of a roadmap file: a territory's target on one indicator."""

    code_territoire: str = Field(description="code du territoire")
    indicateur: str = Field(description="code d'un indicateur du catalogue (les indicateurs calculés sont permis)")
    debut: str = Field(description="premier trimestre de la feuille de route")
    fin: str = Field(description="dernier trimestre de la feuille de route, après le début")
    cible: str = Field(description="flux : total attendu sur la période ; stock : niveau à la fin ; taux : pourcentage")
    valeur_base: str | None = Field(default=None, description="obligatoire pour un stock ou un taux")
    periode_base: str | None = Field(default=None, description="année ou trimestre de la valeur de base")
    jalon_an1: str | None = Field(default=None, description="valeur attendue à la fin du 4e trimestre")


class LigneTerritoire(_Row):
    """One row of the territory list."""

    code_territoire: str = Field(description="SIREN d'un EPCI ou code INSEE d'une commune ou d'un département")
    vague: str = Field(description="vague de sélection, par exemple AMI 1")
    nom: str | None = Field(default=None, description="repris des données de référence si vide")
    type: str | None = Field(default=None, description="commune, epci, departement ou groupement")
    membres: str | None = Field(default=None, description="autres codes d'une candidature commune")


class LigneAction(_Row):
    """One row of an actions file: an action of the roadmap and, optionally, its status point of a
    quarter (format-suivi.md)."""

    code_territoire: str = Field(description="code du territoire")
    ref_action: str = Field(description="référence propre au territoire, unique dans le territoire")
    axe: str = Field(description="axe du plan, de 1 à 16 (la priorité I à V en découle)")
    intitule: str | None = Field(default=None, description="obligatoire à la création de l'action")
    pilote: str | None = Field(default=None, description="qui porte l'action")
    partenaires: str | None = Field(default=None, description="liste libre")
    debut: str | None = Field(default=None, description="AAAA-MM-JJ ou JJ/MM/AAAA (ou une date Excel)")
    fin: str | None = Field(default=None, description="AAAA-MM-JJ ou JJ/MM/AAAA, pas avant le début")
    statut: str | None = Field(default=None, description="à venir, en cours, réalisée, en pause, bloquée ou abandonnée")
    avancement: str | None = Field(default=None, description="pourcentage entier de 0 à 100 (40 ou 40 %)")
    trimestre: str | None = Field(default=None, description="trimestre du point d'étape ; défaut : le dernier complet")
    commentaire: str | None = Field(default=None, description="texte libre")


class LigneBudget(_Row):
    """One row of the budget file (fiche 5): a territory's amounts for one poste and financeur."""

    code_territoire: str = Field(description="code du territoire")
    exercice: str = Field(description="année de l'exercice budgétaire, par exemple 2024")
    poste: str = Field(description="code ou libellé d'une des six lignes de la fiche 5")
    financeur: str = Field(description="etat_ami, etat_droit_commun, collectivite ou autre")
    prevu: str = Field(description="montant prévu en euros (centimes permis)")
    engage: str | None = Field(default=None, description="montant engagé en euros ; vide si non connu")
    verse: str | None = Field(default=None, description="montant versé en euros ; vide si non connu")
    commentaire: str | None = Field(default=None, description="texte libre")


def columns(model: type[BaseModel]) -> tuple[list[str], list[str]]:
    """(required, optional) column names of a file model, in declaration order."""
    required = [name for name, field in model.model_fields.items() if field.is_required()]
    optional = [name for name, field in model.model_fields.items() if not field.is_required()]
    return required, optional
