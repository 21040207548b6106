"""The web container's health check (docker-compose.yml): asks gunicorn for /health/, as the reverse
proxy would, and exits 0 only if the app answered "ok" (which it does once the database answers)."""

import os
import sys
import urllib.request


def main() -> int:
    allowed = os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")[0].strip().lstrip(".")
    host = allowed if allowed and allowed != "*" else "localhost"
    request = urllib.request.Request(
        f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/health/",
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return 0 if response.status == 200 and response.read() == b"ok" else 1
    except OSError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
