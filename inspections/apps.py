from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Frameworks, services and inspections"

    def ready(self):
        from django.db.models.signals import pre_delete

        from . import permissions  # noqa: F401  (registers the rules permissions)
        from .models import Inspection

        pre_delete.connect(_refuse_deleting_data, sender=Inspection, dispatch_uid="inspection_keeps_its_data")


def _refuse_deleting_data(sender, instance, **kwargs):
    """Every deletion of an inspection, however made (the administration pages, a queryset), is refused if it
    holds data: Django sends pre_delete for every row before it deletes any, inside the deletion's
    transaction."""
    from .services import refuse_deleting_inspection

    refuse_deleting_inspection(instance)
