from .base import *  # noqa: F403

DEBUG = True

# runserver serves static files itself in development.
MIDDLEWARE = [m for m in MIDDLEWARE if m != "whitenoise.middleware.WhiteNoiseMiddleware"]  # noqa: F405
