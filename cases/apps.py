from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases and case assessments"

    def ready(self):
        from inspections.panels import InspectionPanel, register_panel

        from . import panels, permissions  # noqa: F401 (permissions registers the case rules)

        register_panel(
            InspectionPanel("cases-assessment", "cases/includes/assessment_panel.html", panels.assessment, 30)
        )
