"""Trivial Celery tasks for the fault tests (tests/test_faults.py); the test workers import this module
with -I, the production workers never do."""

import os
import time
from pathlib import Path

from config.celery import app


@app.task(name="fault_tests.write_file")
def write_file(path: str, text: str) -> None:
    Path(path).write_text(text)


@app.task(name="fault_tests.attempt_then_wait")
def attempt_then_wait(attempts: str, release: str, done: str) -> None:
    """Notes each attempt (with the process that made it), then waits until the test lets it finish."""
    with Path(attempts).open("a") as file:
        file.write(f"{os.getpid()}\n")
    while not Path(release).exists():
        time.sleep(0.1)
    Path(done).write_text("done")
