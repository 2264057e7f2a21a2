"""Page furniture: the demo banner and French formatting helpers."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import quarters
from core.formatting import count, number


# Streamlit's upload widget keeps English words that no setting translates (1.67: its button reads
# "Upload", its hint "20MB per file • CSV, XLSX"): a style sheet shows French words in their place.
# Each page states the size limit and the formats in French above the widget.
# Streamlit's own English, replaced by style: the upload button and its instructions, the file size
# written "424.0B" beside an uploaded file (hidden: the page states the limit in French), and a long
# message's "view more / view less" (one French label for both states).
TEXTES_DEPOT = {"bouton": "Choisir un fichier", "consigne": "ou le glisser ici", "voir": "afficher / réduire"}
_STYLE_DEPOT = """<style>
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p,
[data-testid="stFileUploaderDropzoneInstructions"] span {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p::after {{
  content: "{bouton}"; font-size: 0.875rem; }}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{ content: "{consigne}"; font-size: 0.875rem; }}
[data-testid="stFileChipName"] ~ * {{ display: none; }}
[data-testid="stToastViewButton"] {{ font-size: 0; }}
[data-testid="stToastViewButton"]::after {{ content: "{voir}"; font-size: 0.875rem; }}
</style>"""


# st.metric cuts its label and its delta to one line with an ellipsis: at 1280 px, four cards a row
# read « −95 par rapport au T… » and « Attributions aux sans… ». French words are longer: they wrap.
_STYLE_CHIFFRES = """<style>
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricDelta"] [data-testid="stMarkdownContainer"],
[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMetricDelta"] [data-testid="stMarkdownContainer"] p {
  white-space: normal; overflow: visible; text-overflow: clip; }
</style>"""


# A list searched without match says « No results » (Streamlit 1.67: an option that is a bare span,
# ``display: contents``, unlike the real options): French words in its place, as for the upload.
TEXTES_LISTES = {"aucun": "Aucun résultat"}
_STYLE_LISTES = """<style>
[role="listbox"] > [role="option"][style*="contents"] > span:only-child {{ font-size: 0; }}
[role="listbox"] > [role="option"][style*="contents"] > span:only-child::after {{
  content: "{aucun}"; font-size: 0.875rem; }}
</style>"""

# An empty date field shows its segments' English placeholders « dd / mm / yyyy » (react-aria, no
# setting): « jj / mm / aaaa » in their place, while the segment is empty only.
TEXTES_DATES = {"day": "jj", "year": "aaaa"}
_STYLE_DATES = "<style>" + "".join(
    f'[data-testid="stDateInputField"] [data-placeholder="true"][data-type="{segment}"] {{ font-size: 0; }}'
    f'[data-testid="stDateInputField"] [data-placeholder="true"][data-type="{segment}"]::after {{'
    f' content: "{mot}"; font-size: 0.875rem; }}'
    for segment, mot in TEXTES_DATES.items()) + "</style>"


def styles_francais() -> None:
    """French words in Streamlit's own widgets where configuration cannot put them, the document's
    language and the visible focus (every page)."""
    st.html(_STYLE_DEPOT.format(**TEXTES_DEPOT))  # a style sheet alone takes no room on the page
    st.html(_STYLE_ACCESSIBILITE)
    st.html(_STYLE_CHIFFRES)
    st.html(_STYLE_LISTES.format(**TEXTES_LISTES))
    st.html(_STYLE_DATES)
    # Streamlit's index.html says lang="en" and no setting changes it: a screen reader would read the
    # French interface with English pronunciation (RGAA 8.3). A fixed script (no user input) sets
    # "fr" and keeps it; in the sidebar, where its empty block takes no room in the page's content.
    st.sidebar.html(_LANGUE, unsafe_allow_javascript=True)


LANGUE = "fr"
_LANGUE = f"""<script>(() => {{
  const root = document.documentElement;
  const fr = () => {{ if (root.lang !== "{LANGUE}") root.lang = "{LANGUE}"; }};
  fr();
  if (!window.__ldaLangue) {{
    window.__ldaLangue = new MutationObserver(fr);
    window.__ldaLangue.observe(root, {{attributes: true, attributeFilter: ["lang"]}});
  }}
}})();</script>"""
# A visible focus on every control reached with the keyboard (RGAA 10.7), in the theme's blue; the
# width holds 3:1 against white and the light grey of the sidebar.
COULEUR_FOCUS = "#000091"
# Streamlit draws a disabled control's label at 40 % opacity (2:1): it still names the control, so
# it is kept readable (5.7:1 on white); the control itself shows it is disabled.
COULEUR_LIBELLE_INACTIF = "#666666"
_STYLE_ACCESSIBILITE = f"""<style>
a:focus-visible, button:focus-visible, input:focus-visible, textarea:focus-visible, select:focus-visible,
summary:focus-visible, [role="tab"]:focus-visible, [role="button"]:focus-visible, [tabindex]:focus-visible {{
  outline: 3px solid {COULEUR_FOCUS} !important; outline-offset: 2px; }}
