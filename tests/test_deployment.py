"""docker-compose.yml, the Dockerfile and .env.example, checked by reading them (Docker cannot run on the
development machines), and the pieces of them that can run here: collectstatic, gunicorn's settings, the
health check."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from config import healthcheck

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
APP_SERVICES = ("migrate", "web", "worker")
LONG_RUNNING = ("db", "redis", "web", "worker")


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def settings_variables() -> dict[str, bool]:
    """Every environment variable the production settings read ({name: has a default}), found by reading
    config/settings/base.py and prod.py for env(...), env_list(...) and os.environ.get(...) calls."""
    found = {}
    for module in ("base.py", "prod.py"):
        tree = ast.parse((ROOT / "config" / "settings" / module).read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant):
                continue
            function = node.func
            called = function.id if isinstance(function, ast.Name) else ast.unparse(function)
            if called in ("env", "env_list", "os.environ.get", "os.getenv"):
                has_default = called != "env" or len(node.args) > 1
                name = node.args[0].value
                found[name] = found.get(name, True) and has_default
    return found


def dockerfile_env() -> set[str]:
    final_stage = DOCKERFILE.split("\nFROM ")[-1]
    names = set()
    for block in re.findall(r"^ENV ((?:.*\\\n)*.*)$", final_stage, flags=re.MULTILINE):
        names |= set(re.findall(r"([A-Z_][A-Z0-9_]*)=", block))
    return names


def test_the_services_and_their_images():
    assert set(SERVICES) == {"db", "redis", "migrate", "web", "worker"}
    assert SERVICES["db"]["image"].startswith("postgres:15")
    assert SERVICES["redis"]["image"].startswith("redis:")
    assert "gunicorn" in SERVICES["web"]["command"]
    assert SERVICES["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    for name in APP_SERVICES:
        assert SERVICES[name]["build"] == "."


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_services_have_a_health_check_and_restart(name):
    service = SERVICES[name]
    assert service["restart"] in ("always", "unless-stopped")
    check = service["healthcheck"]
    assert check["test"][0] in ("CMD", "CMD-SHELL") and len(check["test"]) > 1
    assert {"interval", "timeout", "retries"} <= set(check)


def test_migrations_run_once_before_web_and_worker():
    assert SERVICES["migrate"]["restart"] == "no"
    assert "migrate --noinput" in " ".join(SERVICES["migrate"]["command"])
    for name in ("web", "worker"):
        depends = SERVICES[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == depends["redis"]["condition"] == "service_healthy"
    assert SERVICES["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_data_lives_in_named_volumes():
    volumes = set(COMPOSE["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["db"]["volumes"]
    assert "redisdata:/data" in SERVICES["redis"]["volumes"]
    for name in APP_SERVICES:
        # The worker writes reports the web container serves: they share the media volume.
        assert "media:/app/var/media" in SERVICES[name]["volumes"]
        assert "backups:/app/var/backups" in SERVICES[name]["volumes"]
    mounted = {v.split(":")[0] for s in SERVICES.values() for v in s.get("volumes", [])}
    assert mounted <= volumes


def test_web_listens_only_on_the_host_s_loopback_for_the_tls_proxy():
    assert SERVICES["web"]["ports"] == ["127.0.0.1:8000:8000"]
    assert not any("ports" in SERVICES[name] for name in ("db", "redis", "worker", "migrate"))


def test_every_variable_the_settings_read_is_supplied():
    variables = settings_variables()
    assert {"DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "REDIS_URL", "EMAIL_HOST"} <= set(variables)
    example = env_example()
    for name in APP_SERVICES:
        service = SERVICES[name]
        assert service["env_file"] == ".env"
        supplied = set(example) | set(service["environment"]) | dockerfile_env()
        missing = sorted(set(variables) - supplied)
        assert missing == [], f"{name} is not given {missing}"
    required = sorted(name for name, has_default in variables.items() if not has_default)
    for name in required:
        assert example.get(name) or name in SERVICES["web"]["environment"], f"{name} needs a value"
    # The database container creates the user and database the app connects with.
    assert SERVICES["db"]["env_file"] == ".env"
    assert {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"} <= set(example)


def test_env_example_holds_no_real_secret():
    for name, value in env_example().items():
        if any(word in name for word in ("SECRET", "PASSWORD")):
            assert value in ("", "change-me"), name
    ignored = (ROOT / ".gitignore").read_text().split()
    assert ".env" in ignored
    assert ".env" in (ROOT / ".dockerignore").read_text().split()


def test_the_dockerfile_installs_the_pinned_requirements_and_weasyprint_s_libraries():
    assert re.search(r"^FROM python:3\.11", DOCKERFILE, flags=re.MULTILINE)
    assert "COPY requirements.txt" in DOCKERFILE and "pip install -r requirements.txt" in DOCKERFILE
    dev = (ROOT / "dev").read_text()
    run_packages = re.search(r"APT_RUN=\(([^)]*)\)", dev).group(1).split()
    system_packages = set(run_packages) - {"postgresql", "redis-server"}
    for package in system_packages | {"postgresql-client"}:
        assert re.search(rf"\s{re.escape(package)}(\s|$)", DOCKERFILE), package
    assert re.search(r"^USER app$", DOCKERFILE, flags=re.MULTILINE), "the app must not run as root"


def test_the_dockerfile_builds_the_static_files_as_dev_does():
    for step in (
        "npm ci",
        "govuk-frontend.min.js",
        "static/scss/app.scss static/build/app.css",
        "collectstatic --noinput",
    ):
        assert step in DOCKERFILE, step
    dev = (ROOT / "dev").read_text()
    assert "static/scss/app.scss static/build/app.css" in dev and "govuk-frontend.min.js" in dev


def test_collectstatic_with_the_production_storage_finds_every_file_the_css_needs(tmp_path):
    """What the Dockerfile runs: the manifest storage fails on any url() in the CSS that does not exist."""
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "DJANGO_ALLOWED_HOSTS": "localhost",
            "EMAIL_HOST": "localhost",
            "DEFAULT_FROM_EMAIL": "build@localhost",
            "STATIC_ROOT": str(tmp_path),
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "build/app.css" in manifest and "js/app.mjs" in manifest
    assert list(tmp_path.glob("build/app.*.css.gz"))


def test_gunicorn_accepts_its_settings():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "--config", "config/gunicorn.py", "config.wsgi"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db(transaction=True)
def test_the_web_health_check_passes_only_when_the_app_answers(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
    monkeypatch.setenv("PORT", str(live_server.thread.port))
    assert healthcheck.main() == 0
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "not-allowed.example.org")
    assert healthcheck.main() == 1
