import sys
from base64 import b32encode
from binascii import unhexlify

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, TemplateView
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from audit.middleware import DENIAL_REASON
from audit.models import EventKind
from audit.services import security_event_record

from .forms import (
    NewPasswordForm,
    PasswordResetRequestForm,
    SignInForm,
    TwoFactorCodeForm,
    TwoFactorReplaceForm,
    TwoFactorTurnOffForm,
)
from .queue import QueueUnavailable
from .selectors import (
    SET_UP,
    TWO_FACTOR_STEP,
    VERIFY,
    authenticator_for,
    two_factor_required_for,
    two_factor_step_for,
)
from .services import (
    address_paused,
    authenticator_add,
    authenticator_remove,
    authenticator_verify,
    password_reset_done,
    password_reset_requested,
)


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Failures are counted per address across accounts too, before any password is checked.
        if address_paused(request):
            security_event_record(
                kind=EventKind.LOCKED_OUT,
                request=request,
                detail=f"Address paused: {settings.AXES_ADDRESS_FAILURE_LIMIT} or more failed sign-ins "
                "across accounts",
            )
            return locked_out(request, address=True)
        return super().post(request, *args, **kwargs)


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class SignedOutView(TemplateView):
    template_name = "accounts/signed_out.html"


# --- password reset by email ------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetRequestForm
    subject_template_name = "accounts/email/password_reset_subject.txt"
    email_template_name = "accounts/email/password_reset.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")
    extra_email_context = {
        "service_name": settings.SERVICE_NAME,
        "link_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
    }

    def form_valid(self, form):
        password_reset_requested(email=form.cleaned_data["email"], request=self.request)
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        return super().get_context_data(link_minutes=settings.PASSWORD_RESET_TIMEOUT // 60, **kwargs)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(link_minutes=settings.PASSWORD_RESET_TIMEOUT // 60, **kwargs)


class PasswordResetNewPasswordView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_new_password.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_reset_done(user=form.user, request=self.request)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


# --- your account and two-factor authentication -----------------------------------------------------


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _second_factor_given(request, device) -> None:
    django_otp.login(request, device)
    request.session[TWO_FACTOR_STEP] = ""


class AccountView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/account.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            authenticator=authenticator_for(user), two_factor_required=two_factor_required_for(user), **kwargs
        )


class TwoFactorSetUpView(LoginRequiredMixin, FormView):
    """Shows a new secret key (as a QR code and as text) and sets the app up once it shows a right code.
    The key stays in the session until then, so nothing is written until the app works."""

    template_name = "accounts/two_factor_set_up.html"
    form_class = TwoFactorCodeForm
    session_key = "two_factor_new_key"

    def dispatch(self, request, *args, **kwargs):
        # Someone who has given only the password must not replace the app that guards the account.
        if request.session.get(TWO_FACTOR_STEP) == VERIFY:
            return redirect("accounts:two-factor-verify")
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        # Replacing the app that guards the account needs the password and a code from that app too.
        return TwoFactorReplaceForm if authenticator_for(self.request.user) is not None else TwoFactorCodeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit_label": "Set up two-factor authentication"}

    def new_key(self) -> str:
        if not self.request.session.get(self.session_key):
            self.request.session[self.session_key] = random_hex(20)
        return self.request.session[self.session_key]

    def get_context_data(self, **kwargs):
        key = self.new_key()
        config_url = TOTPDevice(user=self.request.user, key=key).config_url
        svg = qrcode.make(config_url, image_factory=qrcode.image.svg.SvgPathImage, border=2).to_string(
            encoding="unicode"
        )
        manual_key = b32encode(unhexlify(key)).decode()
        return super().get_context_data(
            qr_code=svg.replace(
                "<svg ", '<svg class="app-qr-code" role="img" aria-labelledby="qr-code-label" ', 1
            ),
            manual_key=" ".join(manual_key[i : i + 4] for i in range(0, len(manual_key), 4)),
            required=self.request.session.get(TWO_FACTOR_STEP) == SET_UP,
            replacing=authenticator_for(self.request.user) is not None,
            next=_next_url(self.request, ""),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            device = authenticator_add(
                user=self.request.user,
                key=self.new_key(),
                code=form.cleaned_data["code"],
                password=form.cleaned_data.get("password"),
                current_code=form.cleaned_data.get("current_code"),
                request=self.request,
            )
        except ValidationError as exc:
            form.add_error(None if hasattr(exc, "error_dict") else "code", exc)
            return self.form_invalid(form)
        del self.request.session[self.session_key]
        _second_factor_given(self.request, device)
        messages.success(
            self.request,
            "Two-factor authentication is set up. You will need a code from your app each time you sign in.",
        )
        return redirect(_next_url(self.request, reverse("accounts:account")))


class TwoFactorVerifyView(LoginRequiredMixin, FormView):
    template_name = "accounts/two_factor_verify.html"
    form_class = TwoFactorCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.session.get(TWO_FACTOR_STEP) == VERIFY:
            if authenticator_for(request.user) is not None:
                return super().dispatch(request, *args, **kwargs)
            # An administrator removed the app (a lost phone) since this person gave their password.
            request.session[TWO_FACTOR_STEP] = two_factor_step_for(request.user)
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        return redirect(_next_url(request, reverse("home")))

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=_next_url(self.request, ""), **kwargs)

    def form_valid(self, form):
        try:
            device = authenticator_verify(
                user=self.request.user, code=form.cleaned_data["code"], request=self.request
            )
        except ValidationError as exc:
            form.add_error("code", exc)
            return self.form_invalid(form)
        _second_factor_given(self.request, device)
        return redirect(_next_url(self.request, reverse("home")))


