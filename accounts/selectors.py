from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import TwoFactorRequirement

# What a person must do after their password before they may use the service; kept in the session.
TWO_FACTOR_STEP = "two_factor_step"
VERIFY = "verify"
SET_UP = "set_up"


def two_factor_required_for(user) -> bool:
    return TwoFactorRequirement.objects.filter(role=user.role).exists()


def authenticator_for(user) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def two_factor_step_for(user) -> str:
    """After the password: VERIFY (enter a code) if they have an authenticator app, SET_UP if their role
    requires one and they have none, otherwise nothing."""
    if authenticator_for(user) is not None:
        return VERIFY
    if two_factor_required_for(user):
        return SET_UP
    return ""
