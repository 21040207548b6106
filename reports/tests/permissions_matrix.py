"""Who may use each report page (see tests/test_permissions.py)."""

from django.core.files.base import ContentFile

from cases.factories import CaseFactory
from cases.models import KeyQuestionAnswer
from inspections.models import KeyQuestion, Standard
from reports.models import (
    Addressee,
    CaseExample,
    FactSource,
    Finding,
    Recommendation,
    Render,
    RenderStatus,
    Report,
)
from tests.test_permissions import SIGN_IN, team_only

# The lead inspector (and an administrator) writes the report; other team members may read it.
WRITERS = {**team_only(200), "inspector": 403, "panel": 403}
WRITERS_POST = {**team_only(302), "inspector": 403, "panel": 403}


def ref(world):
    return {"reference": world["inspection"].reference}


def with_pk(name):
    return lambda world: {**ref(world), "pk": world["report"][name].pk}


def extend_world(world):
    inspection = world["inspection"]
    report = Report.objects.create(inspection=inspection, foreword="A foreword.")
    standard = Standard.objects.get(domain__framework=inspection.framework, code="2.1")
    key_question = KeyQuestion.objects.get(standard=standard, code="2.1.1")
    case = CaseFactory(inspection=inspection)
    answer = KeyQuestionAnswer.objects.create(
        case=case, key_question=key_question, value="yes", quote="Good work."
    )
    addressee = Addressee.objects.create(report=report, kind="service", name="The service")
    render = Render.objects.create(inspection=inspection, format="pdf", number=1, status=RenderStatus.READY)
    render.file.save("matrix.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    world["report"] = {
        "finding": Finding.objects.create(
            report=report, domain=standard.domain, kind="strength", text="Good."
        ),
        "addressee": addressee,
        "recommendation": Recommendation.objects.create(report=report, addressee=addressee, text="do this"),
        "source": FactSource.objects.create(report=report, supplied_by="inspected_service"),
        "example": CaseExample.objects.create(
            report=report, answer=answer, key_question=key_question, kind="quote", text="Good work."
        ),
        "render": render,
    }


MATRIX = {
    "reports:overview": ("get", ref, team_only(200)),
    "reports:details": ("get", ref, WRITERS),
    "reports:domain": ("get", lambda w: {**ref(w), "code": "2"}, WRITERS),
    "reports:finding-add": ("get", lambda w: {**ref(w), "code": "1"}, WRITERS),
    "reports:finding-edit": ("get", with_pk("finding"), WRITERS),
    "reports:recommendations": ("get", ref, WRITERS),
    "reports:addressee-add": ("get", ref, WRITERS),
    "reports:addressee-edit": ("get", with_pk("addressee"), WRITERS),
    "reports:recommendation-add": ("get", ref, WRITERS),
    "reports:recommendation-edit": ("get", with_pk("recommendation"), WRITERS),
    "reports:facts": ("get", ref, WRITERS),
    "reports:source-add": ("get", ref, WRITERS),
    "reports:source-edit": ("get", with_pk("source"), WRITERS),
    "reports:fact-block": ("get", lambda w: {**ref(w), "block": "caseload"}, WRITERS),
    "reports:standard": ("get", lambda w: {**ref(w), "code": "2.1"}, WRITERS),
    "reports:example-add": ("post", lambda w: {**ref(w), "code": "2.1"}, WRITERS_POST),
    "reports:example-edit": ("get", with_pk("example"), WRITERS),
    "reports:delete": (
        "get",
        lambda w: {**ref(w), "kind": "finding", "pk": w["report"]["finding"].pk},
        WRITERS,
    ),
    "reports:move": (
        "post",
        lambda w: {**ref(w), "kind": "finding", "pk": w["report"]["finding"].pk, "direction": "down"},
        WRITERS_POST,
    ),
    # Only the inspection's lead inspector publishes; only an administrator withdraws a publication.
    "reports:publish": ("get", ref, {**team_only(403), "lead": 200}),
    "reports:withdraw": ("get", ref, {**team_only(403), "administrator": 200}),
    "reports:preview": ("get", ref, team_only(200)),
    "reports:render-create": ("post", ref, WRITERS_POST),
    "reports:render-status": ("get", ref, team_only(200)),
    "reports:render-retry": ("post", with_pk("render"), WRITERS_POST),
    "reports:render-download": ("get", with_pk("render"), team_only(200)),
}

assert SIGN_IN == 302
