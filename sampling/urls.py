from django.urls import path

from . import views

app_name = "sampling"

urlpatterns = [
    path("<slug:reference>/population/", views.PopulationView.as_view(), name="population"),
    path(
        "<slug:reference>/population/example.csv",
        views.PopulationExampleView.as_view(),
        name="population-example",
    ),
    path(
        "<slug:reference>/population/columns/",
        views.PopulationColumnsView.as_view(),
        name="population-columns",
    ),
    path("<slug:reference>/sample/", views.SampleView.as_view(), name="sample"),
    path("<slug:reference>/sample/settings/", views.SampleSettingsView.as_view(), name="settings"),
    path("<slug:reference>/sample/size/<slug:category>/", views.SampleSizeView.as_view(), name="size"),
    path("<slug:reference>/sample/draw/", views.DrawView.as_view(), name="draw"),
    path("<slug:reference>/sample/swap/<int:case_id>/", views.SwapView.as_view(), name="swap"),
    path("<slug:reference>/allocation/", views.AllocationView.as_view(), name="allocation"),
]
