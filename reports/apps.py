from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    def ready(self):
        from inspections.panels import InspectionPanel, register_panel

        from . import panels

        register_panel(InspectionPanel("report", "reports/includes/panel.html", panels.report, 60))
