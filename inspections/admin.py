from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError

from audit.admin import SecurityLoggedAdmin

from .models import (
    Domain,
    FrameworkVersion,
    Inspection,
    KeyQuestion,
    Prompt,
    Service,
    Standard,
    TeamMembership,
)
from .services import inspection_data, service_refusal, service_save


class ReadOnlyWhenInUse:
    """Frameworks in use by an inspection are immutable: the admin shows them read-only."""

    def _in_use(self, obj) -> bool:
        return obj is not None and obj.framework_version().is_in_use

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._in_use(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._in_use(obj)


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(SecurityLoggedAdmin, admin.ModelAdmin):
    list_display = ["code", "title"]
    readonly_fields = ["in_use"]

    @admin.display(boolean=True, description="Used by an inspection")
    def in_use(self, obj):
        return obj.is_in_use

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_in_use)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and obj.is_in_use)


@admin.register(Domain)
class DomainAdmin(SecurityLoggedAdmin, ReadOnlyWhenInUse, admin.ModelAdmin):
    list_display = ["code", "title", "framework"]
    list_filter = ["framework"]


@admin.register(Standard)
class StandardAdmin(SecurityLoggedAdmin, ReadOnlyWhenInUse, admin.ModelAdmin):
    list_display = ["code", "title", "domain"]
    list_filter = ["domain__framework"]


@admin.register(KeyQuestion)
class KeyQuestionAdmin(SecurityLoggedAdmin, ReadOnlyWhenInUse, admin.ModelAdmin):
    list_display = ["code", "text", "applicability"]
    list_filter = ["standard__domain__framework", "standard__domain"]
    search_fields = ["code", "text"]


@admin.register(Prompt)
class PromptAdmin(SecurityLoggedAdmin, ReadOnlyWhenInUse, admin.ModelAdmin):
    list_display = ["code", "text", "relevant_cases_only"]
    list_filter = ["key_question__standard__domain__framework"]
    search_fields = ["code", "text"]


@admin.register(Service)
class ServiceAdmin(SecurityLoggedAdmin, admin.ModelAdmin):
    """Services change through the same rule as the service page (`service_refusal`): not once one of its
    inspections is published."""

    list_display = ["name", "term"]
    search_fields = ["name"]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and service_refusal(obj, request.user) is None

    def has_delete_permission(self, request, obj=None):
        # A service with an inspection is protected by the database anyway (on_delete=PROTECT).
        return super().has_delete_permission(request, obj) and not (obj and obj.inspections.exists())

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        try:
            service_save(
                service=obj,
                name=obj.name,
                term=obj.term,
                local_authorities=obj.local_authorities,
                by=request.user,
            )
        except ValidationError as error:  # the form checked the same, so only a race reaches here
            raise PermissionDenied(" ".join(error.messages)) from error


class TeamMembershipInline(admin.TabularInline):
    """The team, read-only: people are put on a team or taken off it on the inspection's team page, through
    the service that checks the role fits and records the change (README, Security)."""

    model = TeamMembership
    extra = 0
    fields = ["user", "role"]
    readonly_fields = ["user", "role"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(SecurityLoggedAdmin, admin.ModelAdmin):
    """Read-only once published; never deleted while it holds data (cases, answers, decisions, report text,
    renders): withdraw the publication instead. Every change goes to the security event log."""

    list_display = ["reference", "service", "framework", "status", "fieldwork_start"]
    list_filter = ["status", "framework"]
    search_fields = ["reference", "service__name"]
    inlines = [TeamMembershipInline]
    readonly_fields = ["published_at", "lead_inspector", "framework"]

    def get_actions(self, request):
        # No bulk deletion: each inspection's data are checked one at a time on its own delete page.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request):
        # Inspections are created on the app's page, through the service that makes the lead's membership.
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_published)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or not (obj.is_published or inspection_data(obj))

    def delete_queryset(self, request, queryset):
        for inspection in queryset:
            self.delete_model(request, inspection)
