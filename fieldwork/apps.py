from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "fieldwork"
    verbose_name = "The joint fieldwork week: referrals and meetings"

    def ready(self):
        from cases.case_panels import CasePanel, register_case_panel
        from inspections.panels import InspectionPanel, register_panel

        from . import panels, permissions  # noqa: F401 (permissions registers the fieldwork rules)

        register_panel(
            InspectionPanel("fieldwork", "fieldwork/includes/inspection_panel.html", panels.inspection, 60)
        )
        register_case_panel(CasePanel("fieldwork", "fieldwork/includes/case_panel.html", panels.case, 20))
