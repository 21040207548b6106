"""Sign-ins, sign-outs, failed sign-ins and lockouts, from Django's and django-axes' signals."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import EventKind
from .services import security_event_record


def _user_with_email(email: str | None):
    if not email:
        return None
    return get_user_model().objects.filter(email__iexact=email).first()


@receiver(user_logged_in, dispatch_uid="audit_signed_in")
def record_sign_in(sender, request, user, **kwargs):
    security_event_record(kind=EventKind.SIGNED_IN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="audit_signed_out")
def record_sign_out(sender, request, user, **kwargs):
    if user is not None:
        security_event_record(kind=EventKind.SIGNED_OUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    email = credentials.get("username") or credentials.get("email") or ""
    security_event_record(
        kind=EventKind.SIGN_IN_FAILED,
        request=request,
        user=_user_with_email(email),
        detail=f"Email address entered: {email}" if email else "No email address entered",
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def record_lockout(sender, request, username, ip_address, **kwargs):
    security_event_record(
        kind=EventKind.LOCKED_OUT,
        request=request,
        user=_user_with_email(username),
        detail=f"Too many failed sign-ins for {username}" if username else "Too many failed sign-ins",
    )