label[data-testid="stWidgetLabel"][disabled] {{ color: {COULEUR_LIBELLE_INACTIF}; }}
</style>"""


def demo_banner(is_demo: bool) -> None:
    """Every page says so when the figures are demonstration data."""
    if is_demo:
        st.warning(
            "**Données de démonstration** : tous les chiffres affichés sont fictifs "
            "(générés pour présenter l'outil). Ils ne doivent jamais être cités.",
            icon="⚠️",
        )




def trimestre(q: str | None) -> str:
    """2024-T1 shown as T1 2024."""
    return quarters.label(q) if q else "–"


# Column formats: Streamlit's "localized" number format follows the browser's locale (fr-FR for
# the users), so 1 234,5 is shown the French way while the figures stay numbers (sortable). A printf
# format would print a decimal point: percentages say "(%)" in their header instead.
def colonnes_nombres() -> dict:
    """Number columns of the national table, with their definitions."""
    return {
        "Valeur nationale": st.column_config.NumberColumn(
            help="Flux : somme des territoires ayant déposé le trimestre ; stock : somme de la dernière "
                 "valeur connue de chaque territoire ; taux : rapport des sommes (jamais une moyenne de taux).",
            format="localized"),
        "Territoires renseignés": st.column_config.NumberColumn(help="Nombre de territoires derrière le chiffre."),
        "Pour 100 000 hab.": st.column_config.NumberColumn(
            help="Valeur × 100 000 / population des territoires ayant déposé.", format="localized"),
        "Réalisé (feuilles de route)": st.column_config.NumberColumn(
            help="Somme des réalisés des territoires ayant une cible sur l'indicateur.", format="localized"),
        "Cibles cumulées": st.column_config.NumberColumn(help="Somme de leurs cibles.", format="localized"),
        "Avancement national (%)": st.column_config.NumberColumn(
            help="Réalisé cumulé / cibles cumulées (flux et sommes).", format="localized"),
    }


AIDE_TOTAUX = ("Chaque chiffre national est accompagné du nombre de territoires qui le composent. "
               "Les statuts comptent les territoires ayant une cible sur l'indicateur.")


def chiffres_pilotage(resume: dict) -> None:
    """Headline metrics of the national page (indicators.views.resume)."""
    from indicators import status

    c1, c2, c3, c4, c5 = st.columns(5)
    c1.metric("Territoires", number(resume["territoires"]),
              help="Territoires actifs ayant une feuille de route, après filtres.")
    c2.metric("Objectifs suivis", number(resume["objectifs"]), help="Couples territoire × indicateur avec une cible.")
    c3.metric(status.affichage(status.EN_RETARD), number(resume["en_retard"]),
              help=f"{status.DEFINITIONS[status.EN_RETARD]} Dont {number(resume['en_retard_incomplets'])} sur des "
                   "déclarations incomplètes : le réalisé ne compte que les trimestres renseignés.")
    c4.metric("Déclarations incomplètes", number(resume["incomplets"]),
              help="Territoires dont au moins un indicateur a des trimestres écoulés non renseignés "
                   "(marqués « · 1/3 trim. » dans la matrice, contour pointillé sur la carte).")
    c5.metric("Territoires muets", number(resume["silencieux"]),
              help="Territoires n'ayant déposé aucune valeur sur la fenêtre de leur feuille de route. "
                   + status.DEFINITIONS[status.NON_RENSEIGNE])


def avec_lien(matrice):
    """The matrix with a link column to each territory's page (relative URL: works behind a prefix)."""
    out = matrice.copy()
    out.insert(1, "Fiche", "territoire?territoire=" + out["Code"].astype(str))
    return out


