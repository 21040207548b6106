"""A real Celery worker for the integration and browser tests of the report."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

# The fault tests' fixture that stops and starts ./dev test's Redis (for the queue-down test here), and the
# environment their workers run in (the test database).
from tests.test_faults import app_environment, redis_server  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]


class Worker:
    """`celery -A config worker` in a subprocess, against the test database and ./dev test's Redis."""

    def __init__(self, log: Path, *, preexec_fn=None, **environment):
        self.log = log
        self.process = None
        self.preexec_fn = preexec_fn
        self.environment = environment

    def start(self):
        self.handle = self.log.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--concurrency=1",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=app_environment(**self.environment),
            preexec_fn=self.preexec_fn,
            stdout=self.handle,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while "ready." not in self.log.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"The Celery worker did not start:\n{self.log.read_text(errors='replace')[-3000:]}"
                )
            time.sleep(0.2)

    def children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.handle.close()


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    worker = Worker(tmp_path / "worker.log")
    worker.start()
    yield worker
    worker.stop()


def wait_for(condition, *, timeout: float = 180, every: float = 0.2, what: str = "the condition"):
    """Polls until `condition()` is true; the timeout only stops a broken test from hanging."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"Gave up waiting for {what}.")
        time.sleep(every)
