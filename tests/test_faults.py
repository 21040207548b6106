"""Fault tolerance against the real PostgreSQL and Redis that ./dev test starts (it exports how to stop
and restart them): the database restarting under a running gunicorn, Redis down when someone asks for
background work, a Celery worker killed in the middle of a job."""

import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connections
from django.test import RequestFactory

from accounts.queue import QueueUnavailable, enqueue
from accounts.views import server_error
from tests.fault_tasks import attempt_then_wait, write_file

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent


def exported(name: str) -> str:
    value = os.environ.get(name)
    assert value is not None, f"{name} is not set: run the fault tests through ./dev test"
    return value


def wait_for(condition, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_environment(**extra) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "POSTGRES_DB": connections["default"].settings_dict["NAME"],
        **extra,
    }


# --- PostgreSQL --------------------------------------------------------------------------------------


class Postgres:
    def __init__(self):
        self.ctl, self.data, self.log = (
            exported("YJIS_PG_CTL"),
            exported("YJIS_PG_DATA"),
            exported("YJIS_PG_LOG"),
        )
        owner = os.environ.get("YJIS_PG_OWNER", "")
        self.as_owner = ["runuser", "-u", owner, "--"] if owner else []

    def _pg_ctl(self, *arguments, check=True):
        return subprocess.run(
            [*self.as_owner, self.ctl, "-D", self.data, *arguments],
            capture_output=True,
            text=True,
            check=check,
        )

    def running(self) -> bool:
        return self._pg_ctl("status", check=False).returncode == 0

    def stop(self):
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self):
        # restart reuses the options the server last started with (postmaster.opts): same port, same socket.
        self._pg_ctl("-w", "-t", "60", "-l", self.log, "restart")


@pytest.fixture
def postgres():
    server = Postgres()
    assert server.running()
    yield server
    if not server.running():
        server.start()
    connections.close_all()  # this process's connections died with the server


@pytest.fixture
def web_server(tmp_path):
    """gunicorn with the production gunicorn settings, one worker, on the test database."""
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env=app_environment(PORT=str(port), GUNICORN_WORKERS="1", POSTGRES_CONN_MAX_AGE="600"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"

    def answers():
        assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
        try:
            return get(url + "/health/")[0] == 200
        except OSError:
            return False

    try:
        wait_for(answers, "gunicorn to start")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def get(url: str, cookie: str = "") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_database_restarting_fails_requests_cleanly_then_they_recover(
    client, inspector, postgres, web_server
):
    client.force_login(inspector)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    status, html = get(web_server + "/", cookie)
    assert (status, "Your inspections" in html) == (200, True)

    postgres.stop()
    try:
        status, html = get(web_server + "/", cookie)
        assert status == 503
        assert "Sorry, the service is unavailable" in html
        assert "cannot reach its database" in html
        assert "Traceback" not in html and "OperationalError" not in html
        assert get(web_server + "/health/")[0] == 503
    finally:
        postgres.start()

    # The same gunicorn worker, whose kept-open connection died: the next request reconnects.
    status, html = get(web_server + "/", cookie)
    assert (status, "Your inspections" in html) == (200, True)
    assert get(web_server + "/health/") == (200, "ok")


# --- Redis and the Celery worker ----------------------------------------------------------------------


class Redis:
    def __init__(self):
        self.pidfile = Path(exported("YJIS_REDIS_PIDFILE"))
        self.command = shlex.split(exported("YJIS_REDIS_START"))
        self.client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2)

    def running(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis.ConnectionError:
            return False

    def stop(self):
        pid = int(self.pidfile.read_text())
        os.kill(pid, signal.SIGTERM)  # Redis saves its data on the way down, as `--save` asks

        def gone():
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            return False

        wait_for(gone, "Redis to stop")

    def start(self):
        subprocess.run(self.command, check=True, capture_output=True)
        wait_for(self.running, "Redis to start")


@pytest.fixture
def redis_server():
    server = Redis()
    assert server.running()
    yield server
    if not server.running():
        server.start()


@pytest.fixture
def start_worker(tmp_path):
    """Starts Celery workers (the project's settings, on a queue of the test's own) and stops them after."""
    queue = f"fault-tests-{uuid.uuid4().hex[:8]}"
    workers = []

    def start(pool: str = "solo", **environment) -> subprocess.Popen:
        log = (tmp_path / f"worker-{len(workers)}.log").open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                pool,
                "--concurrency",
                "1",
                "-Q",
                queue,
                "-I",
                "tests.fault_tasks",
                "-n",
                f"{queue}-{len(workers)}@%h",
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "INFO",
            ],
            cwd=ROOT,
            env=app_environment(**environment),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        workers.append((process, log))
        return process

    start.queue = queue
    yield start
    for process, log in workers:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def test_asking_for_background_work_while_redis_is_down(redis_server, start_worker, tmp_path):
    queue = start_worker.queue
    before, refused_then_repeated = tmp_path / "queued-before.txt", tmp_path / "repeated.txt"
    # Queued while Redis was up, before any worker took it.
    enqueue(write_file, args=(str(before), "queued before Redis went down"), queue=queue)

    redis_server.stop()
    try:
        outcome = {}

        def ask():
            try:
                enqueue(write_file, args=(str(refused_then_repeated), "first try"), queue=queue)
            except QueueUnavailable as exc:
                outcome["refused"] = exc

        asking = threading.Thread(target=ask)
        asking.start()
        asking.join(timeout=60)
        assert not asking.is_alive(), "asking for background work hung while Redis was down"
        message = str(outcome["refused"])
        assert "job queue is not answering" in message and "Nothing has been lost" in message
    finally:
        redis_server.start()

    start_worker()
    # The person repeats the request once Redis is back.
    enqueue(write_file, args=(str(refused_then_repeated), "repeated"), queue=queue)
    wait_for(refused_then_repeated.exists, "the repeated job to run")
    assert refused_then_repeated.read_text() == "repeated"
    # Nothing queued before the outage was lost.
    wait_for(before.exists, "the job queued before the outage to run")


