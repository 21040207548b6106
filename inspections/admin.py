from django.contrib import admin

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


class ReadOnlyWhenInUse:
    """Frameworks in use by an inspection are immutable: the admin shows them read-only."""

    def _in_use(self, obj) -> bool:
        return obj is not None and obj.framework_version().is_in_use

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._in_use(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._in_use(obj)


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
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
class DomainAdmin(ReadOnlyWhenInUse, admin.ModelAdmin):
    list_display = ["code", "title", "framework"]
    list_filter = ["framework"]


@admin.register(Standard)
class StandardAdmin(ReadOnlyWhenInUse, admin.ModelAdmin):
    list_display = ["code", "title", "domain"]
    list_filter = ["domain__framework"]


@admin.register(KeyQuestion)
class KeyQuestionAdmin(ReadOnlyWhenInUse, admin.ModelAdmin):
    list_display = ["code", "text", "applicability"]
    list_filter = ["standard__domain__framework", "standard__domain"]
    search_fields = ["code", "text"]


@admin.register(Prompt)
class PromptAdmin(ReadOnlyWhenInUse, admin.ModelAdmin):
    list_display = ["code", "text", "relevant_cases_only"]
    list_filter = ["key_question__standard__domain__framework"]
    search_fields = ["code", "text"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "term"]
    search_fields = ["name"]


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["reference", "service", "framework", "status", "fieldwork_start"]
    list_filter = ["status", "framework"]
    search_fields = ["reference", "service__name"]
    inlines = [TeamMembershipInline]
