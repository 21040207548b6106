from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases and case assessments"

    def ready(self):
        from . import permissions  # noqa: F401 (registers the case permissions with rules)
