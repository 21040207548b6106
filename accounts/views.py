from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.views import View
from django.views.generic import TemplateView

from .forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class SignedOutView(TemplateView):
    template_name = "accounts/signed_out.html"


class KeepAliveView(View):
    """ "Stay signed in" in the timeout warning: any request renews the session; this one says for how long."""

    http_method_names = ["post"]

    def post(self, request):
        if not request.user.is_authenticated:
            return JsonResponse({"signed_in": False}, status=401)
        return JsonResponse({"signed_in": True, "idle_seconds": settings.SESSION_COOKIE_AGE})
