from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases and case assessments"

    def ready(self):
        from inspections.panels import HomePanel, InspectionPanel, register_home_panel, register_panel

        from . import panels, permissions  # noqa: F401 (permissions registers the case rules)

        register_panel(
            InspectionPanel("cases-assessment", "cases/includes/assessment_panel.html", panels.assessment, 30)
        )
        register_home_panel(
            HomePanel(
                "cases-quality-assurance", "cases/includes/home_qa_panel.html", panels.quality_assurance, 10
            )
        )
