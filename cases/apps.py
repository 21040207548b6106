from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases and case assessments"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from inspections.panels import InspectionPanel, register_panel

        from . import panels, permissions  # noqa: F401 (permissions registers the case rules)
        from .unsaved import keep_only_for

        user_logged_in.connect(keep_only_for, dispatch_uid="cases.unsaved.keep_only_for")

        register_panel(
            InspectionPanel("cases-assessment", "cases/includes/assessment_panel.html", panels.assessment, 30)
        )
