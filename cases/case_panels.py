"""Parts of a case's page (its task list) that the apps above this floor add (alerts, and later others), so
that this floor never imports them. The same pattern as inspections/panels.py, one floor up.

An app registers a panel in its AppConfig.ready(); the case page renders, in order, each panel whose context
function returns a dict (None leaves the panel out for that person).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from .models import Case


@dataclass(frozen=True)
class CasePanel:
    name: str
    template_name: str
    context: Callable[[HttpRequest, Case], dict | None]
    order: int = 100


_panels: dict[str, CasePanel] = {}


def register_case_panel(panel: CasePanel) -> None:
    """Adds a panel to the case page (registering the same name again replaces it)."""
    _panels[panel.name] = panel


def case_panels_for(request: HttpRequest, case: Case) -> list[tuple[str, dict]]:
    """The (template, context) of each panel this person sees on this case's page, in order."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda panel: (panel.order, panel.name)):
        context = panel.context(request, case)
        if context is not None:
            shown.append((panel.template_name, context))
    return shown
