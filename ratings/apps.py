from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"

    def ready(self):
        from inspections.panels import InspectionPanel, register_panel

        from . import panels

        register_panel(
            InspectionPanel("ratings", "ratings/includes/inspection_panel.html", panels.ratings, 30)
        )
