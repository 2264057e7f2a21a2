"""Pydantic models of the reference data, checked when a store is created."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator


class Indicateur(BaseModel):
    """One indicator of the catalogue (data/reference/indicateurs.csv)."""

    model_config = ConfigDict(extra="forbid")
    ordre: int
    code: str = Field(pattern=r"^[a-z0-9_]+$")
    libelle: str
    definition: str = Field(min_length=20)
    unite: str
    nature: Literal["flux", "stock", "ratio", "somme"]
    sens: Literal["hausse", "baisse", "neutre"]
    axe: int = Field(ge=1, le=16)
    priorite: Literal["I", "II", "III", "IV", "V"]
    source: str
    composantes: list[str] | None = None
    numerateur: str | None = None
    denominateur: str | None = None

    @model_validator(mode="after")
    def _formula_matches_nature(self):
        if self.nature == "somme" and not self.composantes:
            raise ValueError(f"{self.code} : un indicateur somme doit lister ses composantes")
        if self.nature == "ratio" and not (self.numerateur and self.denominateur):
            raise ValueError(f"{self.code} : un ratio doit nommer numérateur et dénominateur")
        if self.nature in ("flux", "stock") and (self.composantes or self.numerateur or self.denominateur):
            raise ValueError(f"{self.code} : un indicateur de base n'a pas de formule")
        return self


CATALOGUE = TypeAdapter(list[Indicateur])
