from django.contrib.auth import views as auth_views
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
