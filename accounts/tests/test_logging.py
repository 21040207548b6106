import io
import json
import logging

from django.utils.module_loading import import_string

from tests.test_security_headers import production_settings


def test_production_logs_are_one_json_object_a_line_whatever_the_message(monkeypatch):
    config = production_settings(monkeypatch).LOGGING
    assert config["handlers"]["stdout"]["stream"] == "ext://sys.stdout"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(import_string(config["formatters"]["json"]["()"])())
    logger = logging.getLogger("yjis.test")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning(
            'A "quoted" message\nover two lines with %s', "an argument", extra={"status_code": 503}
        )
        try:
            raise ValueError("the database went away")
        except ValueError:
            logger.exception("Internal Server Error: /")
    finally:
        logger.removeHandler(handler)

    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == 'A "quoted" message\nover two lines with an argument'
    assert (first["level"], first["logger"], first["status_code"]) == ("WARNING", "yjis.test", 503)
    assert first["time"].endswith("+00:00")
    assert second["level"] == "ERROR"
    assert "ValueError: the database went away" in second["exception"]
