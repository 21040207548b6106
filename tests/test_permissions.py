"""The permissions matrix: every URL in the project × every role and a non-member → expected status.

Each app lists its own URLs in `<app>/tests/permissions_matrix.py`:

    MATRIX = {"app:url-name": (method, kwargs_for(world) or None, {role: status})}
    def extend_world(world): ...   # optional: add the objects its URLs need (a case, a report, ...)

`world` holds "inspection" and "team" ({role: user}); the "inspector" is on the inspection's team.
A URL pattern without an entry fails `test_every_url_has_an_entry`, so no page ships without saying
who may use it. A key may name a variant of a URL after a "#" ("app:url#published"): the same URL with
other arguments.

Besides the six roles, every entry is also checked for people whom no rule may favour (README, Security):
a superuser made with createsuperuser must fare exactly as an administrator, a superuser with the inspector
role who is not on the team exactly as any outsider, and an administrator whose panel membership was
written straight into the database (a team role that does not fit) exactly as an administrator.
"""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from inspections.factories import InspectionFactory, TeamMembershipFactory
from inspections.models import TeamMembership, TeamRole

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "administrator", "lead", "inspector", "panel", "non_member")
# Extra people checked on every entry -> the role whose expected status they must get.
LIKE_ROLES = {
    "superuser": "administrator",
    "superuser_outsider": "non_member",
    "administrator_on_panel": "administrator",
}
SIGN_IN = 302  # redirect to the sign-in page


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, anonymous=SIGN_IN):
    return {**everyone(status), "anonymous": anonymous}


def team_only(status=200, administrator=None):
    """Team members get `status`; a signed-in outsider 404 (the inspection is not revealed); anonymous sign-in."""
    return {
        "anonymous": SIGN_IN,
        "administrator": status if administrator is None else administrator,
        "lead": status,
        "inspector": status,
        "panel": status,
        "non_member": 404,
    }


PROJECT_MATRIX = {
    "home": ("get", None, signed_in(200)),
    "accessibility": ("get", None, everyone(200)),
    "accounts:sign-in": ("get", None, {**everyone(302), "anonymous": 200}),
    "accounts:sign-out": ("post", None, everyone(302)),
    "accounts:signed-out": ("get", None, everyone(200)),
    "admin:index": ("get", None, {**everyone(302), "administrator": 200}),
}


def app_matrix_modules():
    for config in apps.get_app_configs():
        try:
            yield import_module(f"{config.name}.tests.permissions_matrix")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tests.permissions_matrix" and exc.name != f"{config.name}.tests":
                raise


def full_matrix() -> dict:
    matrix = dict(PROJECT_MATRIX)
    for module in app_matrix_modules():
        overlap = set(matrix) & set(module.MATRIX)
        assert not overlap, f"{module.__name__} repeats {overlap}"
        matrix.update(module.MATRIX)
    return matrix


MATRIX = full_matrix()


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin:index"  # Django's admin checks staff status itself; one entry stands for it.
                continue
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_an_entry():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert missing == [], f"add these URL names to a permissions matrix: {missing}"


@pytest.fixture
def world(make_user, framework):
    inspection = InspectionFactory()
    team = {
        "administrator": make_user("administrator", is_staff=True),
        "lead": inspection.lead_inspector,
        "inspector": make_user("inspector"),
        "panel": make_user("panel_member"),
        "non_member": make_user("inspector"),
    }
    TeamMembershipFactory(inspection=inspection, user=team["inspector"], role=TeamRole.INSPECTOR)
    TeamMembershipFactory(inspection=inspection, user=team["panel"], role=TeamRole.PANEL)
    team["superuser"] = get_user_model().objects.create_superuser("root@example.org", "root-Password-1")
    team["superuser_outsider"] = make_user("inspector", is_superuser=True)
    team["administrator_on_panel"] = make_user("administrator", is_staff=True)
    # Straight into the database, as no service would allow: an administrator's role does not fit the panel.
    TeamMembership.objects.create(
        inspection=inspection, user=team["administrator_on_panel"], role=TeamRole.PANEL
    )
    world = {"inspection": inspection, "team": team}
    for module in app_matrix_modules():
        extend = getattr(module, "extend_world", None)
        if extend:
            extend(world)
    return world


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permissions_matrix(client, world, name):
    method, kwargs_for, expected = MATRIX[name]
    url = reverse(name.partition("#")[0], kwargs=kwargs_for(world) if kwargs_for else None)
    expected = {**expected, **{person: expected[like] for person, like in LIKE_ROLES.items()}}
    outcomes = {}
    for role in (*ROLES, *LIKE_ROLES):
        client.logout()
        if role != "anonymous":
            client.force_login(world["team"][role])
        outcomes[role] = getattr(client, method)(url).status_code
    assert outcomes == expected
