from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.admin import SecurityLoggedAdmin

from .models import TwoFactorRequirement, User


@admin.register(User)
class UserAdmin(SecurityLoggedAdmin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Role", {"fields": ("role", "is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "first_name", "last_name", "role", "password1", "password2"),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # No one is made a superuser here (README, Security: no superusers). The flag can only be taken away,
        # from an account that has it (the system check accounts.W001 names them).
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is None or not obj.is_superuser:
            readonly.append("is_superuser")
        return readonly


@admin.register(TwoFactorRequirement)
class TwoFactorRequirementAdmin(SecurityLoggedAdmin, admin.ModelAdmin):
    list_display = ["role"]


# django-otp's own admin shows each person's secret key and QR code, which would let an administrator copy
# someone's second factor. Here administrators can only see the authenticator apps and remove a lost one.
admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAppAdmin(SecurityLoggedAdmin, admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    search_fields = ["user__email", "user__first_name", "user__last_name"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at", "throttling_failure_count"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
