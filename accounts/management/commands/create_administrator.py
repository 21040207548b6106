import getpass
import os
import sys

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts.models import Role, User

PASSWORD_VARIABLE = "ADMIN_PASSWORD"


class Command(BaseCommand):
    help = (
        "Creates an administrator (the first one after a deployment): an ordinary account with the role "
        "administrator and access to the administration pages, never a superuser. The password comes from "
        f"the environment variable {PASSWORD_VARIABLE} or, if it is not set, is asked for twice at the "
        "terminal; it is never given on the command line."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The administrator's email address; they sign in with it.")
        parser.add_argument("--name", required=True, help='Their full name, for example "Ada Lovelace".')

    def handle(self, *args, email, name, **options):
        email = User.objects.normalize_email(email.strip()).lower()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not an email address.") from exc
        name = " ".join(name.split())
        if not name:
            raise CommandError("Give the administrator's full name with --name.")
        first_name, _, last_name = name.partition(" ")
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(
                f"An account with the email address {email} exists already: nothing was changed. "
                "Give that person the administrator role in the administration pages, or choose another address."
            )
        candidate = User(email=email, first_name=first_name, last_name=last_name, role=Role.ADMINISTRATOR)
        password = self.password(candidate)
        with transaction.atomic():
            User.objects.create_user(
                email,
                password,
                first_name=first_name,
                last_name=last_name,
                role=Role.ADMINISTRATOR,
                is_staff=True,
                is_superuser=False,
            )
        self.stdout.write(f"Created the administrator {name} <{email}>. They can sign in now.")

    def password(self, candidate: User) -> str:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            if not sys.stdin.isatty():
                raise CommandError(
                    f"Set the environment variable {PASSWORD_VARIABLE} to the password, or run this command at a "
                    "terminal to type it. Nothing was created."
                )
            password = getpass.getpass("Password: ")
            if getpass.getpass("Password (again): ") != password:
                raise CommandError("The two passwords differ. Nothing was created.")
        try:
            password_validation.validate_password(password, user=candidate)
        except ValidationError as exc:
            raise CommandError(
                "The password is not accepted: " + " ".join(exc.messages) + " Nothing was created."
            ) from exc
        return password
