"""Pages of alerts: raise one from a case, read one, record the service's confirmation, and the register.
Thin: each checks who may use it, calls one service or selector, and renders."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from cases.selectors import case_get_for
from inspections.mixins import FormOnlyPageMixin, InspectionMixin, errors_onto

from . import services
from .forms import AlertRaiseForm, AlertResolveForm
from .selectors import alert_get_for, alert_register

RESOLVE_REFUSED = (
    "Only the lead inspector and the inspector who raised this alert can record the service's confirmation."
)


class RegisterView(InspectionMixin, TemplateView):
    """The inspection's alert register, for everyone on its team."""

    template_name = "alerts/register.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(register=alert_register(self.inspection), **kwargs)


class AlertMixin(InspectionMixin):
    @property
    def alert(self):
        if not hasattr(self, "_alert"):
            self._alert = alert_get_for(inspection=self.inspection, number=self.kwargs["number"])
        return self._alert

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            alert=self.alert,
            can_resolve=self.alert.is_open
            and not self.inspection.is_published
            and self.request.user.has_perm("alerts.resolve_alert", self.alert),
            **kwargs,
        )


class AlertView(AlertMixin, TemplateView):
    template_name = "alerts/alert.html"


class ResolveView(AlertMixin, FormOnlyPageMixin, FormView):
    """Records, on the service manager's behalf, what the service confirmed it has done."""

    template_name = "alerts/resolve.html"
    form_class = AlertResolveForm

    def get(self, request, *args, **kwargs):
        self.refuse_unless_allowed()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.refuse_unless_allowed()
        return super().post(request, *args, **kwargs)

    def published_url(self) -> str:
        return reverse(
            "alerts:alert", kwargs={"reference": self.inspection.reference, "number": self.alert.number}
        )

    def refuse_unless_allowed(self) -> None:
        if not self.request.user.has_perm("alerts.resolve_alert", self.alert):
            raise PermissionDenied(RESOLVE_REFUSED)

    def get_initial(self):
        return {"version": self.alert.version, "confirmed_by_name": self.alert.notified_name}

    def form_valid(self, form):
        try:
            alert = services.alert_resolve(
                alert_id=self.alert.pk,
                resolved_by=self.request.user,
                service_action=form.cleaned_data["service_action"],
                confirmed_by_name=form.cleaned_data["confirmed_by_name"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            # Show the alert as it is now (someone else may have resolved it), keeping what was typed.
            del self._alert
            return self.form_invalid(errors_onto(form, error))
        messages.success(self.request, f"Alert {alert.number} is resolved.")
        return redirect("alerts:register", reference=self.inspection.reference)


class RaiseView(InspectionMixin, FormOnlyPageMixin, FormView):
    """Raise an alert on a case: for the inspector it is allocated to and the lead inspector."""

    template_name = "alerts/raise.html"
    form_class = AlertRaiseForm

    def get_case(self):
        if not hasattr(self, "case"):
            self.case = case_get_for(inspection=self.inspection, case_id=self.kwargs["case_id"])
            if not self.request.user.has_perm("alerts.raise_alert", self.case):
                raise PermissionDenied(
                    "Only the inspector this case is allocated to and the lead inspector can raise an alert on it."
                )
        return self.case

    def published_url(self) -> str:
        return reverse(
            "cases:task-list",
            kwargs={"reference": self.inspection.reference, "case_id": self.kwargs["case_id"]},
        )

    def get(self, request, *args, **kwargs):
        self.get_case()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_case()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "inspection": self.inspection}

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.get_case(), **kwargs)

    def form_valid(self, form):
        try:
            raised = services.alert_raise(
                case=self.get_case(),
                raised_by=self.request.user,
                request=self.request,
                **form.service_arguments(),
            )
        except ValidationError as error:
            return self.form_invalid(errors_onto(form, error))
        alert = raised.alert
        if raised.lead_emailed:
            messages.success(
                self.request, f"Alert {alert.number} is raised. The lead inspector has been emailed."
            )
        else:
            messages.warning(
                self.request,
                f"Alert {alert.number} is raised, but the lead inspector could not be emailed: tell them yourself.",
            )
        return redirect("alerts:alert", reference=self.inspection.reference, number=alert.number)