class TwoFactorTurnOffView(LoginRequiredMixin, FormView):
    """Asks for the password and a code from the app before turning two-factor authentication off, so that
    someone who finds a signed-in browser cannot take it off the account."""

    template_name = "accounts/two_factor_turn_off.html"
    form_class = TwoFactorTurnOffForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and authenticator_for(request.user) is None:
            return redirect("accounts:account")
        if request.user.is_authenticated and two_factor_required_for(request.user):
            raise PermissionDenied(
                "Your role requires two-factor authentication, so you cannot turn it off. "
                "You can set up a different app instead."
            )
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            removed = authenticator_remove(
                user=self.request.user,
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
                request=self.request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        if removed:
            messages.success(self.request, "Two-factor authentication is turned off.")
        return redirect("accounts:account")


# --- errors and health -------------------------------------------------------------------------------


def csrf_failure(request, reason=""):
    setattr(request, DENIAL_REASON, f"The form's security check failed ({reason})")
    return HttpResponse(loader.render_to_string("403_csrf.html", request=request), status=403)


def bad_request(request, exception=None):
    """A request the service cannot read: most often a page sent with more text than any form accepts."""
    too_large = isinstance(exception, RequestDataTooBig)
    context = {
        "too_large": too_large,
        "limit": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024:,} KB",
        "service_name": settings.SERVICE_NAME,
    }
    return HttpResponseBadRequest(loader.render_to_string("400.html", context))


def server_error(request):
    """A 503 in words when the database or the job queue is out of reach (the request can simply be
    repeated once it is back), otherwise the plain 500 page. Rendered without the request: the context
    processors could need the very database that has gone."""
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError, QueueUnavailable)):
        context = {"service_name": settings.SERVICE_NAME, "queue": isinstance(exception, QueueUnavailable)}
        response = HttpResponse(loader.render_to_string("503.html", context), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))


def health(request):
    """For the container's health check: answers "ok" once the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def locked_out(request, original_response=None, credentials=None, address=False):
    """django-axes' answer once an account is locked (or, with `address`, the address paused for failures
    across accounts): how long for, and how to get back in."""
    context = {
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "failure_limit": settings.AXES_ADDRESS_FAILURE_LIMIT if address else settings.AXES_FAILURE_LIMIT,
        "address": address,
    }
    return render(request, "accounts/locked_out.html", context, status=429)


class KeepAliveView(View):
    """The timeout warning's "Stay signed in": any request renews the session; this one says for how long."""

    http_method_names = ["post"]

    def post(self, request):
        if not request.user.is_authenticated:
            return JsonResponse({"signed_in": False}, status=401)
        return JsonResponse({"signed_in": True, "idle_seconds": settings.SESSION_COOKIE_AGE})
