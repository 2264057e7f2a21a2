"""The deck model: what a presentation says, independent of its output format (PowerPoint, HTML).

A deck is a list of slides; a slide has a title, a subtitle, speaker notes and content blocks
(a chart's data, a table, cards, a map). Every figure in it comes from indicators/ (tableaux,
national): the model only arranges them. Pure: no Streamlit, no python-pptx.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.errors import SaisieInvalide

# Invariant Office number codes (French PowerPoint shows them as 1 234 and 42,0 %). Percentages
# are stored as fractions (0.42) so that the invariant percent code applies unchanged.
FORMAT_ENTIER = "#,##0"
FORMAT_DECIMAL = "#,##0.0"
FORMAT_POURCENT = "0.0%"
ETENDUE_GRADUATION_UNITAIRE = 10  # up to this span of whole values, a tick per unit (Graphique.graduation_unitaire)
FORMAT_EUROS = '#,##0 "€"'  # whole euros: 1 234 567 € in French PowerPoint

# Chart kinds the renderers know.
COLONNES, COLONNES_EMPILEES, BARRES, BARRES_EMPILEES, LIGNES, ANNEAU = (
    "colonnes", "colonnes_empilees", "barres", "barres_empilees", "lignes", "anneau")
GENRES = (COLONNES, COLONNES_EMPILEES, BARRES, BARRES_EMPILEES, LIGNES, ANNEAU)


@dataclass(frozen=True)
class Serie:
    """One series of a chart: its name, one value per category (None: no figure) and its colour."""

    nom: str
    valeurs: tuple
    couleur: str
    pointilles: bool = False  # a dashed line (projection, expected path) for line charts
    couleurs_points: tuple | None = None  # one colour per bar (to single out a territory)


@dataclass(frozen=True)
class Graphique:
    """A native chart: kind, categories, series, the number format of its values and its text
    alternative (read by screen readers; also the chart's description in the file)."""

    genre: str
    titre: str
    categories: tuple[str, ...]
    series: tuple[Serie, ...]
    format_nombre: str
    alternative: str
    titre_axe: str = ""

    def __post_init__(self):
        if self.genre not in GENRES:
            raise ValueError(f"genre de graphique inconnu : {self.genre}")
        for s in self.series:
            if len(s.valeurs) != len(self.categories):
                raise ValueError(f"la série « {s.nom} » n'a pas une valeur par catégorie")

    @property
    def graduation_unitaire(self) -> bool:
        """Whether the value axis needs a tick per unit: a chart of a few whole things (actions per
        axis), where Plotly and PowerPoint would tick every 0,5 and the whole-number format round the
        ticks to « 0 1 1 2 2 »."""
        if self.format_nombre != FORMAT_ENTIER or self.genre == ANNEAU:
            return False
        columns = [[s.valeurs[i] for s in self.series if s.valeurs[i] is not None] for i in range(len(self.categories))]
        stacked = self.genre in (BARRES_EMPILEES, COLONNES_EMPILEES)
        shown = [sum(c) for c in columns] if stacked else [v for c in columns for v in c]
        if self.genre != LIGNES:
            shown.append(0)  # bars start at zero
        return bool(shown) and max(shown) - min(shown) <= ETENDUE_GRADUATION_UNITAIRE


@dataclass(frozen=True)
class Tableau:
    """A table of already formatted French texts (header, rows)."""

    colonnes: tuple[str, ...]
    lignes: tuple[tuple[str, ...], ...]
    alternative: str


@dataclass(frozen=True)
class Carte:
    """A figure card: a title, the figure, lines of detail, and a status (code) when it has one."""

    titre: str
    valeur: str
    details: tuple[str, ...] = ()
    statut: str | None = None


@dataclass(frozen=True)
class Cartes:
    """A row or grid of cards."""

    cartes: tuple[Carte, ...]
    par_ligne: int = 4


@dataclass(frozen=True)
class Forme:
    """A territory on the map: its label (code or anonymous label), status, rings (lists of (x, y)
    in map units, y upwards) or a point (one ring of one vertex) for a commune."""

    libelle: str
    statut: str
    anneaux: tuple[tuple[tuple[float, float], ...], ...]
    centre: tuple[float, float]
    point: bool = False

    @property
    def cote(self) -> float:
        """The shorter side of the shape's bounding box (0 for a point), for sizing its symbol."""
        if self.point or not self.anneaux:
            return 0.0
        xs = [p[0] for r in self.anneaux for p in r]
        ys = [p[1] for r in self.anneaux for p in r]
        return min(max(xs) - min(xs), max(ys) - min(ys))


@dataclass(frozen=True)
class CarteGeo:
    """The map: background outlines (départements), the territories' shapes, the inset frames
    (x0, y0, x1, y1, name or ''), the drawing's bounds, the legend (status, label, count)."""

    fond: tuple[tuple[tuple[float, float], ...], ...]
    formes: tuple[Forme, ...]
    encarts: tuple[tuple[float, float, float, float, str], ...]
    bornes: tuple[float, float, float, float]
    legende: tuple[tuple[str, str, int], ...]
    alternative: str
    absents: int = 0  # territories of the scope with no known outline


@dataclass(frozen=True)
class Texte:
    """Paragraphs of plain text (method, definitions)."""

    paragraphes: tuple[str, ...]


@dataclass
class Diapo:
    """One slide: title, subtitle, content blocks (laid out side by side, with relative widths)
    and the speaker notes."""

    titre: str
    sous_titre: str
    blocs: list = field(default_factory=list)
    notes: str = ""
    largeurs: tuple[float, ...] = ()


@dataclass
class Deck:
    """A whole presentation. ``pied`` is the line every slide carries (quarter, date of the data,
    source); ``demo`` adds "Données de démonstration" to every slide; ``proprietes`` are the file's
    core properties (title, subject, keywords); ``reference`` is the quarter of its figures (2026-T3),
    after which its files are named."""

    titre: str
    trimestre: str
    date_donnees: str
    source: str
    demo: bool
    diapos: list[Diapo] = field(default_factory=list)
    proprietes: dict = field(default_factory=dict)
    reference: str = ""

    @property
    def pied(self) -> str:
        when = f"données au {self.date_donnees}" if self.date_donnees else "date des données inconnue"
        return f"{self.trimestre} · {when} · {self.source}"


def sans_graphique_vide(bloc):
    """A chart with no category (a scope without any target on it) becomes a sentence saying so."""
    if isinstance(bloc, Graphique) and not bloc.categories:
        return Texte((f"{bloc.titre} : aucune donnée à représenter pour ce périmètre.",))
    return bloc


MENTION_DEMO = "Données de démonstration"
SOURCE = "Source : dépôts des territoires, tableau de bord Logement d'abord (Dihal)"


class ExportImpossible(SaisieInvalide):
    """The deck cannot be made (unknown territory, quarter without data, empty scope): the
    message says why, in French (exit code 1 on the command line, core.errors)."""

    code = "export-impossible"
