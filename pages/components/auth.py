"""Who is using the dashboard.

With an ``[auth]`` table in .streamlit/secrets.toml, identity comes from Streamlit's OpenID Connect
login (st.login, e.g. ProConnect) and the role from the ``personne`` table; an e-mail with no active
role, or one the provider says is not verified, sees a French message and no data. Without it the
app runs in demonstration mode (a clearly labelled persona selector in the sidebar, national by
default) only on a database marked as demo data or with the explicit switch LDA_DEMO=1; on any
other database it stays closed with a French message: a misspelt table (``[Auth]``, ``[oidc]``)
must never make anyone national. The selector cannot appear when auth is configured:
``auth_configured()`` decides, nothing else (no URL parameter, no session flag).
See docs/authentification.md.
"""

from __future__ import annotations

import os

import streamlit as st

from data import access, queries
from data.access import Personne
from pages.components.store import read

_SESSION_KEY = "lda_personne"
DEMO_TITLE = "Mode démonstration"
DEMO_EMAIL = {
    "national": "demo.national@dihal.gouv.fr",
    "coordinateur": "demo.coordination@territoire.fr",
    "services_etat": "demo.ddets@territoire.gouv.fr",
    "lecteur": "demo.lecture@dihal.gouv.fr",
}


def auth_configured() -> bool:
    """True when .streamlit/secrets.toml has an [auth] table (production). Fails closed: a secrets
    file that exists but cannot be read stops the app with a French message, never falls back to
    the demonstration mode (where anyone may pick the national profile)."""
    try:
        return "auth" in st.secrets
    except Exception:
        if _secrets_file_present():
            _only_page(_unreadable_secrets_page, "configuration")
        return False  # no secrets file at all: demonstration mode


def _secrets_file_present() -> bool:
    """Whether any of the secrets files Streamlit reads exists on disk."""
    from streamlit import config

    return any(os.path.exists(os.path.expanduser(p)) for p in config.get_option("secrets.files"))


def _unreadable_secrets_page() -> None:
    st.title("Logement d'abord — tableau de bord")
    st.error("La configuration de connexion (`.streamlit/secrets.toml`) existe mais ne peut pas être lue : "
             "le tableau de bord reste fermé tant qu'elle n'est pas corrigée. Prévenez l'équipe qui "
             "l'administre (le journal du serveur donne l'erreur exacte).")


DEMO_SWITCH = "LDA_DEMO"  # "1": demonstration mode on any database (tests, a training session)


def demo_allowed() -> bool:
    """Whether the demonstration mode (where anyone may pick the national profile) may open: only
    on a database marked as demo data (metadonnee demo = oui) or with LDA_DEMO=1."""
    return os.environ.get(DEMO_SWITCH) == "1" or bool(read(queries.summary)["demo"])


def _tables_like_auth() -> list[str]:
    """Names of the secrets tables that look like a misspelt [auth] (``Auth``, ``oidc``...)."""
    try:
        names = list(st.secrets.keys())
    except Exception:
        return []
    return [n for n in names if n != "auth" and any(w in n.lower() for w in ("auth", "oidc", "proconnect", "login"))]


def _closed_page() -> None:
    st.title("Logement d'abord — tableau de bord")
    found = _tables_like_auth()
    hint = (f" Une table « [{found[0]}] » a été trouvée : le nom attendu est « [auth] », en minuscules."
            if found else "")
    st.error("Aucune connexion n'est configurée (table `[auth]` de `.streamlit/secrets.toml`) et cette base "
             "n'est pas une base de démonstration : le tableau de bord reste fermé, pour que personne ne "
             f"puisse y choisir un profil.{hint} Prévenez l'équipe qui l'administre "
             "(docs/authentification.md).")


def _provider() -> str | None:
    """The named provider of ``[auth.NAME]`` (e.g. proconnect) if there is one, else None (the
    provider's settings are directly in ``[auth]``)."""
    for name, value in st.secrets["auth"].items():
        if hasattr(value, "get") and value.get("client_id"):
            return name
    return None


def _lookup(con, email: str):
    return access.lookup(con, email)


def _only_page(render, url_path: str) -> None:
    """End the run on a single hidden page drawn by ``render`` (and the accessibility statement,
    public, linked under it). The navigation matters: a run without st.navigation falls back to
    Streamlit's automatic listing of pages/, which would offer every page (and run it without
    app.py) to a signed-out visitor."""
    from pages.components import accessibilite, navigation

    statement = navigation.ACCESSIBILITE
    # an absolute path: a page run on its own (Streamlit's first request after a start) resolves a
    # relative one from its own folder
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), statement.path)
    shown = st.navigation([st.Page(render, title="Connexion", url_path=url_path, default=True),
                           st.Page(script, title=statement.title, icon=statement.icon)],
                          position="hidden")
    shown.run()
    if shown.title != statement.title:
        st.divider()
        st.page_link(script, label=accessibilite.mention(), icon=statement.icon)
    st.stop()


