from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Alerts raised with inspected services"

    def ready(self):
        from cases.case_panels import CasePanel, register_case_panel
        from inspections.panels import InspectionPanel, register_panel

        from . import panels, permissions  # noqa: F401 (permissions registers the alert rules)

        # First on the inspection page: an open alert is the most urgent thing the team has.
        register_panel(
            InspectionPanel("alerts", "alerts/includes/inspection_panel.html", panels.inspection, 5)
        )
        register_case_panel(CasePanel("alerts", "alerts/includes/case_panel.html", panels.case, 10))