HAUTEUR_MATRICE = 36 * 22 + 40  # about 22 rows in view (rows are 35 px high)
AIDE_MATRICE = ("Chaque case donne le statut (symbole et texte). « · 1/3 trim. » : 1 trimestre renseigné sur 3 "
                "écoulés ; le statut juge alors un réalisé qui ne compte que les trimestres renseignés "
                "(un retard peut n'être qu'un retard de déclaration).")


LARGEUR_COLONNE_INDICATEUR = 150  # pixels


def colonnes_matrice(matrice, catalogue) -> dict:
    """Column settings of the status matrix: the short name pinned (the official name in its
    help and its own column), link, counts, and for each indicator its short label as header with
    the full label and definition as help."""
    from indicators import noms

    config = {
        "Territoire": st.column_config.TextColumn(
            "Territoire", pinned=True, width="medium",
            help="Nom d'usage court (CA : communauté d'agglomération, CC : communauté de communes, "
                 "CU : communauté urbaine, CD : conseil départemental) ; le nom officiel est dans la "
                 "colonne « Nom officiel »."),
        "Nom officiel": st.column_config.TextColumn("Nom officiel", width="large"),
        "Code": st.column_config.TextColumn("Code", help="Code INSEE / SIREN du territoire."),
        "Fiche": st.column_config.LinkColumn("Fiche", display_text="Ouvrir", help="Ouvrir la page du territoire.",
                                             width="small"),
        "En retard": st.column_config.NumberColumn("En retard", help="Nombre d'indicateurs en retard.", width="small"),
        "Incomplets": st.column_config.NumberColumn(
            "Incomplets", width="small",
            help="Nombre d'indicateurs dont des trimestres écoulés ne sont pas renseignés."),
    }
    for row in catalogue.itertuples():
        header = noms.libelle_matrice(row.code, row.libelle)
        if header in matrice.columns:
            # short header (more indicators in view), the full label and definition in the help
            # 150 px holds the longest cell ("✖ En retard · 1/3 trim."): one more column in view than "medium"
            config[header] = st.column_config.TextColumn(
                header, width=LARGEUR_COLONNE_INDICATEUR, help=f"**{row.libelle}** : {row.definition} ({row.unite})")
    return config


def ouvrir_selection(event, matrice) -> None:
    """A row selected in the matrix opens that territory's page."""
    rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
    if rows:
        st.switch_page("pages/territoire.py", query_params={"territoire": str(matrice.iloc[rows[0]]["Code"])})


def styles_statuts(matrice, limite: int = 300) -> dict:
    """Cell colours of the status matrix (a light tint of each status colour, the text and icon
    still say the status; a cell marked "· 1/3 trim." keeps its status's tint); none for very
    large matrices, where styling every cell is slow."""
    from indicators import status
    from indicators.declaration import SEPARATEUR_CELLULE

    if len(matrice) > limite:
        return {}
    tint = {status.affichage(s): f"background-color: {status.COULEURS[s]}22" for s in status.STATUTS}
    fixed = {"Territoire", "Nom officiel", "Code", "Vague", "Type", "Région", "En retard", "Incomplets", "Fiche"}
    return {c: (lambda v: tint.get(str(v).split(SEPARATEUR_CELLULE)[0], "")) for c in matrice.columns
            if c not in fixed}


