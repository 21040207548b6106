"""Security headers and cookies on responses from the production settings; CSRF on every POST; no inline
script, style or event handler on any page (the Content-Security-Policy would block them)."""

import importlib.util
from html.parser import HTMLParser

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from conftest import PASSWORD
from tests.test_permissions import MATRIX
from tests.test_permissions import world as world  # the fixture, for the CSRF and inline-code tests

pytestmark = [
    pytest.mark.django_db,
    # WhiteNoise, in the production middleware, looks for collectstatic's output, which tests do not need.
    pytest.mark.filterwarnings("ignore:No directory at"),
]

PROD_ENVIRONMENT = {
    "DJANGO_ALLOWED_HOSTS": "testserver",
    "EMAIL_HOST": "smtp.example.org",
    "DEFAULT_FROM_EMAIL": "no-reply@example.org",
}
CARRIED_OVER = (
    "SECURE_",
    "SESSION_",
    "CSRF_",
    "CONTENT_SECURITY_POLICY",
    "X_FRAME_OPTIONS",
    "PERMISSIONS_POLICY",
)


def production_settings(monkeypatch):
    """config/settings/prod.py as a fresh module, read with the variables a deployment must set."""
    for name, value in PROD_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.find_spec("config.settings.prod")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def prod(monkeypatch):
    """The production settings' security settings and middleware, on the test database and static files."""
    module = production_settings(monkeypatch)
    values = {name: getattr(module, name) for name in dir(module) if name.startswith(CARRIED_OVER)}
    with override_settings(**values, MIDDLEWARE=module.MIDDLEWARE, ALLOWED_HOSTS=module.ALLOWED_HOSTS):
        yield module


def test_every_response_carries_the_security_headers(prod, client):
    response = client.get("/accounts/sign-in/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert (
        "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    )
    policy = dict(
        [*directive.split(" ", 1), ""][:2] for directive in response["Content-Security-Policy"].split("; ")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert "upgrade-insecure-requests" in policy
    assert "unsafe" not in response["Content-Security-Policy"]


def test_plain_http_is_sent_to_https_except_the_health_check(prod, client):
    response = client.get("/accounts/sign-in/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/sign-in/"
    assert client.get("/health/").status_code == 200


def test_cookies_are_secure_host_only_and_hidden_from_scripts(prod, client, inspector):
    client.get("/accounts/sign-in/", secure=True)
    csrf = client.cookies["__Secure-csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        "/accounts/sign-in/", {"username": inspector.email, "password": PASSWORD}, secure=True
    )
    session = response.cookies["__Secure-sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    page = client.get("/", secure=True)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"


POSTS = sorted(name for name, (method, _kwargs, _expected) in MATRIX.items() if method == "post")


def test_the_matrix_knows_the_post_urls():
    assert {"accounts:sign-out", "accounts:two-factor-turn-off"} <= set(POSTS)


@pytest.mark.parametrize("name", POSTS)
def test_every_post_needs_the_csrf_token(world, name):
    _method, kwargs_for, _expected = MATRIX[name]
    url = reverse(name.partition("#")[0], kwargs=kwargs_for(world) if kwargs_for else None)
    for user in (None, world["team"]["lead"], world["team"]["administrator"]):
        client = Client(enforce_csrf_checks=True)
        if user:
            client.force_login(user)
        response = client.post(url, {})
        assert response.status_code == 403, (name, user)
        assert "This form has expired" in response.content.decode()


def test_a_post_with_the_token_passes_the_check(inspector):
    client = Client(enforce_csrf_checks=True)
    client.force_login(inspector)
    client.get("/")
    token = client.cookies["csrftoken"].value
    assert client.post("/accounts/sign-out/", {"csrfmiddlewaretoken": token}).status_code == 302


class InlineCode(HTMLParser):
    """Collects what a strict Content-Security-Policy would block."""

    def __init__(self):
        super().__init__()
        self.found, self.in_script = [], False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.in_script = True
            if not attributes.get("src"):
                self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}= handler")
            if name == "style":
                self.found.append(f"{tag} style= attribute")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.found.append(f"inline script: {data.strip()[:60]}")


GETS = sorted(name for name, (method, _kwargs, _expected) in MATRIX.items() if method == "get")


def test_no_page_has_inline_script_style_or_event_handlers(client, world):
    checked = 0
    for name in GETS:
        _method, kwargs_for, _expected = MATRIX[name]
        url = reverse(name.partition("#")[0], kwargs=kwargs_for(world) if kwargs_for else None)
        for role in ("anonymous", "administrator", "lead"):
            client.logout()
            if role != "anonymous":
                client.force_login(world["team"][role])
            response = client.get(url, follow=True)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            parser = InlineCode()
            parser.feed(response.content.decode())
            assert parser.found == [], (name, role, parser.found)
            checked += 1
    assert checked >= len(GETS)
