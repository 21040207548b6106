"""Parts of the inspection page that the apps above this floor add (sampling's set-up steps, a person's
cases, and later ratings and the report), so that this floor never imports them.

An app registers a panel in its AppConfig.ready(); the inspection page renders, in order, each panel whose
context function returns a dict (None leaves the panel out for that person).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from .models import Inspection


@dataclass(frozen=True)
class InspectionPanel:
    name: str
    template_name: str
    context: Callable[[HttpRequest, Inspection], dict | None]
    order: int = 100


_panels: dict[str, InspectionPanel] = {}


def register_panel(panel: InspectionPanel) -> None:
    """Adds a panel to the inspection page (registering the same name again replaces it)."""
    _panels[panel.name] = panel


def panels_for(request: HttpRequest, inspection: Inspection) -> list[tuple[str, dict]]:
    """The (template, context) of each panel this person sees on this inspection's page, in order."""
    shown = []
    for panel in sorted(_panels.values(), key=lambda panel: (panel.order, panel.name)):
        context = panel.context(request, inspection)
        if context is not None:
            shown.append((panel.template_name, context))
    return shown


# --- the home page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomePanel:
    """A part of a person's home page ("Your inspections") that an app above this floor adds, such as the
    cases waiting for their quality assurance."""

    name: str
    template_name: str
    context: Callable[[HttpRequest], dict | None]
    order: int = 100


_home_panels: dict[str, HomePanel] = {}


def register_home_panel(panel: HomePanel) -> None:
    """Adds a panel to the home page (registering the same name again replaces it)."""
    _home_panels[panel.name] = panel


def home_panels_for(request: HttpRequest) -> list[tuple[str, dict]]:
    """The (template, context) of each panel this person sees on their home page, in order."""
    shown = []
    for panel in sorted(_home_panels.values(), key=lambda panel: (panel.order, panel.name)):
        context = panel.context(request)
        if context is not None:
            shown.append((panel.template_name, context))
    return shown
