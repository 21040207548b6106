from django.urls import path

from . import views

app_name = "fieldwork"

urlpatterns = [
    path("<slug:reference>/referrals/", views.QueueView.as_view(), name="queue"),
    path("<slug:reference>/referrals/<int:number>/finding/", views.FindingView.as_view(), name="finding"),
    path("<slug:reference>/cases/<int:case_id>/refer/", views.ReferView.as_view(), name="refer"),
    path("<slug:reference>/meetings/", views.MeetingsView.as_view(), name="meetings"),
    path("<slug:reference>/meetings/new/", views.MeetingAddView.as_view(), name="meeting-add"),
]
