"""A domain-one proposal is a draft that keeps whatever the lead inspector wrote (issue 12, defect 3): adding
evidence never discards it, and only proposing it to the panel needs it complete. With and without
JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from conftest import axe_violations, sign_in
from ratings.models import DomainOneProposal, EvidenceNote

from .test_browser import inspection, submit  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_proposal_survives_adding_evidence(new_page, inspection, lead_inspector, javascript):  # noqa: F811
    page = new_page(javascript=javascript)
    proposal_url = f"/inspections/{inspection.reference}/ratings/domain-one/1.2/"
    sign_in(page, lead_inspector, next_url=proposal_url)
    before = DomainOneProposal.objects.get(inspection=inspection, standard__code="1.2")
    page.get_by_label("Outstanding").check()
    page.get_by_label("Why this rating").fill("Staff are well supported.")
    page.locator("#id_kq_1_2_1").fill("Enough staff, well deployed.")

    submit(page, "Add evidence")
    page.get_by_label("Interview").check()
    page.get_by_label("The evidence").fill("The head of service described the staffing plan.")
    submit(page, "Add the evidence")
    expect(page).to_have_url(re.compile(re.escape(proposal_url) + "$"))
    assert EvidenceNote.objects.filter(inspection=inspection, standard__code="1.2").count() == 1

    # Back on the page: the rating and every word are still there, and the proposal the panel sees is
    # unchanged until the lead proposes it.
    expect(page.get_by_label("Outstanding")).to_be_checked()
    expect(page.get_by_label("Why this rating")).to_have_value("Staff are well supported.")
    expect(page.locator("#id_kq_1_2_1")).to_have_value("Enough staff, well deployed.")
    expect(page.locator("main")).to_contain_text("draft")
    if javascript:
        assert axe_violations(page) == []
    after = DomainOneProposal.objects.get(inspection=inspection, standard__code="1.2")
    assert (after.rating, after.rationale, after.version) == (before.rating, before.rationale, before.version)

    # A partial draft can be saved as it is; proposing it needs it complete.
    page.locator("#id_kq_1_2_2").fill("")
    submit(page, "Save as draft")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("draft")
    expect(page.locator("#id_kq_1_2_2")).to_have_value("")
    submit(page, "Propose to the panel")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give your rationale for key question 1.2.2")
    expect(page.get_by_label("Why this rating")).to_have_value("Staff are well supported.")
    for code in ("1.2.2", "1.2.3", "1.2.4"):
        page.locator(f"#id_kq_{code.replace('.', '_')}").fill(f"On {code}.")
    submit(page, "Propose to the panel")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your proposed rating for 1.2 Staff")
    proposed = DomainOneProposal.objects.get(inspection=inspection, standard__code="1.2")
    assert (proposed.rating, proposed.rationale) == ("outstanding", "Staff are well supported.")
