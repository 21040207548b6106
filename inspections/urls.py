from django.urls import path

from . import views

app_name = "inspections"

# The fixed paths come before <reference>/: references are kept in capitals, these paths in small letters.
urlpatterns = [
    path("new/", views.InspectionCreateView.as_view(), name="create"),
    path("services/", views.ServiceListView.as_view(), name="services"),
    path("services/new/", views.ServiceSaveView.as_view(), name="service-create"),
    path("services/<int:pk>/edit/", views.ServiceSaveView.as_view(), name="service-edit"),
    path("<slug:reference>/", views.InspectionDetailView.as_view(), name="detail"),
    path("<slug:reference>/edit/", views.InspectionUpdateView.as_view(), name="edit"),
    path("<slug:reference>/team/", views.TeamView.as_view(), name="team"),
    path("<slug:reference>/team/<int:pk>/remove/", views.TeamMemberRemoveView.as_view(), name="team-remove"),
]
