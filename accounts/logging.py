import json
import logging
from datetime import UTC, datetime

# Extras Django and gunicorn attach to their records that help to read a log line on its own.
USEFUL_EXTRAS = ("status_code", "method", "path", "task_id", "task_name")


class JsonFormatter(logging.Formatter):
    """One JSON object a line, whatever the message holds (quotes, new lines, a traceback), so a log
    collector reading stdout never has to guess where a record ends."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            entry["method"] = getattr(request, "method", "")
            entry["path"] = request.path
        for name in USEFUL_EXTRAS:
            value = getattr(record, name, None)
            if value is not None and name not in entry:
                entry[name] = value if isinstance(value, int | float | bool) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)
