import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Role, User

DEMO_USERS = [
    ("admin@example.org", "Ada", "Administrator", Role.ADMINISTRATOR),
    ("lead@example.org", "Lena", "Lead", Role.LEAD_INSPECTOR),
    ("inspector@example.org", "Ian", "Inspector", Role.INSPECTOR),
    ("inspector2@example.org", "Isla", "Inspector", Role.INSPECTOR),
    ("panel@example.org", "Pat", "Panel", Role.PANEL_MEMBER),
]


class Command(BaseCommand):
    help = (
        "Creates the demo accounts (one for each role) if none exist, with the password in DEMO_PASSWORD. "
        "For development only: ./dev run calls it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list", action="store_true", help="Print the demo sign-ins and change nothing.")

    def handle(self, *args, list=False, **options):
        if list:
            for email, _first, _last, role in DEMO_USERS:
                self.stdout.write(f"{role.label:<22} {email}")
            return
        if User.objects.exists():
            self.stdout.write("Accounts exist already: no demo accounts created.")
            return
        password = os.environ.get("DEMO_PASSWORD")
        if not password:
            raise CommandError("Set DEMO_PASSWORD to the password the demo accounts should have.")
        with transaction.atomic():
            for email, first, last, role in DEMO_USERS:
                User.objects.create_user(
                    email,
                    password,
                    first_name=first,
                    last_name=last,
                    role=role,
                    is_staff=role == Role.ADMINISTRATOR,
                )
        self.stdout.write(f"Created {len(DEMO_USERS)} demo accounts.")
