from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="sign-in"),
    path("sign-out/", views.SignOutView.as_view(), name="sign-out"),
    path("signed-out/", views.SignedOutView.as_view(), name="signed-out"),
    path("keep-alive/", views.KeepAliveView.as_view(), name="keep-alive"),
]
