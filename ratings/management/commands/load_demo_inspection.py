import json

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from cases.models import Case
from inspections.models import Inspection, TeamMembership, TeamRole
from ratings.demo import DEMO_FILE, DEMO_TEAM
from ratings.services import inspection_import


class Command(BaseCommand):
    help = (
        "Loads the synthetic Cheshire 2021 demo inspection into an empty database, with the demo accounts on its "
        "team and its cases allocated to the two demo inspectors. For development only: ./dev run calls it."
    )

    def handle(self, *args, **options):
        if Inspection.objects.exists():
            self.stdout.write("Inspections exist already: the demo inspection was not loaded.")
            return
        with transaction.atomic():
            inspection = inspection_import(
                document=json.loads(DEMO_FILE.read_text(encoding="utf-8"))
            ).inspection
            people = {user.email: user for user in User.objects.filter(email__in=[e for e, _ in DEMO_TEAM])}
            for email, role in DEMO_TEAM:
                if email in people:
                    TeamMembership.objects.create(inspection=inspection, user=people[email], role=role)
            if (lead := people.get(next(e for e, r in DEMO_TEAM if r == TeamRole.LEAD))) is not None:
                inspection.lead_inspector = lead
                inspection.save(update_fields=["lead_inspector", "updated_at"])
            inspectors = [people[e] for e, r in DEMO_TEAM if r == TeamRole.INSPECTOR and e in people]
            if inspectors:
                # Alternate the cases between the inspectors, court and out-of-court alike.
                cases = list(Case.objects.filter(inspection=inspection).order_by("category", "reference"))
                for index, case in enumerate(cases):
                    case.inspector = inspectors[index % len(inspectors)]
                Case.objects.bulk_update(cases, ["inspector"])
        self.stdout.write(
            f"Loaded the demo inspection {inspection.reference} ({inspection.cases.count()} cases) with "
            f"{len(people)} demo account{'s' if len(people) != 1 else ''} on its team."
        )
