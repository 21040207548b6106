from django.contrib.auth.models import (
    AbstractUser,
    BaseUserManager,
    _user_has_module_perms,
    _user_has_perm,
)
from django.db import models


class Role(models.TextChoices):
    """What a person does in the inspectorate. Membership of an inspection's team is separate."""

    ADMINISTRATOR = "administrator", "Administrator"
    LEAD_INSPECTOR = "lead_inspector", "Lead inspector"
    INSPECTOR = "inspector", "Inspector"
    PANEL_MEMBER = "panel_member", "Ratings panel member"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True, role=Role.ADMINISTRATOR)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with an email address. Names are shown to colleagues, never to the public."""

    username = None
    email = models.EmailField("email address", unique=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.INSPECTOR)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    # No permission comes from `is_superuser` (README, Security): Django's own checks let a superuser pass
    # every one, so these ask the permission backends for everyone alike.
    def has_perm(self, perm, obj=None):
        return _user_has_perm(self, perm, obj=obj)

    def has_module_perms(self, app_label):
        return _user_has_module_perms(self, app_label)

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def is_lead_inspector(self) -> bool:
        return self.role == Role.LEAD_INSPECTOR

    @property
    def is_panel_member(self) -> bool:
        return self.role == Role.PANEL_MEMBER


class TwoFactorRequirement(models.Model):
    """Everyone with this role must use two-factor authentication. Administrators add or remove these
    in the administration pages; a person is asked to set it up at their next sign-in."""

    role = models.CharField(max_length=20, choices=Role.choices, unique=True)

    class Meta:
        ordering = ["role"]
        verbose_name = "two-factor authentication requirement"

    def __str__(self):
        return f"{self.get_role_display()}: two-factor authentication required"