def tableau_carte(points):
    """The map's figures as a table."""
    from data.reads import TYPES_TERRITOIRE
    from indicators import status

    columns = {"code": "Code", "nom": "Territoire", "type": "Type", "membres": "Membres",
               "statut": "Statut dominant",
               "part_trajectoire_pct": "Dans la trajectoire ou atteints (% des indicateurs évalués)",
               "nb_trajectoire": "Indicateurs dans la trajectoire ou atteints", "nb_evalues": "Indicateurs évalués",
               "nb_en_retard": "Indicateurs en retard", "nb_indicateurs": "Indicateurs suivis",
               "nb_incomplets": "Indicateurs à déclaration incomplète", "declaration": "Déclaration incomplète"}
    return points.assign(
        statut=points["statut"].map(status.affichage),
        type=points["type"].map(lambda t: TYPES_TERRITOIRE.get(t, t)),
        part_trajectoire_pct=points["part_trajectoire_pct"].round(1),
    )[list(columns)].rename(columns=columns)


def date_fr(value) -> str:
    """A date as 31/01/2026 ('' when missing)."""
    return "" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%d/%m/%Y")


def tableau_completude(frame):
    """The completeness heat map as a table."""
    # a date stays a date: shown 31/01/2026 on screen, an Excel date in the export (tables.py)
    return frame.assign(trimestre=frame["libelle"], premiere_arrivee=pd.to_datetime(frame["premiere_arrivee"])).rename(columns={
        "territoire": "Code", "nom": "Territoire", "trimestre": "Trimestre", "attendus": "Attendus",
        "renseignes": "Déposés", "taux_completude": "Complétude (%)",
        "premiere_arrivee": "Première valeur reçue le", "delai_jours": "Délai (jours après la fin du trimestre)",
    }).drop(columns=["libelle"])


def presentation_territoire(info, millesime: str | None) -> str:
    """One line under the territory's name: type, wave, population (with its vintage), départements."""
    from data.reads import TYPES_TERRITOIRE

    if pd.isna(info["population"]):  # none in the reference data (Mayotte's EPCI, for one)
        pop = "population inconnue"
    else:
        pop = f"{number(info['population'])} habitants" + (f" (population légale {millesime})" if millesime else "")
    parts = [TYPES_TERRITOIRE.get(info["type"], info["type"]), info["vague"], pop,
             f"{'départements' if ',' in str(info['departements']) else 'département'} {info['departements']}"]
    if info["membres"]:
        parts.append(f"membres : {info['membres']}")
    return " · ".join(parts)


def fenetre(prog) -> str:
    """The roadmap window of the progress rows."""
    first = prog.iloc[0]
    return (f"Feuille de route de {trimestre(first['debut'])} à {trimestre(first['fin'])} "
            f"({count(int(first['trimestres_fenetre']), 'trimestre')}) ; "
            f"{count(int(first['trimestres_ecoules']), 'trimestre écoulé', 'trimestres écoulés')}.")


def colonnes_notes() -> dict:
    """Column settings of the trajectory table with its comments (in scope): the comment readable."""
    return {
        "Commentaire": st.column_config.TextColumn("Commentaire", width="large",
                                                   help="Commentaire et source saisis avec la valeur en vigueur."),
        "Révisions": st.column_config.Column("Révisions", help="Nombre de valeurs remplacées pour ce trimestre "
                                             "(détail dans « Commentaires et révisions » ci-dessous)."),
    }


def tableau_historique(versions):
    """The versions of an indicator's values in French (data.reads.historique_valeurs)."""
    return pd.DataFrame({
        "Trimestre": versions["trimestre"].map(trimestre), "Révision": versions["revision"],
        "Valeur": versions["valeur"],
        "État": versions["courante"].map({True: "valeur en vigueur", False: "remplacée"}),
        "Commentaire": versions["commentaire"], "Source": versions["source"],
        "Déposée par": versions["utilisateur"], "Le": versions["enregistre_le"].map(date_fr),
        "Remplacée le": versions["remplacee_le"].map(date_fr), "Fichier": versions["fichier"],
    })


