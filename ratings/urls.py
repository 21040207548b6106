from django.urls import path, re_path

from . import views

app_name = "ratings"

# Standards by their public framework id, for example 2.2.
STANDARD = r"(?P<standard>\d+\.\d+)"
REFERENCE = r"(?P<reference>[-a-zA-Z0-9_]+)"

urlpatterns = [
    path("<slug:reference>/ratings/", views.RatingsView.as_view(), name="ratings"),
    path("<slug:reference>/ratings.json", views.RatingsJsonView.as_view(), name="ratings-json"),
    path("<slug:reference>/ratings/panel/", views.PanelView.as_view(), name="panel"),
    path("<slug:reference>/ratings/panel/sign-off/", views.SignOffView.as_view(), name="sign-off"),
    path("<slug:reference>/ratings/panel/reopen/", views.ReopenView.as_view(), name="reopen"),
    re_path(
        rf"^{REFERENCE}/ratings/panel/{STANDARD}/$", views.PanelDecisionView.as_view(), name="panel-decision"
    ),
    re_path(
        rf"^{REFERENCE}/ratings/domain-one/{STANDARD}/$",
        views.DomainOneProposalView.as_view(),
        name="domain-one",
    ),
    re_path(
        rf"^{REFERENCE}/ratings/domain-one/{STANDARD}/evidence/$",
        views.EvidenceAddView.as_view(),
        name="evidence-add",
    ),
    re_path(
        rf"^{REFERENCE}/ratings/domain-one/{STANDARD}/evidence/(?P<note>\d+)/remove/$",
        views.EvidenceRemoveView.as_view(),
        name="evidence-remove",
    ),
]
