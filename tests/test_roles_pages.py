"""Roles in the pages: AppTest per role, with Streamlit's login simulated (at.user, always with
is_logged_in) and an [auth] table in at.secrets; demonstration mode without it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from data import personnes, store
from data.access import Personne
from pages.components import navigation
from tests.apptest import raised_nothing
from tests.conftest import ROOT

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "secret-de-test-" + "y" * 24,
    "client_id": "tableau-de-bord",
    "client_secret": "secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",  # never called here
}
ADMIN_PAGE = "pages/administration.py"
REFUSAL = "Accès refusé : cette page est réservée à l'équipe nationale de la Dihal (rôle national)."


@pytest.fixture
def people(demo_db, monkeypatch):
    """The demo database with one registered person per role (e-mail -> Personne)."""
    monkeypatch.setenv("LDA_DB", str(demo_db))
    with store.connect(demo_db) as con:
        territoire = list(personnes.active_territories(con))[0]
        registered = {
            "national": Personne("admin@dihal.gouv.fr", "national"),
            "coordinateur": Personne("coord@ville.fr", "coordinateur", territoire),
            "services_etat": Personne("ddets@ddets.gouv.fr", "services_etat", territoire),
            "lecteur": Personne("lecture@dihal.gouv.fr", "lecteur"),
        }
        for p in registered.values():
            personnes.save(con, Personne("installation", "national"), p.email, p.role, p.territoire)
    return registered


def run(page: str = "app.py", *, user: dict | None = None, auth: bool = True, demo_role: str | None = None) -> AppTest:
    """A first run of ``page``. Only a first run of app.py is a faithful one under AppTest: it resets
    Streamlit's pages-folder flag before every run, so later runs execute the page alone (legacy
    multipage mode); each persona therefore gets its own AppTest."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=30)
    if demo_role:
        at.session_state["demo_role"] = demo_role
    if auth:
        at.secrets["auth"] = dict(AUTH)
    if user is not None:
        at.user = user
    return raised_nothing(at.run())


def signed_in(email: str) -> dict:
    return {"is_logged_in": True, "email": email, "name": "Agent de test"}


def can_open(at: AppTest, page: str) -> bool:
    """Whether app.py's navigation registered ``page`` in this run."""
    try:
        at.switch_page(page)
    except ValueError:
        return False
    return True


def auth_state(at: AppTest):
    """The person app.py decided for the last run."""
    return at.session_state["lda_personne"]


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "header", "markdown", "caption", "info", "warning", "error", "success")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


# ------------------------------------------------------------------ demonstration mode


def test_without_auth_the_persona_selector_is_shown_national_by_default(people):
    at = run(auth=False)
    assert any("Mode démonstration" in w.value for w in at.sidebar.warning)
    selector = at.selectbox(key="demo_role")
    assert selector.label == "Profil de démonstration" and selector.value == "national"
    assert can_open(at, ADMIN_PAGE)


@pytest.mark.parametrize("role", ["coordinateur", "services_etat", "lecteur"])
def test_other_demo_personas_do_not_administer(people, role):
    at = run(auth=False, demo_role=role)
    assert any("Mode démonstration" in w.value for w in at.sidebar.warning)
    assert at.selectbox(key="demo_role").value == role
    assert ("demo_territoire" in [s.key for s in at.selectbox]) == (role != "lecteur")
    # not offered in the navigation; its address opens the page, which refuses in French
    assert not navigation.offered(auth_state(at))["administration"]
    at.switch_page(ADMIN_PAGE).run()
    assert [e.value for e in at.error] == [REFUSAL] and len(at.dataframe) == 0


CLOSED = "le tableau de bord reste fermé, pour que personne ne puisse y choisir un profil"


def closed(at: AppTest) -> bool:
    """The app shows its closed page only: no persona selector, no data, no page registered."""
    return (any(CLOSED in e.value for e in at.error) and len(at.selectbox) == 0 and len(at.dataframe) == 0
            and len(at.metric) == 0 and not can_open(at, "pages/accueil.py"))


