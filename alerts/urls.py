from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("<slug:reference>/alerts/", views.RegisterView.as_view(), name="register"),
    path("<slug:reference>/alerts/<int:number>/", views.AlertView.as_view(), name="alert"),
    path("<slug:reference>/alerts/<int:number>/resolve/", views.ResolveView.as_view(), name="resolve"),
    path("<slug:reference>/cases/<int:case_id>/alerts/new/", views.RaiseView.as_view(), name="raise"),
]
