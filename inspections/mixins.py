from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.views.generic import FormView

from .selectors import inspection_get_for


class RolePermissionMixin(LoginRequiredMixin):
    """A page for signed-in people whose role has `permission_required` (a permission not tied to an
    inspection); others are told why in `permission_denied_message`."""

    permission_required: str
    permission_denied_message = "Your role does not allow it."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.permission_required):
            raise PermissionDenied(self.permission_denied_message)
        return super().dispatch(request, *args, **kwargs)


class InspectionMixin(LoginRequiredMixin):
    """A page of one inspection: signed-in people on its team only (404 for others), then the permission.

    Sets self.inspection. permission_required is a `rules` permission checked against the inspection;
    permission_denied_message says in words why a team member may not use the page.
    """

    permission_required: str | None = None
    permission_denied_message = "Your role on this inspection does not allow it."

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.inspection = inspection_get_for(request.user, kwargs["reference"])
        if self.permission_required and not request.user.has_perm(self.permission_required, self.inspection):
            raise PermissionDenied(self.permission_denied_message)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(inspection=self.inspection, **kwargs)


def errors_onto(form, error: ValidationError):
    """Puts a service's ValidationError on the form: on the fields it names where the form has them,
    otherwise above the form."""
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)
    return form


class FormOnlyPageMixin:
    """A page that only changes an inspection's data: a form, or a question before a change. Once the
    inspection is published nothing on it could be saved (inspections.publication), so a GET goes to
    `published_url()`, the page that shows the same data read-only under the published banner; a POST still
    reaches the service, which refuses it. List it after the mixin that sets self.inspection."""

    def published_url(self) -> str:
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if request.method in ("GET", "HEAD") and self.inspection.is_published:
            return redirect(self.published_url())
        return super().dispatch(request, *args, **kwargs)


class ActionFormView(FormView):
    """A form whose valid data go to one service function.

    perform(form) calls it and returns the success message and the address to go to; a ValidationError
    it raises comes back onto the form, and the service has written nothing.
    """

    def perform(self, form) -> tuple[str, str]:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            message, url = self.perform(form)
        except ValidationError as error:
            return self.form_invalid(errors_onto(form, error))
        messages.success(self.request, message)
        return redirect(url)
