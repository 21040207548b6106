from django.core.management.base import CommandError

from inspections.models import Inspection


def inspection_named(reference: str) -> Inspection:
    """The inspection with this reference (in any case), or a CommandError that says there is none."""
    inspection = Inspection.objects.filter(reference__iexact=reference).first()
    if inspection is None:
        raise CommandError(f"There is no inspection {reference}.")
    return inspection
