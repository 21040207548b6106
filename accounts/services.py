import time
from binascii import unhexlify

import django_otp
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import EventKind
from audit.services import security_event_record

from .selectors import authenticator_for, two_factor_required_for

AUTHENTICATOR_NAME = "Authenticator app"


def identity_confirm(*, user, password: str, code: str, request=None, code_field: str = "code") -> None:
    """The person at the keyboard is the account's owner: a code from their current app (throttled like
    sign-in's) and their password (through django-axes, so a wrong one counts as a failed sign-in and
    leads to the same pause). Raises ValidationError naming the field."""
    try:
        authenticator_verify(user=user, code=code, request=request)
    except ValidationError as exc:
        raise ValidationError({code_field: exc.messages}) from None
    try:
        confirmed = authenticate(request, username=user.email, password=password)
    except PermissionDenied:  # django-axes: paused after too many failures
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        raise ValidationError(
            {"password": f"Too many wrong passwords. Wait {minutes} minutes, then try again"}
        ) from None
    if confirmed is None or confirmed.pk != user.pk:
        raise ValidationError({"password": "Your password is not correct"})


def authenticator_add(
    *, user, key: str, code: str, request=None, password: str | None = None, current_code: str | None = None
) -> TOTPDevice:
    """Sets up the authenticator app that shows codes for `key` (hex), once it has shown a right `code`.
    Replaces any app the person had before, only with their password and a code from that app
    (`password`, `current_code`). `request` is for the security event log."""
    if authenticator_for(user) is not None:
        identity_confirm(
            user=user,
            password=password or "",
            code=current_code or "",
            request=request,
            code_field="current_code",
        )
    return _authenticator_replace(user=user, key=key, code=code, request=request)


@transaction.atomic
def _authenticator_replace(*, user, key: str, code: str, request=None) -> TOTPDevice:
    totp = TOTP(unhexlify(key))
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=1):
        raise ValidationError(
            "The code is not correct. Check you scanned the QR code or typed the key, then enter the code "
            "your app shows now"
        )
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice(
        user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True, last_t=totp.t(), drift=totp.drift
    )
    device.full_clean()
    device.save()
    security_event_record(kind=EventKind.TWO_FACTOR_SET_UP, request=request, user=user)
    return device


def authenticator_verify(*, user, code: str, request=None) -> TOTPDevice:
    """Checks a code from the person's authenticator app. Wrong codes slow further tries down (1, 2, 4, 8
    ... seconds); each is recorded. Not one transaction: a wrong code's count must stay counted."""
    device = authenticator_for(user)
    if device is None:
        raise ValidationError("You have no authenticator app set up")
    allowed, refusal = device.verify_is_allowed()
    if not allowed:
        wait = max(1, int((refusal["locked_until"] - timezone.now()).total_seconds()) + 1)
        raise ValidationError(
            f"You have entered a wrong code {refusal['failure_count']} times. "
            f"Wait {wait} second{'s' if wait != 1 else ''}, then enter the code your app shows"
        )
    if django_otp.verify_token(user, device.persistent_id, code) is None:
        security_event_record(kind=EventKind.TWO_FACTOR_FAILED, request=request, user=user)
        raise ValidationError("The code is not correct. Enter the code your authenticator app shows now")
    return device


def authenticator_remove(*, user, password: str, code: str, request=None) -> int:
    """Turns two-factor authentication off for the person, with their password and a code from the app;
    refused if their role requires it."""
    if two_factor_required_for(user):
        raise PermissionDenied(
            "Your role requires two-factor authentication, so you cannot turn it off. "
            "You can set up a different app instead."
        )
    if authenticator_for(user) is None:
        return 0
    # Outside the transaction: a wrong code or password stays counted.
    identity_confirm(user=user, password=password, code=code, request=request)
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        if removed:
            security_event_record(kind=EventKind.TWO_FACTOR_TURNED_OFF, request=request, user=user)
    return removed


def password_reset_requested(*, email: str, request=None) -> None:
    """Records that someone asked for a reset link for `email`, whether or not it has an account (the
    page says the same either way, so that it does not reveal who has one)."""
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    security_event_record(
        kind=EventKind.PASSWORD_RESET_REQUESTED,
        request=request,
        user=user,
        detail=f"Link asked for {email}" + ("" if user else " (no account has this address)"),
    )


def password_reset_done(*, user, request=None) -> None:
    """The person proved they own the address and chose a new password: lift any sign-in lockout."""
    axes_reset(username=user.email)
    security_event_record(kind=EventKind.PASSWORD_RESET, request=request, user=user)


def address_paused(request) -> bool:
    """Whether the address this request comes from has failed AXES_ADDRESS_FAILURE_LIMIT sign-ins within
    the cool-off time, across every account it tried. django-axes pauses one account from one address
    after AXES_FAILURE_LIMIT failures; this stops one address trying a few passwords against every account."""
    from axes.models import AccessAttempt

    from audit.addresses import client_ip

    address = client_ip(request)
    if address is None:
        return False
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = (
        AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
            total=models.Sum("failures_since_start")
        )["total"]
        or 0
    )
    return failures >= settings.AXES_ADDRESS_FAILURE_LIMIT
