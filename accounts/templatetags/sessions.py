from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def session_idle_seconds() -> int:
    """How long a session lasts without a request (every request renews it)."""
    return settings.SESSION_COOKIE_AGE