def tableau_depots(uploads):
    """A list of uploads (depot rows) in French: dates, outcomes and kinds spelt out."""
    from data.uploads import libelle_type

    return uploads.assign(
        resultat=uploads["resultat"].map({"enregistre": "enregistré", "refuse": "refusé"}),
        type_fichier=uploads["type_fichier"].map(libelle_type),
    ).rename(columns={"recu_le": "Reçu le", "fichier": "Fichier", "type_fichier": "Type",
                      "utilisateur": "Déposé par", "resultat": "Résultat", "territoires": "Territoires",
                      "nb_nouvelles": "Nouvelles", "nb_revisees": "Révisées",
                      "nb_inchangees": "Inchangées", "nb_erreurs": "Erreurs"})


NBSP = "\u00a0"


def chiffres_cles(cles, catalogue, quarter: str, depuis: str | None) -> None:
    """The national headline metrics: the quarter's figure, its change on the previous quarter, the
    total since the first roadmap started, and the definition in the help."""
    from indicators.views import LIBELLES_COURTS

    defs = catalogue.set_index("code")
    columns = st.columns(len(cles))
    for col, row in zip(columns, cles.itertuples()):
        d = defs.loc[row.indicateur]
        # a true minus sign like every other figure (−57,4): st.metric would read its direction from
        # an ASCII "-" only, so the arrow and colour are given
        known = row.evolution == row.evolution
        down = known and row.evolution < 0
        # the change in words with the quarter it is measured against, never an arrow or a colour alone
        # the quarter on one line when the words wrap (_STYLE_CHIFFRES): « T2 2026 », never « T2 / 2026 »
        delta = (f"{'' if down else '+'}{number(row.evolution)} par rapport au "
                 f"{trimestre(quarters.shift(quarter, -1)).replace(' ', NBSP)}") if known else None
        col.metric(
            LIBELLES_COURTS[row.indicateur], number(row.valeur), delta=delta,
            delta_color="gray" if d["sens"] == "neutre" or not row.evolution else ("red" if down else "green"),
            delta_arrow="down" if down else ("up" if known and row.evolution else "off"),
            help=f"**{d['libelle']}** : {d['definition']} ({d['unite']}). Somme des {row.territoires_renseignes} territoires ayant déposé "
                 f"le {trimestre(quarter)}. Variation sur un trimestre calculée à périmètre constant : sur les "
                 f"{row.territoires_compares} territoires ayant déposé ce trimestre et le précédent.", border=True,
        )
        if depuis:
            col.caption(f"Depuis le {trimestre(depuis)} : **{number(row.cumul)}** {d['unite']}")


def tableau_manquants(missing):
    """Territories without any value for the quarter, in French."""
    return missing.assign(dernier_trimestre=missing["dernier_trimestre"].map(trimestre)).rename(
        columns={"code": "Code", "nom": "Territoire", "vague": "Vague", "dernier_trimestre": "Dernier trimestre déposé"})


def aide_statuts() -> None:
    """A popover with the definition of every status and the thresholds applied."""
    from indicators import status

    with st.popover("Définition des statuts", icon=":material/help:"):
        for code in status.STATUTS:
            st.markdown(f"**{status.affichage(code)}** — {status.DEFINITIONS[code]}")
        st.markdown("[Méthode complète et seuils appliqués](methode)")


LIGNES_CARTE_CHALEUR = 60  # territories drawn in the completeness heat map (the table has them all)


def legende_completude(shown: int, total: int) -> str:
    """Caption of the completeness heat map."""
    text = "Part des indicateurs attendus (ceux des feuilles de route) déposés pour chaque trimestre"
    if shown < total:
        return (f"{text} : les {shown} territoires les moins complets sur {number(total)}, du moins complet "
                "au plus complet ; le tableau ci-dessous les donne tous.")
    return f"{text}, du territoire le moins complet au plus complet."
