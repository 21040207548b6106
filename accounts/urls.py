from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("signed-out/", views.SignedOutView.as_view(), name="signed-out"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/sent/", views.PasswordResetSentView.as_view(), name="password-reset-sent"),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetNewPasswordView.as_view(),
        name="password-reset-new-password",
    ),
    path("your-account/", views.AccountView.as_view(), name="account"),
    path("two-factor/set-up/", views.TwoFactorSetUpView.as_view(), name="two-factor-set-up"),
    path("two-factor/code/", views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path("two-factor/turn-off/", views.TwoFactorTurnOffView.as_view(), name="two-factor-turn-off"),
    path("keep-alive/", views.KeepAliveView.as_view(), name="keep-alive"),
]
