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
