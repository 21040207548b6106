from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from .selectors import SET_UP, TWO_FACTOR_STEP, VERIFY, two_factor_step_for

# Pages open to someone who has given their password but not yet their second factor.
OPEN_BEFORE_SECOND_FACTOR = {"accounts:sign-out", "accounts:signed-out", "accessibility", "health"}
STEP_PAGES = {VERIFY: "accounts:two-factor-verify", SET_UP: "accounts:two-factor-set-up"}


class TwoFactorMiddleware:
    """Until a signed-in person has entered a code from their authenticator app (or, if their role
    requires one, set one up), every page but that step's sends them to it. The step is decided once,
    at sign-in (see accounts.signals), and kept in the session, so other pages cost no extra query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        step = request.session.get(TWO_FACTOR_STEP)
        if step is None and request.user.is_authenticated:
            # A session from before two-factor authentication existed: decide now.
            step = request.session[TWO_FACTOR_STEP] = two_factor_step_for(request.user)
        if not step or not request.user.is_authenticated:
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name == STEP_PAGES[step] or name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        target = reverse(STEP_PAGES[step])
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)


class SecurityHeadersMiddleware:
    """Headers Django does not set itself: Permissions-Policy, and no caching of signed-in pages (they
    show children's case data, which must not stay in a shared computer's browser cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response
