from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"

    def ready(self):
        from inspections.panels import InspectionPanel, register_panel
        from inspections.stage import register_stage_facts

        from . import panels, selectors

        register_stage_facts("ratings", selectors.stage_facts)

        register_panel(
            InspectionPanel("ratings", "ratings/includes/inspection_panel.html", panels.ratings, 30)
        )
