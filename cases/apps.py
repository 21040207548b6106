from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Cases and case assessments"

    def ready(self):
        from inspections.panels import HomePanel, InspectionPanel, register_home_panel, register_panel
        from inspections.stage import register_stage_facts

        from . import panels, permissions, selectors  # noqa: F401 (permissions registers the case rules)

        register_stage_facts("cases", selectors.stage_facts)

        register_panel(
            InspectionPanel("cases-assessment", "cases/includes/assessment_panel.html", panels.assessment, 30)
        )
        register_home_panel(
            HomePanel(
                "cases-quality-assurance", "cases/includes/home_qa_panel.html", panels.quality_assurance, 10
            )
        )
        register_home_panel(
            HomePanel("cases-returned", "cases/includes/home_returned.html", panels.returned, 5)
        )
