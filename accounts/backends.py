from django.contrib.auth.backends import ModelBackend

MODEL_ACTIONS = ("add", "change", "delete", "view")


class AdministratorBackend:
    """Administrators manage people, services and frameworks in the administration pages.

    They get every model permission there (`app.change_model` with no object) but none of the
    inspection roles' object permissions: a ratings panel decision stays the panel's, quality assurance
    stays the lead's. That is why administrators are not superusers (a superuser passes every check).
    """

    # A permission backend only: it signs nobody in and loads no user (like rules' backend, it has no
    # get_user, so Django never picks it to restore a session).
    def authenticate(self, *args, **kwargs):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if obj is not None or not (user_obj.is_active and user_obj.is_staff and user_obj.is_administrator):
            return False
        _app_label, _dot, codename = perm.partition(".")
        return codename.split("_", 1)[0] in MODEL_ACTIONS

    def has_module_perms(self, user_obj, app_label):
        return bool(user_obj.is_active and user_obj.is_staff and user_obj.is_administrator)


class SignInBackend(ModelBackend):
    """Django's sign-in by email and password, without the superuser short cut.

    Django's ModelBackend gives a superuser every model permission (`Permission.objects.all()`), and this
    project's `rules` permissions share those names ("inspections.add_inspection"). Here the superuser flag
    gives nothing: a person has the permissions of their role and team memberships, like everyone else
    (README, Security: no superusers).
    """

    def _get_permissions(self, user_obj, obj, from_name):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        perm_cache_name = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, perm_cache_name):
            perms = getattr(self, f"_get_{from_name}_permissions")(user_obj)
            perms = perms.values_list("content_type__app_label", "codename").order_by()
            setattr(user_obj, perm_cache_name, {f"{ct}.{name}" for ct, name in perms})
        return getattr(user_obj, perm_cache_name)
