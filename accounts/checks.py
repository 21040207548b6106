"""A system check that warns while a superuser exists (README, Security: no superusers).

It reads the database, so it is a `database` check: `manage.py check --database default` (which `./dev check`
runs) and `migrate` run it; a plain `check` does not.
"""

from django.core.checks import Tags, Warning, register
from django.db import DatabaseError


@register(Tags.database, Tags.security)
def superusers_exist(app_configs=None, databases=None, **kwargs):
    if not databases or "default" not in databases:
        return []
    from .models import User

    try:
        emails = list(User.objects.filter(is_superuser=True).values_list("email", flat=True)[:5])
    except DatabaseError:  # the table does not exist yet (before the first migrate)
        return []
    if not emails:
        return []
    return [
        Warning(
            f"Superuser accounts exist: {', '.join(emails)}.",
            hint=(
                "This application gives no permission for the superuser flag: people act by their role and "
                "team. Give the account the administrator role and remove its superuser status in the "
                "administration pages (Users), and create administrators with the project's command "
                "instead of createsuperuser."
            ),
            id="accounts.W001",
        )
    ]
