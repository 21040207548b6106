from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from .selectors import inspection_get_for


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
