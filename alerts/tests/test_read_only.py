"""On a published inspection the alerts are shown, never offered for raising or resolving: the case page has
no "Raise an alert", an alert no "Record the service's confirmation", and a GET of either form goes to the
page that shows the alerts."""

import pytest
from django.urls import reverse

from alerts.factories import AlertFactory
from conftest import changing_controls, form_fields, post_forms
from inspections.factories import publish

pytestmark = pytest.mark.django_db


def test_a_published_inspections_alert_pages_offer_no_raising_or_resolving(client, team, case):
    # An alert still open (the report's publish page refuses that, but the pages must not offer it either).
    alert = AlertFactory(case=case)
    ref = team["inspection"].reference
    task_list = reverse("cases:task-list", kwargs={"reference": ref, "case_id": case.pk})
    alert_page = reverse("alerts:alert", kwargs={"reference": ref, "number": alert.number})
    raise_url = reverse("alerts:raise", kwargs={"reference": ref, "case_id": case.pk})
    resolve_url = reverse("alerts:resolve", kwargs={"reference": ref, "number": alert.number})
    client.force_login(team["lead"])
    assert raise_url in client.get(task_list).content.decode()
    assert resolve_url in client.get(alert_page).content.decode()

    publish(team["inspection"])
    for address in (task_list, alert_page, reverse("alerts:register", kwargs={"reference": ref})):
        page = client.get(address).content.decode()
        assert "Its data can no longer be changed." in page, address
        assert raise_url not in page and resolve_url not in page, address
        assert post_forms(page) == [] and form_fields(page) == [], address
        assert changing_controls(page) == [], address
    for form_page, shown_at in ((raise_url, task_list), (resolve_url, alert_page)):
        response = client.get(form_page)
        assert (response.status_code, response["Location"]) == (302, shown_at)