def _sign_in_page() -> None:
    st.title("Logement d'abord — tableau de bord")
    st.info("Connectez-vous avec votre compte professionnel (ProConnect) pour accéder au tableau de bord.")
    if st.button("Se connecter", type="primary", key="auth_login"):
        st.login(_provider())


def _no_role_page() -> None:
    email = _signed_in_email()
    st.title("Logement d'abord — tableau de bord")
    st.error(
        f"Le compte {email or '(sans adresse électronique)'} n'a pas de rôle actif dans le tableau de "
        "bord. Demandez à l'équipe nationale de la Dihal de vous l'attribuer, puis reconnectez-vous."
    )
    if st.button("Se déconnecter", key="auth_logout_unknown"):
        st.logout()


def _unverified_page() -> None:
    st.title("Logement d'abord — tableau de bord")
    st.error(
        f"L'adresse électronique {_signed_in_email() or '(sans adresse)'} n'est pas vérifiée par votre "
        "fournisseur d'identité : le tableau de bord ne l'accepte pas, une adresse non vérifiée pouvant "
        "être celle d'un autre. Faites-la vérifier auprès de votre fournisseur (ProConnect), puis "
        "reconnectez-vous."
    )
    if st.button("Se déconnecter", key="auth_logout_unverified"):
        st.logout()


def _email_unverified() -> bool:
    """True when the provider sends the ``email_verified`` claim and it is false (a provider that
    does not send it is trusted for the address, as ProConnect, which only gives verified ones)."""
    claim = st.user.get("email_verified")
    return claim is False or str(claim).strip().lower() in ("false", "0")


def _signed_in_email() -> str:
    """The e-mail claim of the identity token ('' when the provider sent none)."""
    return str(st.user.get("email") or "").strip()


def _signed_in_person() -> Personne:
    """Production: the OIDC identity, then the role from the database; stops the run otherwise."""
    if not st.user.is_logged_in:
        _only_page(_sign_in_page, "connexion")
    if _email_unverified():
        _only_page(_unverified_page, "adresse-non-verifiee")
    email = _signed_in_email()
    person = read(_lookup, email) if email else None
    if person is None:
        _only_page(_no_role_page, "acces-refuse")
    with st.sidebar:
        st.caption(f"Connecté : **{person.email}** — {person.libelle_role}"
                   + (f" ({person.territoire})" if person.territoire else ""))
        if st.button("Se déconnecter", key="auth_logout"):
            st.logout()
    return person


def _demo_person() -> Personne:
    """Demonstration: the persona chosen in the sidebar (national by default)."""
    terr = read(queries.territories)
    terr = terr[terr["actif"]]
    labels = dict(zip(terr["code"], terr["nom"]))
    with st.sidebar:
        st.warning(
            f"**{DEMO_TITLE}** — aucune authentification n'est configurée : choisissez le profil "
            "avec lequel parcourir l'outil. En production, la connexion passe par ProConnect.",
            icon=":material/theater_comedy:",
        )
        role = st.selectbox(
            "Profil de démonstration", access.ROLES, format_func=access.LIBELLES_ROLES.get,
            key="demo_role", placeholder="Choisir un profil",
        )
        territoire = None
        if role in access.ROLES_AVEC_TERRITOIRE and labels:
            territoire = st.selectbox(
                "Territoire du profil", list(labels), format_func=lambda c: f"{labels[c]} ({c})",
                key="demo_territoire", placeholder="Choisir un territoire",
            )
        elif role in access.ROLES_AVEC_TERRITOIRE:  # no territory yet: this profile cannot exist
            st.caption("Aucun territoire actif : profil national utilisé.")
            role = "national"
    return Personne(DEMO_EMAIL[role], role, territoire)


def current_person() -> Personne:
    """The person using this session (called once per run by app.py; pages read it back with
    ``person()``)."""
    if auth_configured():
        person = _signed_in_person()
    elif demo_allowed():
        person = _demo_person()
    else:
        _only_page(_closed_page, "configuration")
    st.session_state[_SESSION_KEY] = person
    return person


def _hors_navigation() -> None:
    """Streamlit starts in its legacy multipage mode because a pages/ folder sits beside app.py:
    until app.py has called st.navigation once in the process, a first request for /pilotage
    runs pages/pilotage.py alone (no sign-in, no navigation). Leave that mode and run again:
    app.py then runs, signs the person in and opens the page asked for."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_publique() -> None:
    """For a page anyone may read, signed in or not (the accessibility statement): no person is
    decided, only Streamlit's legacy mode left (see _hors_navigation)."""
    _hors_navigation()


def person() -> Personne:
    """The person of this run, as decided by app.py."""
    _hors_navigation()
    found = st.session_state.get(_SESSION_KEY)
    if found is None:  # a page run on its own (tests): decide here
        return current_person()
    return found
