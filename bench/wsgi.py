"""The benchmark's own server: the application as deployed, with bench.urls (the application's URLs plus the
floor endpoint) as its URLconf. Started only by ./dev bench (bench.measure.Server)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()
settings.ROOT_URLCONF = "bench.urls"
