from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.forms.utils import ErrorDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import ListView, TemplateView

from accounts.models import Role

from .forms import InspectionForm, ServiceForm, TeamMemberForm
from .mixins import ActionFormView, FormOnlyPageMixin, InspectionMixin, RolePermissionMixin
from .models import Service, TeamMembership
from .panels import home_panels_for, panels_for
from .selectors import inspections_visible_to, team_members
from .services import (
    inspection_create,
    inspection_update,
    inspection_version,
    service_refusal,
    service_save,
    team_member_add,
    team_member_remove,
)
from .stage import STAGES, stage_for, stages_for

HOME_INTRODUCTIONS = {
    Role.ADMINISTRATOR: "You can see every inspection. Manage people, services and frameworks in the administration pages.",
    Role.LEAD_INSPECTOR: "Inspections you lead or work on. Set up an inspection, draw its sample, allocate cases and check the ratings.",
    Role.INSPECTOR: "Inspections you are on. Open one to see the cases allocated to you.",
    Role.PANEL_MEMBER: "Inspections whose ratings panel you sit on. Open one to see its ratings and the discretion triggers.",
}


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "inspections/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        memberships = TeamMembership.objects.filter(user=user)
        inspections = list(
            inspections_visible_to(user).prefetch_related(
                Prefetch("team", queryset=memberships, to_attr="my_memberships")
            )
        )
        stages = stages_for(inspections)
        for inspection in inspections:
            inspection.stage = stages[inspection.pk]
        return super().get_context_data(
            inspections=inspections,
            introduction=HOME_INTRODUCTIONS.get(user.role, ""),
            home_panels=home_panels_for(self.request),
            **kwargs,
        )


ONLY_LEADS_AND_ADMINISTRATORS = "Only lead inspectors and administrators set up inspected services."


class ServiceListView(RolePermissionMixin, ListView):
    template_name = "inspections/service_list.html"
    context_object_name = "services"
    permission_required = "inspections.add_service"
    permission_denied_message = ONLY_LEADS_AND_ADMINISTRATORS

    def get_queryset(self):
        # Counts only the inspections the person may see, and offers "Change" only where they may change the
        # service: nothing on the page tells them about an inspection they are not on.
        visible = inspections_visible_to(self.request.user).values("pk")
        services = list(
            Service.objects.annotate(
                inspection_count=Count("inspections", filter=Q(inspections__in=visible), distinct=True)
            )
        )
        for service in services:
            service.changeable = service_refusal(service, self.request.user) is None
        return services


class ServiceSaveView(RolePermissionMixin, ActionFormView):
    """Adds a service, or changes one (when the URL names it)."""

    template_name = "inspections/service_form.html"
    form_class = ServiceForm
    permission_required = "inspections.add_service"
    permission_denied_message = ONLY_LEADS_AND_ADMINISTRATORS

    @cached_property
    def service(self) -> Service | None:
        return get_object_or_404(Service, pk=self.kwargs["pk"]) if "pk" in self.kwargs else None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.has_perm(self.permission_required):
            refusal = service_refusal(self.service, request.user)
            if refusal:
                raise PermissionDenied(refusal)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "instance": self.service,
            "submit_label": "Save the changes" if self.service else "Add the service",
        }

    @property
    def returns_to_inspection(self) -> bool:
        """Added from the half-filled "create an inspection" form, which it goes back to."""
        return self.service is None and self.request.GET.get("return") == "inspection"

    def perform(self, form):
        service = service_save(service=self.service, by=self.request.user, **form.cleaned_data)
        if self.returns_to_inspection:
            return (
                f"{service.name} is saved. Carry on creating the inspection.",
                f"{reverse('inspections:create')}?service={service.pk}",
            )
        return f"{service.name} is saved.", reverse("inspections:services")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            service=self.service, returns_to_inspection=self.returns_to_inspection, **kwargs
        )


