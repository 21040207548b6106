"""The app with its static files (as `runserver` serves them), for the browser-driven case loop figure of
./dev bench (bench/case_loop.py): the page's JavaScript must load for the figure to be what inspectors get."""

import os

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

application = StaticFilesHandler(get_wsgi_application())
