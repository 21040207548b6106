from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from .forms import SecurityEventFilterForm
from .selectors import security_events_list

EVENTS_PER_PAGE = 50


class SecurityEventListView(LoginRequiredMixin, TemplateView):
    template_name = "audit/security_events.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_administrator:
            raise PermissionDenied("Only administrators can see the security event log.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        form = SecurityEventFilterForm(self.request.GET or None)
        filters = form.cleaned_data if form.is_valid() else {}
        events = security_events_list(**{k: v for k, v in filters.items() if v})
        page = Paginator(events, EVENTS_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            form=form,
            page=page,
            query=query.urlencode(),
            retention_days=settings.SECURITY_EVENT_RETENTION_DAYS,
            **kwargs,
        )
