"""docker-compose.yml, the Dockerfile and .env.example, checked by reading them, and the pieces of them that
can run without Docker: collectstatic, gunicorn's settings, the health checks. The image and the stack are
built and run for real by ./dev deploy-check (deploy/deploy_check.py), which CI runs after the tests."""

import ast
import json
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
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING = ("db", "redis", "web", "worker", "beat")
OFFICIAL = {
    "PYTHON_IMAGE": "python:3.11-slim-bookworm",
    "NODE_IMAGE": "node:20-bookworm-slim",
    "POSTGRES_IMAGE": "postgres:15-bookworm",
    "REDIS_IMAGE": "redis:7-bookworm",
}


class ComposeLoader(yaml.SafeLoader):
    """Reads Compose's `!reset` tag (an override that empties a list) as the string "!reset"."""


ComposeLoader.add_constructor("!reset", lambda loader, node: "!reset")


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
    assert set(SERVICES) == {"db", "redis", "migrate", "web", "worker", "beat"}
    assert "gunicorn" in SERVICES["web"]["command"]
    assert SERVICES["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert SERVICES["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    assert "--schedule=/app/var/beat/schedule" in SERVICES["beat"]["command"]
    for name in APP_SERVICES:
        assert SERVICES[name]["build"]["context"] == "."


def test_base_images_are_variables_whose_defaults_are_the_official_images():
    assert SERVICES["db"]["image"] == "${POSTGRES_IMAGE:-postgres:15-bookworm}"
    assert SERVICES["redis"]["image"] == "${REDIS_IMAGE:-redis:7-bookworm}"
    for name in APP_SERVICES:
        args = SERVICES[name]["build"]["args"]
        assert args == {
            k: f"${{{k}:-{v}}}" for k, v in OFFICIAL.items() if k in ("PYTHON_IMAGE", "NODE_IMAGE")
        }
    assert re.findall(r"^ARG (\w+)=(.+)$", DOCKERFILE, flags=re.MULTILINE) == [
        ("NODE_IMAGE", OFFICIAL["NODE_IMAGE"]),
        ("PYTHON_IMAGE", OFFICIAL["PYTHON_IMAGE"]),
    ]
    assert re.findall(r"^FROM (\S+)", DOCKERFILE, flags=re.MULTILINE) == ["${NODE_IMAGE}", "${PYTHON_IMAGE}"]


def test_the_production_image_trusts_no_added_certificate_authority():
    """Only the stand-in base images (deploy/base-images) carry this machine's local CAs."""
    for word in ("ca-certificates", "NODE_EXTRA_CA_CERTS", "PIP_CERT", "local-ca"):
        assert word not in DOCKERFILE
    for name in ("python", "node", "postgres", "redis"):
        standin = (ROOT / "deploy" / "base-images" / f"{name}.Dockerfile").read_text()
        assert "update-ca-certificates" in standin and "NODE_EXTRA_CA_CERTS" in standin
        assert "PIP_CERT" in standin


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
    for name in ("web", "worker", "beat"):
        depends = SERVICES[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == depends["redis"]["condition"] == "service_healthy"
    assert SERVICES["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_data_lives_in_named_volumes():
    volumes = set(COMPOSE["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in SERVICES["db"]["volumes"]
    assert "redisdata:/data" in SERVICES["redis"]["volumes"]
    assert SERVICES["beat"]["volumes"] == ["beat:/app/var/beat"]
    for name in ("migrate", "web", "worker"):
        # The worker writes reports the web container serves: they share the media volume.
        assert "media:/app/var/media" in SERVICES[name]["volumes"]
        assert "backups:/app/var/backups" in SERVICES[name]["volumes"]
    mounted = {v.split(":")[0] for s in SERVICES.values() for v in s.get("volumes", [])}
    assert mounted <= volumes


def test_web_listens_only_on_the_host_s_loopback_for_the_tls_proxy():
    """The TLS proxy on the host is gunicorn's only client, so the one X-Forwarded-For entry the app trusts
    (DJANGO_TRUSTED_PROXY_COUNT=1) is always the proxy's."""
    assert SERVICES["web"]["ports"] == ["127.0.0.1:8000:8000"]
    assert not any("ports" in SERVICES[name] for name in ("db", "redis", "worker", "migrate", "beat"))
    assert env_example()["DJANGO_TRUSTED_PROXY_COUNT"] == "1"
    override = yaml.load((ROOT / "deploy" / "compose.deploy-check.yml").read_text(), Loader=ComposeLoader)
    assert override["services"]["web"]["ports"] == "!reset"
    assert override["x-host-app"]["environment"]["GUNICORN_BIND"] == "127.0.0.1:${CHECK_WEB_PORT:?}"
    for name, service in override["services"].items():
        assert service["network_mode"] == "host", name


def test_every_variable_the_settings_read_is_supplied():
    variables = settings_variables()
    assert {"DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "REDIS_URL", "EMAIL_HOST"} <= set(variables)
    example = env_example()
    for name in APP_SERVICES:
        service = SERVICES[name]
        assert service["env_file"] == "${ENV_FILE:-.env}"
        supplied = set(example) | set(service["environment"]) | dockerfile_env()
        missing = sorted(set(variables) - supplied)
        assert missing == [], f"{name} is not given {missing}"
    required = sorted(name for name, has_default in variables.items() if not has_default)
    for name in required:
        assert example.get(name) or name in SERVICES["web"]["environment"], f"{name} needs a value"
    # The database container creates the user and database the app connects with.
    assert SERVICES["db"]["env_file"] == "${ENV_FILE:-.env}"
    assert {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD"} <= set(example)


def test_env_example_holds_no_real_secret():
    for name, value in env_example().items():
        if any(word in name for word in ("SECRET", "PASSWORD")):
            assert value in ("", "change-me"), name
    ignored = (ROOT / ".gitignore").read_text().split()
    assert ".env" in ignored
    assert ".env" in (ROOT / ".dockerignore").read_text().split()


def test_the_dockerfile_installs_the_production_pins_and_weasyprint_s_libraries():
    assert "COPY requirements.txt /tmp/requirements.txt" in DOCKERFILE
    assert "pip install -r /tmp/requirements.txt" in DOCKERFILE and "requirements-dev" not in DOCKERFILE
    # The fonts of the development machines, so that the PDF draws the same glyphs (no .notdef boxes).
    assert "fonts-dejavu-core" in DOCKERFILE
    dev = (ROOT / "dev").read_text()
    run_packages = re.search(r"APT_RUN=\(([^)]*)\)", dev).group(1).split()
    system_packages = set(run_packages) - {"postgresql", "redis-server"}
    for package in system_packages | {"postgresql-client"}:
        assert re.search(rf"\s{re.escape(package)}(\s|$)", DOCKERFILE), package
    assert re.search(r"^USER app$", DOCKERFILE, flags=re.MULTILINE), "the app must not run as root"


def test_the_dockerfile_builds_the_static_files_with_the_npm_script_dev_uses():
    for step in ("npm ci", "npm run --silent build", "collectstatic --noinput"):
        assert step in DOCKERFILE, step
    dev = (ROOT / "dev").read_text()
    assert "npm run --silent build" in dev and "sass " not in dev
    scripts = json.loads((ROOT / "package.json").read_text())["scripts"]
    assert "static/scss/app.scss static/build/app.css" in scripts["build:css"]
    assert "govuk-frontend.min.js" in scripts["build:vendor"]
    assert "sass " not in DOCKERFILE


DEV_ONLY = ("pytest", "pytest-django", "playwright", "ruff", "hypothesis", "factory_boy", "faker")


def pins(name: str) -> dict[str, str]:
    lines = (ROOT / name).read_text().splitlines()
    return dict(line.lower().split("==") for line in lines if "==" in line and not line.startswith("#"))


def test_production_pins_hold_no_test_or_lint_tool_and_dev_installs_both():
    production, development = pins("requirements.txt"), pins("requirements-dev.txt")
    assert not set(DEV_ONLY) & set(production)
    assert set(DEV_ONLY) <= set(development)
    assert not set(production) & set(development), "each pin lives in one file"
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text().splitlines()
    assert '-r "$ROOT/requirements-dev.txt"' in (ROOT / "dev").read_text()


def test_the_image_leaves_out_tests_benchmarks_and_secrets():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (
        ".env",
        ".git",
        "var",
        "tests",
        "**/tests",
        "conftest.py",
        "bench",
        "deploy",
        "requirements-dev.txt",
    ):
        assert entry in ignored, entry
    assert re.search(r"^USER app$", DOCKERFILE, flags=re.MULTILINE)
    assert not re.search(r"^ENV .*(SECRET|PASSWORD)", DOCKERFILE, flags=re.MULTILINE)


def test_bench_is_not_an_installed_app_in_production():
    code = "from django.conf import settings; print('bench' in settings.INSTALLED_APPS)"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "EMAIL_HOST": "localhost",
        "DEFAULT_FROM_EMAIL": "x@localhost",
    }
    shell = [sys.executable, "-c", f"import django; django.setup(); {code}"]
    result = subprocess.run(shell, cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    assert subprocess.run(shell, cwd=ROOT, env=env, capture_output=True, text=True).stdout.strip() == "True"


def test_dev_run_starts_beat_beside_the_worker_with_its_schedule_under_var():
    dev = (ROOT / "dev").read_text()
    assert '"$VENV/bin/celery" -A config beat --loglevel=INFO --schedule="$VAR/beat/schedule"' in dev


def test_the_readme_deploys_as_deploy_check_does():
    readme = (ROOT / "README.md").read_text()
    deployment = readme.split("## Deployment", 1)[1]
    assert "createsuperuser" not in readme and "cron" not in deployment
    for words in (
        "create_administrator",
        "ADMIN_PASSWORD",
        "TLS",
        "DJANGO_TRUSTED_PROXY_COUNT=1",
        "backup",
        "restore",
        "beat",
        "./dev deploy-check",
    ):
        assert words in deployment, words


def test_the_beat_health_check_passes_once_beat_wrote_its_schedule(tmp_path, monkeypatch):
    monkeypatch.setenv("BEAT_SCHEDULE_DIR", str(tmp_path))
    assert healthcheck.beat() == 1
    (tmp_path / "schedule").write_bytes(b"")
    assert healthcheck.beat() == 1
    (tmp_path / "schedule").write_bytes(b"beat's shelve")
    assert healthcheck.beat() == 0


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
