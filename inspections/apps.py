from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Frameworks, services and inspections"

    def ready(self):
        from . import permissions  # noqa: F401  (registers the rules permissions)
