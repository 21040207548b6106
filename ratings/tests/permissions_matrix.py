"""Who may use each ratings page (see tests/test_permissions.py)."""

from tests.test_permissions import SIGN_IN, team_only


def only(role, status=200):
    """One team role gets `status`; the rest of the team and administrators (who see every inspection but hold
    none of its roles) 403; an outsider 404 (the inspection is not revealed); anonymous the sign-in page."""
    return {
        "anonymous": SIGN_IN,
        "administrator": 403,
        "lead": 403,
        "inspector": 403,
        "panel": 403,
        "non_member": 404,
        role: status,
    }


def reference(world):
    return {"reference": world["inspection"].reference}


def standard(code):
    return lambda world: {**reference(world), "standard": code}


def evidence_note(world):
    return {**standard("1.1")(world), "note": world["evidence_note"].pk}


def extend_world(world):
    from inspections.models import Standard
    from ratings.models import EvidenceNote

    world["evidence_note"] = EvidenceNote.objects.create(
        inspection=world["inspection"],
        standard=Standard.objects.get(domain__framework=world["inspection"].framework, code="1.1"),
        source="documents",
        note="The board's terms of reference.",
    )


MATRIX = {
    "ratings:ratings": ("get", reference, team_only(200)),
    "ratings:ratings-json": ("get", reference, team_only(200)),
    "ratings:panel": ("get", reference, only("panel")),
    "ratings:panel-decision": ("get", standard("2.2"), only("panel")),
    "ratings:sign-off": ("get", reference, only("panel")),
    "ratings:reopen": ("get", reference, only("panel")),
    "ratings:domain-one": ("get", standard("1.1"), only("lead")),
    "ratings:evidence-add": ("get", standard("1.1"), only("lead")),
    "ratings:evidence-remove": ("get", evidence_note, only("lead")),
}
