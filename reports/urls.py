from django.urls import path

from . import views

app_name = "reports"

R = "<slug:reference>/report"

urlpatterns = [
    path(f"{R}/", views.OverviewView.as_view(), name="overview"),
    path(f"{R}/details/", views.DetailsView.as_view(), name="details"),
    path(f"{R}/domains/<str:code>/", views.DomainView.as_view(), name="domain"),
    path(f"{R}/domains/<str:code>/findings/add/", views.FindingFormView.as_view(), name="finding-add"),
    path(f"{R}/findings/<int:pk>/", views.FindingFormView.as_view(), name="finding-edit"),
    path(f"{R}/recommendations/", views.RecommendationsView.as_view(), name="recommendations"),
    path(f"{R}/addressees/add/", views.AddresseeFormView.as_view(), name="addressee-add"),
    path(f"{R}/addressees/<int:pk>/", views.AddresseeFormView.as_view(), name="addressee-edit"),
    path(f"{R}/recommendations/add/", views.RecommendationFormView.as_view(), name="recommendation-add"),
    path(
        f"{R}/recommendations/<int:pk>/", views.RecommendationFormView.as_view(), name="recommendation-edit"
    ),
    path(f"{R}/facts/", views.FactsView.as_view(), name="facts"),
    path(f"{R}/facts/sources/add/", views.FactSourceFormView.as_view(), name="source-add"),
    path(f"{R}/facts/sources/<int:pk>/", views.FactSourceFormView.as_view(), name="source-edit"),
    path(f"{R}/facts/<slug:block>/", views.FactBlockView.as_view(), name="fact-block"),
    path(f"{R}/standards/<str:code>/", views.StandardView.as_view(), name="standard"),
    path(f"{R}/standards/<str:code>/examples/add/", views.ExampleAddView.as_view(), name="example-add"),
    path(f"{R}/examples/<int:pk>/", views.ExampleFormView.as_view(), name="example-edit"),
    path(f"{R}/delete/<slug:kind>/<int:pk>/", views.DeleteView.as_view(), name="delete"),
    path(f"{R}/move/<slug:kind>/<int:pk>/<slug:direction>/", views.MoveView.as_view(), name="move"),
    path(f"{R}/publish/", views.PublishView.as_view(), name="publish"),
    path(f"{R}/publish/withdraw/", views.WithdrawPublicationView.as_view(), name="withdraw"),
    path(f"{R}/preview/", views.PreviewView.as_view(), name="preview"),
    path(f"{R}/renders/", views.RenderCreateView.as_view(), name="render-create"),
    path(f"{R}/renders/status/", views.RenderStatusView.as_view(), name="render-status"),
    path(f"{R}/renders/<int:pk>/retry/", views.RenderRetryView.as_view(), name="render-retry"),
    path(f"{R}/renders/<int:pk>/download/", views.RenderDownloadView.as_view(), name="render-download"),
]
