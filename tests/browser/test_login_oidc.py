"""The real login journey against a small OpenID Connect provider started by the test (as
Streamlit's own end-to-end tests do): "Se connecter" -> provider -> back, signed in as a national
administrator registered in the database. Nothing leaves localhost: the provider listens on
127.0.0.1, its key is generated here, and the page fixture aborts and reports any other request."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from data import personnes, store
from data.access import Personne
from tests.browser.conftest import (
    assert_no_exception,
    assert_offline,
    launch_server,
    open_page,
)

pytestmark = pytest.mark.browser

CLIENT_ID = "tableau-de-bord-lda"
CLIENT_SECRET = "secret-de-test-" + "x" * 24
EMAIL = "admin.national@dihal.gouv.fr"
CLAIMS = '{"id_token":{"email":{"essential":true}}}'


class MockProvider:
    """Discovery document, JWKS, /authorize (answers at once with a code, no login form) and /token
    (an RS256 id_token for EMAIL with the nonce of the authorization request)."""

    def __init__(self):
        from joserfc.jwk import RSAKey

        self.key = RSAKey.generate_key(2048, parameters={"kid": "cle-test", "use": "sig", "alg": "RS256"})
        self.codes: dict[str, dict] = {}
        self.authorizations: list[dict] = []  # query of each /authorize request
        self.calls: list[tuple[str, str]] = []  # (method, path) seen by the provider
        self.token_requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "given_name", "usual_name"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }

    def id_token(self, nonce: str) -> str:
        from joserfc import jwt

        now = int(time.time())
        claims = {"iss": self.issuer, "sub": "agent-42", "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  "nonce": nonce, "email": EMAIL, "email_verified": True,
                  "given_name": "Camille", "usual_name": "Martin"}
        return jwt.encode({"alg": "RS256", "kid": "cle-test"}, claims, self.key)

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def _json(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                provider.calls.append(("GET", url.path))
                if url.path == "/.well-known/openid-configuration":
                    return self._json(200, provider.metadata())
                if url.path == "/jwks":
                    return self._json(200, {"keys": [provider.key.as_dict(private=False)]})
                if url.path == "/authorize":
                    q = {k: v[0] for k, v in parse_qs(url.query).items()}
                    if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code":
                        return self._json(400, {"error": "invalid_request"})
                    provider.authorizations.append(q)
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = q
                    self.send_response(302)
                    self.send_header("Location", q["redirect_uri"] + "?" + urlencode({"code": code, "state": q["state"]}))
                    self.end_headers()
                    return None
                return self._json(404, {"error": "not_found"})

            def do_POST(self):
                url = urlsplit(self.path)
                provider.calls.append(("POST", url.path))
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Basic "):
                    cid, _, csecret = base64.b64decode(auth[6:]).decode().partition(":")
                else:
                    cid, csecret = form.get("client_id"), form.get("client_secret")
                provider.token_requests.append({"client_id": cid, **form})
                request = provider.codes.pop(form.get("code", ""), None)
                if url.path != "/token" or request is None or (cid, csecret) != (CLIENT_ID, CLIENT_SECRET):
                    return self._json(400, {"error": "invalid_grant"})
                if "code_challenge" in request:  # PKCE S256
                    digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
                    if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != request["code_challenge"]:
                        return self._json(400, {"error": "invalid_grant"})
                return self._json(200, {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer",
                                        "expires_in": 60, "id_token": provider.id_token(request.get("nonce", ""))})

        return Handler

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider():
    with MockProvider() as running:
        yield running


@pytest.fixture
def auth_server(provider, demo_template, tmp_path):
    """A Streamlit server with an [auth] table pointing at the mock provider, on a copy of the demo
    database where EMAIL is a national administrator."""
    db_path = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, db_path)
    with store.connect(db_path) as con:
        personnes.save(con, Personne("installation", "national"), EMAIL, "national")
    secrets_file = tmp_path / "secrets.toml"
    # the shape docs/authentification.md gives for ProConnect: a named provider with its scopes
    secrets_file.write_text(
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'  # Streamlit fills in its port
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        "[auth.proconnect]\n"
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.issuer}/.well-known/openid-configuration"\n'
        'client_kwargs = { scope = "openid email given_name usual_name", prompt = "login" }\n'
        "authorize_params = { claims = '" + CLAIMS + "' }\n",
        encoding="utf-8",
    )
    server = launch_server(db_path, tmp_path, ("--secrets.files", str(secrets_file)))
    yield server
    server.stop()


def test_login_through_a_local_oidc_provider(page, page_log, provider, auth_server, screenshot):
    try:
        open_page(page, auth_server.base_url, "/")
        assert_no_exception(page)
        # signed out: no data, no persona selector, a sign-in button
        expect(page.get_by_text("Connectez-vous avec votre compte professionnel")).to_be_visible()
        assert page.get_by_text("Mode démonstration").count() == 0
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0

        page.get_by_role("button", name="Se connecter").click()
        # redirects only: /auth/login -> provider's /authorize -> /oauth2callback (Streamlit exchanges
        # the code server-side and sets its cookie) -> / ; the page must not be reloaded meanwhile
        sidebar = page.locator('[data-testid="stSidebar"]')
        expect(sidebar).to_contain_text(f"Connecté : {EMAIL}", timeout=30_000)
        assert provider.token_requests, f"the provider was never asked for a token; it saw {provider.calls}"
        assert page.url == f"{auth_server.base_url}/"
        open_page(page, auth_server.base_url, "/")  # a fresh load: the signed cookie keeps the session
        assert_no_exception(page)

        expect(sidebar).to_contain_text(f"Connecté : {EMAIL}")
        expect(sidebar).to_contain_text("Équipe nationale (Dihal)")
        expect(page.locator('[data-testid="stSidebarNav"]')).to_contain_text("Administration")
        assert page.get_by_text("Mode démonstration").count() == 0
        screenshot()

        page.locator('[data-testid="stSidebarNav"]').get_by_text("Administration").click()
        expect(page.get_by_role("heading", name="Journal d'audit")).to_be_visible()
        assert_no_exception(page)
        assert page.get_by_text("Accès refusé").count() == 0
    except Exception:
        print(auth_server.log_tail(), f"provider saw: {provider.calls}", f"page: {page.url}", sep="\n")
        raise

    # the provider saw the whole code flow, with the client's secret and PKCE, from the server
    assert ("GET", "/authorize") in provider.calls and ("POST", "/token") in provider.calls
    asked = provider.authorizations[0]
    assert (asked["scope"], asked["prompt"], json.loads(asked["claims"])) == (
        "openid email given_name usual_name", "login", json.loads(CLAIMS))
    assert provider.token_requests[-1]["grant_type"] == "authorization_code"
    assert provider.token_requests[-1].get("code_verifier")
    assert_offline(page_log)
