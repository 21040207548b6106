from django.contrib import admin

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read only: the log is evidence, so nobody edits or adds to it by hand."""

    list_display = ["occurred_at", "kind", "user_email", "ip_address", "object_repr", "detail"]
    list_filter = ["kind"]
    date_hierarchy = "occurred_at"
    search_fields = ["user_email", "ip_address", "object_repr", "detail"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SecurityLoggedAdmin:
    """Mixin for a ModelAdmin: every addition, change and deletion made in the administration pages is also
    written to the security event log (who, from where, on what, and Django's description of the change).
    Django's own admin log can be edited by anyone with the database; the security event log cannot."""

    def _record(self, request, obj, what: str, entry=None) -> None:
        from .models import EventKind
        from .services import security_event_record

        described = (
            entry.get_change_message() if entry is not None and hasattr(entry, "get_change_message") else ""
        )
        detail = f"{what} {obj._meta.verbose_name} in the administration pages"
        if described:
            detail = f"{detail}: {described}"
        security_event_record(kind=EventKind.ADMIN_CHANGE, request=request, obj=obj, detail=detail)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._record(request, obj, "Added", entry)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._record(request, obj, "Changed", entry)
        return entry

    def log_deletions(self, request, queryset):
        entries = super().log_deletions(request, queryset)
        for obj in queryset:
            self._record(request, obj, "Deleted")
        return entries
