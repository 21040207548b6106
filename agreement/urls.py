from django.urls import path

from . import views

app_name = "agreement"

base = "inspections/<slug:reference>/agreement/"
case = f"{base}cases/<int:case_id>/"

urlpatterns = [
    path("agreement/", views.ProgrammeView.as_view(), name="programme"),
    path("inspections/<slug:reference>/agreement.json", views.FiguresJsonView.as_view(), name="json"),
    path(base, views.OverviewView.as_view(), name="overview"),
    path(f"{base}draw/", views.DrawView.as_view(), name="draw"),
    path(f"{base}add/", views.AddView.as_view(), name="add"),
    path(f"{case}change/", views.ChangeView.as_view(), name="change"),
    path(f"{case}remove/", views.RemoveView.as_view(), name="remove"),
    path(case, views.MarkView.as_view(), name="mark"),
    path(f"{case}standards/<str:code>/", views.MarkStandardView.as_view(), name="mark-standard"),
    path(f"{case}reconcile/", views.ReconcileView.as_view(), name="reconcile"),
]
