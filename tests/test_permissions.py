"""The permissions matrix: every URL in the project × every role and a non-member → expected status.

A URL pattern without an entry here fails `test_every_url_has_an_entry`, so a new page cannot ship
without saying who may use it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from inspections.factories import InspectionFactory, TeamMembershipFactory
from inspections.models import TeamRole

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "administrator", "lead", "inspector", "panel", "non_member")
SIGN_IN = 302  # redirect to the sign-in page


def everyone(status):
    return dict.fromkeys(ROLES, status)


def signed_in(status, anonymous=SIGN_IN):
    return {**everyone(status), "anonymous": anonymous}


# url name -> (method, url kwargs builder, {role: status})
MATRIX = {
    "home": ("get", None, signed_in(200)),
    "accessibility": ("get", None, everyone(200)),
    "accounts:sign-in": ("get", None, {**everyone(302), "anonymous": 200}),
    "accounts:sign-out": ("post", None, everyone(302)),
    "accounts:signed-out": ("get", None, everyone(200)),
    "admin:index": ("get", None, {**everyone(302), "administrator": 200}),
}


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
    assert missing == [], f"add these URL names to the permissions matrix: {missing}"


@pytest.fixture
def people(make_user, framework):
    inspection = InspectionFactory()
    team = {
        "administrator": make_user("administrator", is_staff=True, is_superuser=True),
        "lead": inspection.lead_inspector,
        "inspector": make_user("inspector"),
        "panel": make_user("panel_member"),
        "non_member": make_user("inspector"),
    }
    TeamMembershipFactory(inspection=inspection, user=team["inspector"], role=TeamRole.INSPECTOR)
    TeamMembershipFactory(inspection=inspection, user=team["panel"], role=TeamRole.PANEL)
    return inspection, team


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permissions_matrix(client, people, name):
    from django.urls import reverse

    inspection, team = people
    method, kwargs_for, expected = MATRIX[name]
    url = reverse(name, kwargs=kwargs_for(inspection) if kwargs_for else None)
    outcomes = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(team[role])
        outcomes[role] = getattr(client, method)(url).status_code
    assert outcomes == expected
