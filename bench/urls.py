"""The benchmark server's URLs: the application's, plus the floor endpoint (bench.floor). Used only by
bench.wsgi, which ./dev bench starts; config.urls, which production serves, never includes this module."""

from django.urls import path

from config.urls import urlpatterns as application_urlpatterns

from .floor import floor_save

urlpatterns = [
    path("bench-floor/<int:case_id>/", floor_save, name="bench-floor"),
    *application_urlpatterns,
]

handler500 = "accounts.views.server_error"
