"""Who may see and change what: the four roles of the programme and the rules the pages and the
loaders apply where data are read and written (never only by hiding a page).

- ``national`` (Dihal): everything; manages territories, roadmaps and people.
- ``coordinateur`` of one territory (a joint bid is one territory): detail and uploads for it only;
  other territories at the aggregate level (statuses, totals).
- ``services_etat`` (DDETS, préfecture) of one territory: reads that territory's detail.
- ``lecteur``: national aggregates and the presentation views.
"""

from __future__ import annotations

from dataclasses import dataclass

from data.registre import PERSONNE, ROLES, ROLES_AVEC_TERRITOIRE  # the CHECK constraints of personne

LIBELLES_ROLES = {
    "national": "Équipe nationale (Dihal)",
    "coordinateur": "Coordination territoriale",
    "services_etat": "Services de l'État du territoire",
    "lecteur": "Lecture (agrégats nationaux)",
}


@dataclass(frozen=True)
class Personne:
    """A signed-in person (or the demonstration persona) with their role."""

    email: str
    role: str
    territoire: str | None = None

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"rôle inconnu : {self.role}")
        if (self.role in ROLES_AVEC_TERRITOIRE) != (self.territoire is not None):
            raise ValueError(f"le rôle {self.role} {'exige' if self.role in ROLES_AVEC_TERRITOIRE else 'exclut'} un territoire")

    @property
    def est_national(self) -> bool:
        return self.role == "national"

    @property
    def libelle_role(self) -> str:
        return LIBELLES_ROLES[self.role]

    def peut_voir_detail(self, territoire: str) -> bool:
        """Values, revisions, comments and uploads of ``territoire``."""
        return self.est_national or (self.role in ROLES_AVEC_TERRITOIRE and territoire == self.territoire)

    def trimestre_lisible(self, territoire: str, demande: str, reference: str) -> str:
        """The quarter at which this person reads ``territoire``'s figures: the one asked for within
        the scope; outside it, ``reference`` (the default reference quarter) whatever was asked, as
        the cumulative figures of two quarters would give each quarterly value by difference."""
        return demande if self.peut_voir_detail(territoire) else reference

    def trimestre_comparaison(self, demande: str, reference: str) -> str:
        """The quarter of the comparison between territories of the same type, which shows other
        territories: any for the national team, ``reference`` only for everyone else."""
        return demande if self.est_national else reference

    def peut_deposer(self, territoire: str | None = None) -> bool:
        """Uploads values for ``territoire`` (or, without one, for at least one territory)."""
        if self.est_national:
            return True
        return self.role == "coordinateur" and (territoire is None or territoire == self.territoire)

    @property
    def perimetre(self) -> list[str] | None:
        """Territories whose detail this person may read and (for a coordinator) write;
        None means every territory (national); [] none (lecteur)."""
        if self.est_national:
            return None
        return [self.territoire] if self.territoire else []

    @property
    def perimetre_depot(self) -> list[str] | None:
        """The ``allowed_territories`` of an import by this person (None: no restriction)."""
        if self.est_national:
            return None
        return [self.territoire] if self.role == "coordinateur" else []

    @property
    def peut_administrer(self) -> bool:
        """Manages people, territories and roadmaps, undoes uploads."""
        return self.est_national


def lookup(con, email: str) -> Personne | None:
    """The active person registered with this e-mail (case-insensitive), or None."""
    rows = con.execute(
        f"SELECT email, role, territoire FROM {PERSONNE} WHERE lower(email) = lower(?) AND actif",
        [email.strip()],
    ).fetchall()
    return Personne(*rows[0]) if rows else None
