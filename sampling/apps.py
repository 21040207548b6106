from django.apps import AppConfig


class SamplingConfig(AppConfig):
    name = "sampling"
    verbose_name = "Eligible population, sample and allocation"

    def ready(self):
        from inspections.panels import InspectionPanel, register_panel
        from inspections.signals import team_member_leaving
        from inspections.stage import register_stage_facts

        from . import panels, selectors

        register_stage_facts("sampling", selectors.stage_facts)

        register_panel(
            InspectionPanel("sampling-setup", "sampling/includes/setup_panel.html", panels.setup, 10)
        )
        register_panel(
            InspectionPanel("sampling-my-cases", "sampling/includes/my_cases_panel.html", panels.my_cases, 20)
        )
        team_member_leaving.connect(panels.refuse_if_cases_allocated, dispatch_uid="sampling-cases-allocated")
