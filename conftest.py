"""Fixtures shared by every app's tests: people in each role, the loaded framework, a real browser."""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread; Django's ORM is still used synchronously.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent
PASSWORD = "correct-horse-battery-staple"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def framework(db):
    from inspections.services import framework_load_file

    return framework_load_file()[0]


@pytest.fixture
def make_user(db):
    from accounts.factories import UserFactory

    def make(role, **kwargs):
        return UserFactory(role=role, password=PASSWORD, **kwargs)

    return make


@pytest.fixture
def administrator(make_user):
    return make_user("administrator", is_staff=True)


@pytest.fixture
def lead_inspector(make_user):
    return make_user("lead_inspector")


@pytest.fixture
def inspector(make_user):
    return make_user("inspector")


@pytest.fixture
def panel_member(make_user):
    return make_user("panel_member")


# --- the browser ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens a fresh browser context (its own cookies) on the live server; closes them all afterwards."""
    contexts = []

    def open_page(javascript: bool = True):
        context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def sign_in(page, user, password: str = PASSWORD, next_url: str = "/"):
    page.goto(f"/accounts/sign-in/?next={next_url}")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Runs axe-core in the page and returns its violations of the given impacts, for a readable assertion."""
    # Evaluated rather than added as a <script>: the Content-Security-Policy refuses inline scripts.
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in impacts
    ]


# --- pages of a published inspection ------------------------------------------------------------------------

# The first word of a link or button that offers to change an inspection's data.
CHANGING_WORDS = frozenset(
    [
        "Add",
        "Change",
        "Delete",
        "Draw",
        "Edit",
        "Import",
        "Move",
        "Propose",
        "Raise",
        "Record",
        "Remove",
        "Reopen",
        "Save",
        "Suggest",
        "Swap",
    ]
)


def post_forms(html: str) -> list[str]:
    """The action of every form on the page that posts, except the sign-out forms of the header and of the
    time-out warning (base.html), which every signed-in page has."""
    from django.urls import reverse

    sign_out = reverse("accounts:sign-out")
    actions = []
    for tag in re.findall(r"<form\b[^>]*>", html):
        if re.search(r'\bmethod="post"', tag, re.IGNORECASE):
            action = re.search(r'\baction="([^"]*)"', tag)
            actions.append(action.group(1) if action else "")
    return [action for action in actions if action != sign_out]


def changing_controls(html: str) -> list[str]:
    """The text of every link and button on the page whose first word offers a change ("Change the size")."""
    texts = []
    for inner in re.findall(r"<(?:a|button)\b[^>]*>(.*?)</(?:a|button)>", html, re.DOTALL):
        text = " ".join(re.sub(r"<[^>]+>", " ", inner).split())
        if text and text.split()[0] in CHANGING_WORDS:
            texts.append(text)
    return texts


def form_fields(html: str) -> list[str]:
    """The form fields on the page, other than the hidden ones of the sign-out forms."""
    fields = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    return [f for f in fields if 'type="hidden"' not in f]