@pytest.mark.parametrize("table", [None, "Auth", "oidc"])
def test_a_real_database_without_a_valid_auth_table_stays_closed(db, monkeypatch, table):
    """A misspelt secrets table on a database that is not demo data: closed, never demonstration
    mode (where the persona selector would make anyone national)."""
    monkeypatch.delenv("LDA_DEMO")
    monkeypatch.setenv("LDA_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if table:
        at.secrets[table] = dict(AUTH)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert closed(at)
    assert "Mode démonstration" not in texts(at) + " ".join(w.value for w in at.sidebar.warning)
    if table:
        assert f"Une table « [{table}] » a été trouvée : le nom attendu est « [auth] », en minuscules." in at.error[0].value
    page = AppTest.from_file(str(ROOT / "pages/territoire.py"), default_timeout=30)  # a page run on its own
    page.run()
    assert closed(page)


def test_demonstration_mode_opens_on_demo_data_or_with_the_switch(db, demo_db, monkeypatch):
    monkeypatch.delenv("LDA_DEMO")
    monkeypatch.setenv("LDA_DB", str(demo_db))  # marked as demo data: no switch needed
    at = run(auth=False)
    assert at.selectbox(key="demo_role").value == "national"
    monkeypatch.setenv("LDA_DB", str(db))  # not demo data, with the explicit switch
    monkeypatch.setenv("LDA_DEMO", "1")
    at = run(auth=False)
    assert at.selectbox(key="demo_role").value == "national"
    monkeypatch.setenv("LDA_DEMO", "oui")  # only "1" opens it
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    assert closed(at)


# ------------------------------------------------------------------ auth configured


def test_with_auth_there_is_no_persona_selector_and_signed_out_sees_no_data(people):
    at = run(user={"is_logged_in": False})
    assert "Mode démonstration" not in texts(at)
    assert not any(s.key in ("demo_role", "demo_territoire") for s in at.selectbox)
    assert [b.label for b in at.button] == ["Se connecter"]
    assert "Connectez-vous avec votre compte professionnel" in at.info[0].value
    assert len(at.dataframe) == 0 and len(at.metric) == 0
    assert not can_open(at, "pages/accueil.py")  # nothing but the sign-in page is registered


def test_unknown_email_gets_a_french_message_and_no_data(people):
    at = run(user=signed_in("inconnu@ailleurs.fr"))
    assert at.error[0].value.startswith("Le compte inconnu@ailleurs.fr n'a pas de rôle actif dans le tableau de bord.")
    assert [b.label for b in at.button] == ["Se déconnecter"]
    assert len(at.dataframe) == 0 and len(at.metric) == 0
    assert "Mode démonstration" not in texts(at)
    assert not can_open(at, "pages/accueil.py") and not can_open(at, ADMIN_PAGE)


@pytest.mark.parametrize("claim", [False, "false"])
def test_an_unverified_email_is_refused_with_no_data(people, claim):
    at = run(user=dict(signed_in("admin@dihal.gouv.fr"), email_verified=claim))  # a national's address
    assert [e.value for e in at.error] == [
        "L'adresse électronique admin@dihal.gouv.fr n'est pas vérifiée par votre fournisseur d'identité : le "
        "tableau de bord ne l'accepte pas, une adresse non vérifiée pouvant être celle d'un autre. Faites-la "
        "vérifier auprès de votre fournisseur (ProConnect), puis reconnectez-vous."]
    assert [b.label for b in at.button] == ["Se déconnecter"]
    assert len(at.dataframe) == 0 and len(at.metric) == 0 and not at.sidebar.caption
    assert not can_open(at, "pages/accueil.py") and not can_open(at, ADMIN_PAGE)


def test_a_verified_email_is_let_in(people):
    at = run(user=dict(signed_in("admin@dihal.gouv.fr"), email_verified=True))
    assert "Connecté : **admin@dihal.gouv.fr**" in at.sidebar.caption[0].value
    assert can_open(at, ADMIN_PAGE)


def test_a_deactivated_person_is_treated_as_unknown(people, demo_db):
    with store.connect(demo_db) as con:
        personnes.deactivate(con, people["national"], "lecture@dihal.gouv.fr")
    at = run(user=signed_in("lecture@dihal.gouv.fr"))
    assert "n'a pas de rôle actif" in at.error[0].value
    assert len(at.metric) == 0


def test_national_sees_administration_and_adds_a_person(people, demo_db):
    at = run(user=signed_in("Admin@Dihal.gouv.fr"))  # e-mail case does not matter
    assert "Connecté : **admin@dihal.gouv.fr** — Équipe nationale (Dihal)" in at.sidebar.caption[0].value
    assert "Mode démonstration" not in texts(at)
    assert can_open(at, ADMIN_PAGE)
    at.run()
    assert not at.exception
    assert [h.value for h in at.header] == ["Personnes", "Feuilles de route et territoires", "Enveloppe AMI (fiche 5)",
                                            "Extraits SI-SIAO : correspondance des colonnes", "Journal d'audit"]
    table = at.dataframe[0].value
    with store.connect(demo_db) as con:
        everyone = {e for (e,) in con.execute("SELECT email FROM personne").fetchall()}
    assert set(table["Adresse électronique"]) == everyone >= {p.email for p in people.values()}
    assert set(table["Rôle"]) == {"Équipe nationale (Dihal)", "Coordination territoriale",
                                  "Services de l'État du territoire", "Lecture (agrégats nationaux)"}

    at.text_input(key="adm_email").input("Nouvelle.Personne@dihal.gouv.fr")
    at.selectbox(key="adm_role").select("lecteur")
    at.button(key="FormSubmitter:adm_form-Enregistrer la personne").click()
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Enregistré (ajout d'une personne) : nouvelle.personne@dihal.gouv.fr."]
    assert "nouvelle.personne@dihal.gouv.fr" in set(at.dataframe[0].value["Adresse électronique"])
    journal = at.dataframe[-1].value
    assert journal.iloc[0][["Qui", "Action", "Objet", "Détails"]].tolist() == [
        "admin@dihal.gouv.fr", "Ajout d'une personne", "nouvelle.personne@dihal.gouv.fr", "(aucun) -> lecteur"]
    with store.connect(demo_db) as con:
        assert con.execute("SELECT role, utilisateur FROM personne WHERE email = ?",
                           ["nouvelle.personne@dihal.gouv.fr"]).fetchall() == [("lecteur", "admin@dihal.gouv.fr")]


def test_national_form_errors_are_french_and_store_nothing(people, demo_db):
    with store.connect(demo_db) as con:
        before = con.execute("SELECT count(*) FROM personne").fetchall()
    at = run(ADMIN_PAGE, user=signed_in("admin@dihal.gouv.fr"))
    at.text_input(key="adm_email").input("pas-une-adresse")
    at.selectbox(key="adm_role").select("coordinateur")
    at.button(key="FormSubmitter:adm_form-Enregistrer la personne").click()
    at.run()
    assert [e.value for e in at.error] == [
        "« pas-une-adresse » n'est pas une adresse électronique valide (forme attendue : prenom.nom@domaine.fr). "
        "Le rôle « Coordination territoriale » exige un territoire."]
    with store.connect(demo_db) as con:
        assert con.execute("SELECT count(*) FROM personne").fetchall() == before


def test_national_deactivates_a_person(people, demo_db):
    at = run(ADMIN_PAGE, user=signed_in("admin@dihal.gouv.fr"))
    at.selectbox(key="adm_desactiver").select("coord@ville.fr")
    at.run()
    at.button(key="adm_bouton_desactiver").click()
    at.run()
    assert [s.value for s in at.success] == [
        "coord@ville.fr est désactivée : elle n'a plus accès au tableau de bord."]
    table = at.dataframe[0].value.set_index("Adresse électronique")
    assert not table.loc["coord@ville.fr", "Actif"]
    with store.connect(demo_db) as con:
        assert personnes.fiche(con, "coord@ville.fr").actif is False


def test_national_imports_a_people_file_with_the_same_loader(people, demo_db):
    at = run(ADMIN_PAGE, user=signed_in("admin@dihal.gouv.fr"))
    at.file_uploader(key="adm_fichier").set_value(
        ("personnes.csv", "email;role;code_territoire\nimport@dihal.gouv.fr;lecteur;\n".encode(), "text/csv"))
    at.run()
    at.button(key="adm_importer").click()
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Import de personnes.csv enregistré : 1 personne ajoutée, 0 modifiée, 0 inchangée."]
    with store.connect(demo_db) as con:
        assert personnes.fiche(con, "import@dihal.gouv.fr").role == "lecteur"

    at.file_uploader(key="adm_fichier").set_value(
        ("erreurs.csv", "email;role;code_territoire\nfaux;lecteur;\n".encode(), "text/csv"))
    at.run()
    at.button(key="adm_importer").click()
    at.run()
    assert at.error[0].value == "Fichier refusé : 1 problème sur 1 ligne. Rien n'a été enregistré."
    problems = at.dataframe[1].value
    assert problems[["ligne", "colonne", "valeur", "code"]].values.tolist() == [[2, "email", "faux", "email-invalide"]]


def test_audit_trail_filters_by_action(people):
    at = run(ADMIN_PAGE, user=signed_in("admin@dihal.gouv.fr"))
    at.selectbox(key="adm_action").select(personnes.AJOUT)
    at.run()
    journal = at.dataframe[-1].value
    # the four of the fixture, plus the demo's own people (imported by dihal-demo)
    assert set(journal["Action"]) == {"Ajout d'une personne"}
    assert (journal["Qui"] == "installation").sum() == 4 and set(journal["Qui"]) == {"installation", "dihal-demo"}


@pytest.mark.parametrize("role", ["coordinateur", "services_etat", "lecteur"])
def test_other_roles_have_no_administration_and_are_refused_on_the_page(people, demo_db, role):
    person = people[role]
    at = run(user=signed_in(person.email))
    assert f"Connecté : **{person.email}**" in at.sidebar.caption[0].value
    assert "Mode démonstration" not in texts(at)
    assert not navigation.offered(person)["administration"]

    page = run(ADMIN_PAGE, user=signed_in(person.email))
    assert [e.value for e in page.error] == [REFUSAL]
    assert len(page.dataframe) == 0 and len(page.text_input) == 0 and len(page.file_uploader) == 0


@pytest.mark.parametrize("role", ["coordinateur", "services_etat", "lecteur"])
def test_demo_persona_decided_by_app_is_refused_on_the_page(people, role):
    at = AppTest.from_file(str(ROOT / ADMIN_PAGE), default_timeout=30)
    at.session_state["lda_personne"] = people[role]  # what app.py decided for this run
    at.run()
    assert [e.value for e in at.error] == [REFUSAL]
    assert len(at.dataframe) == 0


DEPOT_PAGE = "pages/depot.py"
TERRITORY_PAGE = "pages/territoire.py"


@pytest.mark.parametrize("role,may_upload", [("national", True), ("coordinateur", True),
                                             ("services_etat", False), ("lecteur", False)])
def test_signed_in_roles_and_the_upload_page(people, role, may_upload):
    person = people[role]
    at = run(user=signed_in(person.email))
    assert navigation.offered(person)["depot"] == may_upload
    assert can_open(at, DEPOT_PAGE)  # registered (hidden when not offered): no English "Page not found"
    page = run(DEPOT_PAGE, user=signed_in(person.email))
    if may_upload:
        assert not page.error and len(page.file_uploader) == 1
    else:  # the page itself refuses, whatever the navigation shows
        assert [e.value for e in page.error][0].startswith("Votre profil ne permet pas de déposer des données")
        assert len(page.file_uploader) == 0


def test_signed_in_coordinator_uploads_for_their_territory_only(people, demo_db):
    coordinator = people["coordinateur"]
    at = AppTest.from_file(str(ROOT / DEPOT_PAGE), default_timeout=30)
    at.secrets["auth"] = dict(AUTH)
    at.user = signed_in(coordinator.email)
    at.run()
    with store.connect(demo_db) as con:
        other = con.execute("SELECT code FROM territoire WHERE actif AND code <> ? ORDER BY code LIMIT 1",
                            [coordinator.territoire]).fetchall()[0][0]
    data = ("code_territoire;indicateur;trimestre;valeur\r\n"
            f"{coordinator.territoire};cfp_accordes;2026-T3;4\r\n{other};cfp_accordes;2026-T3;4\r\n").encode("cp1252")
    at.file_uploader[0].set_value(("depot.csv", data, "text/csv")).run()
    assert not at.exception
    assert "Fichier refusé" in at.error[0].value
    assert any("hors de votre périmètre" in m for m in texts(at).split("\n"))
    with store.connect(demo_db) as con:
        assert con.execute("SELECT count(*) FROM valeur v JOIN depot d ON d.id = v.depot_id WHERE territoire = ?"
                           " AND indicateur = 'cfp_accordes' AND d.utilisateur = ?",
                           [other, coordinator.email]).fetchall()[0][0] == 0


@pytest.mark.parametrize("role", ["coordinateur", "services_etat", "lecteur"])
def test_signed_in_roles_see_another_territory_at_the_aggregate_level_only(people, demo_db, role):
    person = people[role]
    with store.connect(demo_db) as con:
        other = con.execute("SELECT code FROM territoire WHERE actif AND code <> ? ORDER BY code LIMIT 1",
                            [person.territoire or ""]).fetchall()[0][0]
    at = AppTest.from_file(str(ROOT / TERRITORY_PAGE), default_timeout=30)
    at.secrets["auth"] = dict(AUTH)
    at.user = signed_in(person.email)
    at.query_params["territoire"] = other
    at.run()
    assert not at.exception
    assert any("réservés" in i.value for i in at.info)  # no upload history, comments or revisions
    assert "Historique des dépôts" not in [s.value for s in at.subheader]
    trajectory = next(d.value for d in at.dataframe if "Chemin attendu" in d.value.columns)
    assert "Valeur du trimestre" not in trajectory.columns
    assert trajectory["Réalisé"].notna().sum() <= 1
    if person.territoire:  # their own territory: the detail is there
        own = AppTest.from_file(str(ROOT / TERRITORY_PAGE), default_timeout=30)
        own.secrets["auth"] = dict(AUTH)
        own.user = signed_in(person.email)
        own.query_params["territoire"] = person.territoire
        own.run()
        assert "Historique des dépôts" in [s.value for s in own.subheader]


def test_every_page_is_registered_and_the_restricted_ones_are_offered_by_role():
    """A page one may not use stays registered, hidden (its address opens the page, which refuses
    in French), so that Streamlit never answers a known address with its English dialog."""
    specs = {p.key: p.path for p in navigation.PAGES}
    assert set(specs) == {"accueil", "pilotage", "territoire", "methode", "presentation", "depot", "administration",
                          "accessibilite"}
    assert {p.name for p in (ROOT / "pages").glob("*.py")} == {path.split("/")[1] for path in specs.values()}
    terr = "200046977"
    expected = {  # role: (depot, administration)
        Personne("n@dihal.gouv.fr", "national"): (True, True),
        Personne("c@t.fr", "coordinateur", terr): (True, False),
        Personne("s@t.gouv.fr", "services_etat", terr): (False, False),
        Personne("l@dihal.gouv.fr", "lecteur"): (False, False),
    }
    for person, (depot, admin) in expected.items():
        shown = navigation.offered(person)
        assert (shown["depot"], shown["administration"]) == (depot, admin), person.role
        assert all(shown[k] for k in ("accueil", "pilotage", "territoire", "methode", "presentation", "accessibilite"))
