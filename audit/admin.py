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
