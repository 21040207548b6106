from django.core.exceptions import PermissionDenied

from .models import EventKind
from .services import security_event_record

# Views that refuse without raising PermissionDenied (the CSRF failure view) say why here.
DENIAL_REASON = "security_denial_reason"


class PermissionDeniedMiddleware:
    """Records every refusal (a 403 response), whatever produced it: a view's PermissionDenied, a failed
    CSRF check, Django's own checks. Listed last, so it sees the response every other layer produced."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            security_event_record(
                kind=EventKind.PERMISSION_DENIED,
                request=request,
                detail=getattr(request, DENIAL_REASON, ""),
            )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            setattr(request, DENIAL_REASON, str(exception))
        return None
