from django.apps import AppConfig


class AgreementConfig(AppConfig):
    name = "agreement"
    verbose_name = "Blind second marking and inter-rater agreement"

    def ready(self):
        from inspections.panels import InspectionPanel, register_panel

        from . import panels, permissions  # noqa: F401 (permissions registers the agreement rules)

        register_panel(
            InspectionPanel("agreement", "agreement/includes/inspection_panel.html", panels.inspection, 70)
        )
