"""gunicorn's settings for the web container (docker-compose.yml)."""

import os

# In the compose file the container's port 8000 is published only on the host's 127.0.0.1, where the TLS proxy
# connects; GUNICORN_BIND narrows it further where the container shares the host's network (deploy-check).
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# A PDF download or a slow page gets a minute; then the worker is replaced.
timeout = 60
graceful_timeout = 30
# Restart workers now and then, so that a slow leak never grows.
max_requests = 1000
max_requests_jitter = 100
# Django reads X-Forwarded-Proto and X-Forwarded-For itself (SECURE_PROXY_SSL_HEADER, TRUSTED_PROXY_COUNT).
forwarded_allow_ips = "*"

# Access and error logs: the same JSON lines on stdout as the app's own logs.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "accounts.logging.JsonFormatter"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}
