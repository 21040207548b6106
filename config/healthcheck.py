"""The containers' health checks (docker-compose.yml). web: asks gunicorn for /health/, as the reverse
proxy would, and exits 0 only if the app answered "ok" (which it does once the database answers).
beat (`python -m config.healthcheck beat`): exits 0 once beat has written its schedule file, which it does
when it has started and read the schedule."""

import os
import sys
import urllib.request
from pathlib import Path


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


def beat() -> int:
    folder = Path(os.environ.get("BEAT_SCHEDULE_DIR", "/app/var/beat"))
    return 0 if any(path.stat().st_size for path in folder.glob("schedule*")) else 1


if __name__ == "__main__":
    sys.exit(beat() if sys.argv[1:] == ["beat"] else main())