def test_a_request_that_meets_the_queue_down_gets_the_503_page_in_words(rf: RequestFactory):
    try:
        raise QueueUnavailable()
    except QueueUnavailable:
        response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "job queue is not answering" in html and "Nothing has been lost" in html


def attempts_in(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def test_a_job_whose_worker_is_killed_runs_again_when_a_worker_starts(start_worker, tmp_path):
    """acks_late: the message stays unacknowledged in Redis while the job runs, so killing the whole worker
    (power cut, OOM kill, docker kill) loses nothing; a worker that starts after the visibility timeout
    takes the job again."""
    attempts, release, done = tmp_path / "attempts", tmp_path / "release", tmp_path / "done"
    short = {"CELERY_VISIBILITY_TIMEOUT_SECONDS": "3"}
    first = start_worker(**short)
    enqueue(attempt_then_wait, args=(str(attempts), str(release), str(done)), queue=start_worker.queue)
    wait_for(lambda: len(attempts_in(attempts)) == 1, "the first attempt to start")

    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    killed_at = time.monotonic()
    release.touch()
    wait_for(lambda: time.monotonic() - killed_at > 4, "the visibility timeout to pass")
    start_worker(**short)

    wait_for(done.exists, "the job to run again on the new worker", seconds=120)
    assert len(attempts_in(attempts)) == 2


def test_a_job_whose_worker_process_dies_is_given_to_the_next_process(start_worker, tmp_path):
    """reject_on_worker_lost: when the pool process running a job dies (the OOM killer), the worker puts the
    job back at once and its next process runs it."""
    attempts, release, done = tmp_path / "attempts", tmp_path / "release", tmp_path / "done"
    start_worker(pool="prefork")
    enqueue(attempt_then_wait, args=(str(attempts), str(release), str(done)), queue=start_worker.queue)
    wait_for(lambda: len(attempts_in(attempts)) == 1, "the first attempt to start")

    os.kill(int(attempts_in(attempts)[0]), signal.SIGKILL)
    release.touch()

    wait_for(done.exists, "the job to run again in a new pool process")
    first_process, second_process = attempts_in(attempts)
    assert first_process != second_process