class InspectionCreateView(RolePermissionMixin, ActionFormView):
    template_name = "inspections/inspection_form.html"
    form_class = InspectionForm
    permission_required = "inspections.add_inspection"
    permission_denied_message = "Only lead inspectors and administrators create inspections."

    DRAFT_KEY = "inspection_create_draft"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creating": True, "user": self.request.user}

    def get_form(self, form_class=None):
        draft = self.request.session.get(self.DRAFT_KEY) if self.request.method == "GET" else None
        if not draft:
            form = super().get_form(form_class)
            if self.request.method == "GET" and self.request.GET.get("service"):
                form.initial["service"] = self.request.GET["service"]
            return form
        # Back from adding a service: the form as it was typed, with the new service chosen, and no errors
        # shown until it is submitted.
        data = dict(draft)
        if self.request.GET.get("service"):
            data["service"] = self.request.GET["service"]
        form = (form_class or self.get_form_class())(data=data, creating=True, user=self.request.user)
        form._errors = ErrorDict()
        return form

    def post(self, request, *args, **kwargs):
        if "add_service" in request.POST:
            request.session[self.DRAFT_KEY] = {
                name: value
                for name, value in request.POST.items()
                if name not in ("csrfmiddlewaretoken", "add_service")
            }
            return redirect(f"{reverse('inspections:service-create')}?return=inspection")
        response = super().post(request, *args, **kwargs)
        if response.status_code == 302:
            request.session.pop(self.DRAFT_KEY, None)
        return response

    def perform(self, form):
        data = form.cleaned_data
        inspection = inspection_create(
            created_by=self.request.user,
            lead_inspector=data.get("lead_inspector"),
            reference=data["reference"],
            service=data["service"],
            framework=data["framework"],
            **form.facts(),
        )
        return f"Inspection {inspection.reference} is created.", _detail_url(inspection)


class InspectionDetailView(InspectionMixin, TemplateView):
    template_name = "inspections/inspection_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            team=team_members(self.inspection),
            stage=stage_for(self.inspection),
            stages=STAGES,
            can_change=self.request.user.has_perm("inspections.change_inspection", self.inspection),
            can_change_details=self.request.user.has_perm("inspections.change_inspection", self.inspection)
            and not self.inspection.is_published,
            panels=panels_for(self.request, self.inspection),
            **kwargs,
        )


class InspectionUpdateView(InspectionMixin, FormOnlyPageMixin, ActionFormView):
    template_name = "inspections/inspection_form.html"
    form_class = InspectionForm
    permission_required = "inspections.change_inspection"
    permission_denied_message = "Only the inspection's lead inspector changes its details."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "creating": False, "user": self.request.user}

    def get_initial(self):
        return {
            **{name: getattr(self.inspection, name) for name in InspectionForm.FACTS},
            "version": inspection_version(self.inspection),
        }

    def published_url(self) -> str:
        return _detail_url(self.inspection)

    def perform(self, form):
        inspection_update(inspection=self.inspection, version=form.cleaned_data["version"], **form.facts())
        return "The inspection's details are saved.", _detail_url(self.inspection)


ONLY_THE_LEAD_CHANGES_THE_TEAM = "Only the inspection's lead inspector changes its team."


class TeamView(InspectionMixin, ActionFormView):
    """The team: who is on it, in which role; the lead adds people here."""

    template_name = "inspections/team.html"
    form_class = TeamMemberForm
    permission_required = "inspections.change_inspection"
    permission_denied_message = ONLY_THE_LEAD_CHANGES_THE_TEAM

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "inspection": self.inspection,
            "search": self.request.GET.get("q", ""),
        }

    def perform(self, form):
        membership = team_member_add(
            inspection=self.inspection, by=self.request.user, request=self.request, **form.cleaned_data
        )
        return (
            f"{membership.user} is on the team as {membership.get_role_display().lower()}.",
            reverse("inspections:team", kwargs={"reference": self.inspection.reference}),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(team=team_members(self.inspection), **kwargs)


class TeamMemberRemoveView(InspectionMixin, TemplateView):
    """Asks before taking a person off the team, then does it."""

    template_name = "inspections/team_remove.html"
    permission_required = "inspections.change_inspection"
    permission_denied_message = ONLY_THE_LEAD_CHANGES_THE_TEAM

    def get_membership(self):
        return get_object_or_404(
            TeamMembership.objects.select_related("user"), pk=self.kwargs["pk"], inspection=self.inspection
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(membership=self.get_membership(), **kwargs)

    def post(self, request, *args, **kwargs):
        membership = self.get_membership()
        try:
            team_member_remove(
                inspection=self.inspection, membership=membership, by=request.user, request=request
            )
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(problems=exc.messages))
        messages.success(request, f"{membership.user} is no longer on the team.")
        return redirect("inspections:team", reference=self.inspection.reference)


def _detail_url(inspection) -> str:
    return reverse("inspections:detail", kwargs={"reference": inspection.reference})
