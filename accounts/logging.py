import json
import logging


class JsonMessageFilter(logging.Filter):
    """Gives each record a JSON-quoted message so the production formatter writes one JSON object a line."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.message_json = json.dumps(record.getMessage())
        return True
