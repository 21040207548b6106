"""The measurements of ./dev bench. Each returns a plain dict of figures (seconds are reported as ms)."""

import http.cookiejar
import json
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User
from cases.models import Case, CaseStatus, PromptAnswer
from inspections.models import Inspection, TeamMembership, TeamRole
from inspections.services import inspection_replacement
from ratings.selectors import inspection_ratings_get

from . import generator

HOST = "127.0.0.1"  # the load generator never talks to anything else
LOAD_REFERENCE = "BENCH-LOAD"
BENCH_DOMAIN = "@bench.invalid"  # a reserved domain: no mail ever reaches anyone
BENCH_EMAIL = "bench-{n}" + BENCH_DOMAIN


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def p95(values: list[float]) -> float:
    return percentile(values, 95)


def percentile(values: list[float], n: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(n / 100 * (len(ordered) - 1)))]


# --- ratings --------------------------------------------------------------------------------------------
def ratings_timing(inspection: Inspection, *, runs: int = 50) -> dict:
    """inspection_ratings_get (aggregation in the database + the rules) for one inspection, `runs` times."""
    inspection_ratings_get(inspection)  # warm up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        inspection_ratings_get(inspection)
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        inspection_ratings_get(inspection)
    return {
        "inspection": inspection.reference,
        "cases": inspection.cases.count(),
        "inspections_loaded": Inspection.objects.count(),
        "runs": runs,
        "median_ms": ms(statistics.median(times)),
        "p95_ms": ms(p95(times)),
        "queries": len(queries),
    }


# --- query counts -----------------------------------------------------------------------------------------
def _user(n: int, role: str) -> User:
    user, _ = User.objects.get_or_create(
        email=BENCH_EMAIL.format(n=n), defaults={"role": role, "first_name": "Bench", "last_name": str(n)}
    )
    return user


def _prompt_to_flip(case: Case) -> PromptAnswer:
    return (
        PromptAnswer.objects.filter(case=case, value__in=["yes", "no"])
        .select_related("prompt__key_question__standard")
        .order_by("prompt__code")
        .first()
    )


def page_queries(inspection: Inspection) -> dict:
    """Queries of each page for one inspection, through Django's test client; every write is rolled back."""
    counts = {}
    with transaction.atomic():
        inspector, lead, panel = (
            _user(0, Role.INSPECTOR),
            _user(1, Role.LEAD_INSPECTOR),
            _user(2, Role.PANEL_MEMBER),
        )
        TeamMembership.objects.get_or_create(
            inspection=inspection, user=panel, defaults={"role": TeamRole.PANEL}
        )
        TeamMembership.objects.get_or_create(
            inspection=inspection, user=inspector, defaults={"role": TeamRole.INSPECTOR}
        )
        TeamMembership.objects.get_or_create(
            inspection=inspection, user=lead, defaults={"role": TeamRole.LEAD}
        )
        case = inspection.cases.order_by("pk").first()
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.IN_PROGRESS, inspector=inspector)
        answer = _prompt_to_flip(case)
        standard = answer.prompt.key_question.standard.code
        client = Client(HTTP_HOST=HOST)
        ref = inspection.reference

        def count(name, method, url, user, **kwargs):
            client.force_login(user)
            getattr(client, method)(url, **kwargs)  # warm up (caches, first session write)
            with CaptureQueriesContext(connection) as queries:
                response = getattr(client, method)(url, **kwargs)
            if response.status_code != 200:
                raise RuntimeError(f"{name} of {ref} answered {response.status_code}")
            counts[name] = len(queries)

        count(
            "standard_page",
            "get",
            reverse("cases:standard", kwargs={"reference": ref, "case_id": case.pk, "code": standard}),
            inspector,
        )
        autosave = reverse("cases:autosave", kwargs={"reference": ref, "case_id": case.pk})
        value = answer.value
        version = answer.version
        for _ in range(2):  # warm-up save, then the counted one, each flipping the answer
            value = "no" if value == "yes" else "yes"
            client.force_login(inspector)
            change = {
                "kind": "prompt",
                "code": answer.prompt.code,
                "version": version,
                "fields": {"value": value},
            }
            with CaptureQueriesContext(connection) as queries:
                response = client.post(autosave, json.dumps(change), content_type="application/json")
            if response.status_code != 200:
                raise RuntimeError(f"saving an answer in {ref} answered {response.status_code}")
            version = response.json()["version"]
        counts["save_answer"] = len(queries)
        count("ratings_page", "get", reverse("ratings:ratings", kwargs={"reference": ref}), lead)
        count("panel_page", "get", reverse("ratings:panel", kwargs={"reference": ref}), panel)
        transaction.set_rollback(True)
    return counts


def query_counts(small: Inspection, large: Inspection) -> dict:
    figures = {"small": {"inspection": small.reference, "cases": small.cases.count(), **page_queries(small)}}
    figures["large"] = {"inspection": large.reference, "cases": large.cases.count(), **page_queries(large)}
    pages = ("standard_page", "save_answer", "ratings_page", "panel_page")
    figures["equal"] = {page: figures["small"][page] == figures["large"][page] for page in pages}
    return figures


# --- answer saves under load ----------------------------------------------------------------------------
def child_env() -> dict:
    """The environment of a server or worker process: the database this process uses (under pytest, the test
    database), whatever the environment names."""
    return {**os.environ, "POSTGRES_DB": connection.settings_dict["NAME"]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn as deployed (config/gunicorn.py) but on 127.0.0.1 and a free port; stopped on exit."""

    def __init__(self, workers: int, app: str = "config.wsgi"):
        self.port = free_port()
        self.workers = workers
        self.app = app  # bench.wsgi adds the floor endpoint (bench.floor) to the application's URLs

    def __enter__(self):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        log_path = Path(settings.BASE_DIR) / "var" / "log" / "bench-gunicorn.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                self.app,
                "--config",
                "config/gunicorn.py",
                "--bind",
                f"{HOST}:{self.port}",
                "--workers",
                str(self.workers),
                "--access-logfile",
                "-",
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env=child_env(),
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://{HOST}:{self.port}/accounts/sign-in/", timeout=2).read()
                return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start: see var/log/bench-gunicorn.log")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def prepare_load(inspectors: int, password: str, seed: int = 0) -> tuple[Inspection, list[tuple[User, Case]]]:
    """A committed inspection of 91 cases in progress, one case allocated to each simulated inspector."""
    delete_load()
    t = generator.templates()
    with transaction.atomic():
        inspection = generator.create_inspection(
            t,
            reference=LOAD_REFERENCE,
            service_name="Benchmark load service",
            size=generator.LARGEST,
            rng=random.Random(seed),
            status=CaseStatus.IN_PROGRESS,
        )
        pairs = []
        for n, case in enumerate(inspection.cases.order_by("pk")[:inspectors], start=100):
            user = _user(n, Role.INSPECTOR)
            user.set_password(password)
            user.is_active = True
            user.save()
            TeamMembership.objects.create(inspection=inspection, user=user, role=TeamRole.INSPECTOR)
            case.inspector = user
            case.save(update_fields=["inspector"])
            pairs.append((user, case))
    return inspection, pairs


def delete_load() -> None:
    with transaction.atomic():
        for inspection in Inspection.objects.filter(reference=LOAD_REFERENCE):
            service = inspection.service
            with inspection_replacement(reason="benchmark load inspection deleted"):
                inspection.delete()
            if not service.inspections.exists():
                service.delete()
        # The simulated inspectors keep no way in once the run is over.
        for user in User.objects.filter(email__endswith=BENCH_DOMAIN, is_active=True):
            user.set_unusable_password()
            user.is_active = False
            user.save(update_fields=["password", "is_active"])


class SimulatedInspector(threading.Thread):
    """Signs in, then saves answers to its own case for `deadline_s`.

    Closed loop (mean_gap_s None): the next save as soon as the last is answered, so K of them saturate the
    server (throughput). Open loop: saves arrive at random (Poisson: exponential gaps of mean_gap_s mean),
    whatever the server does; a save's latency runs from the moment it was due, so a save that had to wait
    for the one before counts that wait (no coordinated omission). `path` is the save URL (default: the
    application's autosave)."""

    def __init__(
        self,
        base: str,
        reference: str,
        user: User,
        password: str,
        case: Case,
        deadline_s: float,
        *,
        mean_gap_s: float | None = None,
        path: str | None = None,
    ):
        super().__init__(daemon=True)
        self.mean_gap_s = mean_gap_s
        self.path = path
        self.base, self.reference, self.user, self.password, self.case = base, reference, user, password, case
        self.duration = deadline_s
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.acknowledged: dict[
            str, tuple[str, int]
        ] = {}  # prompt code -> (value, version) last acknowledged
        self.changed = 0
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.signed_in = threading.Event()
        self.go = threading.Event()

    def csrf(self) -> str:
        return next((c.value for c in self.cookies if c.name == settings.CSRF_COOKIE_NAME), "")

    def sign_in(self) -> None:
        url = f"{self.base}/accounts/sign-in/"
        page = self.opener.open(url, timeout=30).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": self.user.email, "password": self.password}
        ).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": url})
        self.opener.open(request, timeout=60).read()
        if not any(c.name == settings.SESSION_COOKIE_NAME for c in self.cookies):
            raise RuntimeError(f"{self.user.email} could not sign in")

    def run(self) -> None:
        try:
            self.sign_in()
        except Exception as error:
            self.errors.append(f"sign-in: {error}")
            self.signed_in.set()
            return
        self.signed_in.set()
        self.go.wait()
        answers = dict(
            PromptAnswer.objects.filter(case=self.case, value__in=["yes", "no"]).values_list(
                "prompt__code", "value"
            )
        )
        versions = dict.fromkeys(answers, 1)
        url = self.base + (self.path or f"/inspections/{self.reference}/cases/{self.case.pk}/autosave/")
        rng = random.Random(self.case.pk)
        codes = sorted(answers)
        end = time.monotonic() + self.duration
        due = time.perf_counter()
        while time.monotonic() < end:
            if self.mean_gap_s is not None:
                due += rng.expovariate(1 / self.mean_gap_s)
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                if time.monotonic() >= end:
                    break
            code = rng.choice(codes)
            value = "no" if answers[code] == "yes" else "yes"
            body = json.dumps(
                {"kind": "prompt", "code": code, "version": versions[code], "fields": {"value": value}}
            )
            request = urllib.request.Request(
                url,
                data=body.encode(),
                headers={"Content-Type": "application/json", "X-CSRFToken": self.csrf(), "Referer": url},
            )
            started = due if self.mean_gap_s is not None else time.perf_counter()
            try:
                with self.opener.open(request, timeout=30) as response:
                    saved = json.loads(response.read())
            except (urllib.error.URLError, OSError, ValueError) as error:
                self.errors.append(str(error))
                continue
            finally:
                self.latencies.append(time.perf_counter() - started)
            answers[code], versions[code] = value, saved["version"]
            self.acknowledged[code] = (value, saved["version"])
            self.changed += bool(saved["changed"])
        from django.db import connection as thread_connection

        thread_connection.close()


def load_run(k: int, *, seconds: float, workers: int) -> dict:
    """K simulated inspectors, each signed in, saving answers to their own case for `seconds`."""
    password = secrets.token_urlsafe(16)
    inspection, pairs = prepare_load(k, password)
    try:
        with Server(workers) as server:
            base = f"http://{HOST}:{server.port}"
            threads = [
                SimulatedInspector(base, inspection.reference, u, password, c, seconds) for u, c in pairs
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.signed_in.wait(120)
            started_db = _db_now()
            started = time.perf_counter()
            for thread in threads:
                thread.go.set()
            for thread in threads:
                thread.join(seconds + 60)
            elapsed = time.perf_counter() - started
        latencies = [t for thread in threads for t in thread.latencies]
        errors = [e for thread in threads for e in thread.errors]
        acknowledged = sum(len(thread.latencies) for thread in threads) - len(errors)
        lost = _lost(threads, started_db)
    finally:
        delete_load()
    return {
        "inspectors": k,
        "workers": workers,
        "seconds": round(elapsed, 1),
        "saves_acknowledged": acknowledged,
        "throughput_per_s": round(acknowledged / elapsed, 1) if elapsed else 0,
        "median_ms": ms(statistics.median(latencies)) if latencies else None,
        "p95_ms": ms(p95(latencies)) if latencies else None,
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:3],
        "lost": lost,
    }


def open_loop_run(k: int, *, seconds: float, workers: int, mean_gap_s: float = 2.0) -> dict:
    """K inspectors each saving at random, on average every `mean_gap_s` (about five times a real typing
    pace), through the application's autosave and then through the floor endpoint (bench.floor: the same
    database writes behind the same session and authentication middleware), on one server. Our save's cost
    is given as a ratio to the floor's."""
    password = secrets.token_urlsafe(16)
    runs = {}
    with Server(workers, app="bench.wsgi") as server:
        base = f"http://{HOST}:{server.port}"
        for name in ("application", "floor"):
            inspection, pairs = prepare_load(k, password)
            try:
                threads = [
                    SimulatedInspector(
                        base,
                        inspection.reference,
                        u,
                        password,
                        c,
                        seconds,
                        mean_gap_s=mean_gap_s,
                        path=f"/bench-floor/{c.pk}/" if name == "floor" else None,
                    )
                    for u, c in pairs
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.signed_in.wait(120)
                started = time.perf_counter()
                for thread in threads:
                    thread.go.set()
                for thread in threads:
                    thread.join(seconds + 60)
                elapsed = time.perf_counter() - started
                latencies = [t for thread in threads for t in thread.latencies]
                errors = [e for thread in threads for e in thread.errors]
                runs[name] = {
                    "seconds": round(elapsed, 1),
                    "saves": len(latencies),
                    "rate_per_s": round(len(latencies) / elapsed, 1) if elapsed else 0,
                    "p50_ms": ms(percentile(latencies, 50)) if latencies else None,
                    "p95_ms": ms(percentile(latencies, 95)) if latencies else None,
                    "p99_ms": ms(percentile(latencies, 99)) if latencies else None,
                    "errors": len(errors),
                    "error_examples": sorted(set(errors))[:3],
                    "lost": _lost(threads),
                }
            finally:
                delete_load()
    ours, floor = runs["application"], runs["floor"]
    return {
        "inspectors": k,
        "workers": workers,
        "mean_gap_s": mean_gap_s,
        **ours,
        "target": "p95 < 150 ms, 0 lost",
        "target_met": bool(ours["p95_ms"] is not None and ours["p95_ms"] < 150 and ours["lost"] == 0),
        "floor": floor,
        "ratio_p50": round(ours["p50_ms"] / floor["p50_ms"], 2)
        if ours["p50_ms"] and floor["p50_ms"]
        else None,
        "ratio_p95": round(ours["p95_ms"] / floor["p95_ms"], 2)
        if ours["p95_ms"] and floor["p95_ms"]
        else None,
    }


def _db_now():
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        return cursor.fetchone()[0]


def _lost(threads, since=None) -> int:
    """Acknowledged saves missing from the database: a final value or version that differs from the last one
    acknowledged. (History records editing bursts, not saves: each thread is one person on its own case, so
    its saves are one burst and add no history row; cases/tests/test_history.py checks the history.)"""
    lost = 0
    for thread in threads:
        stored = {
            code: (value, version)
            for code, value, version in PromptAnswer.objects.filter(case=thread.case).values_list(
                "prompt__code", "value", "version"
            )
        }
        lost += sum(1 for code, ack in thread.acknowledged.items() if stored.get(code) != ack)
    return lost


# --- report and exports (in a subprocess each, for its peak memory) ---------------------------------------
def in_subprocess(kind: str, **options) -> dict:
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench", "--worker", kind]
    for name, value in options.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=1800, cwd=settings.BASE_DIR, env=child_env()
    )
    if result.returncode != 0:
        raise RuntimeError(f"the {kind} worker failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def peak_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def report_worker(reference: str, runs: int) -> dict:
    import io

    from pypdf import PdfReader

    from reports.edition import edition_bytes
    from reports.pdf import html_to_pdf, report_html
    from reports.selectors import report_snapshot

    inspection = Inspection.objects.get(reference=reference)
    html_to_pdf(report_html(report_snapshot(inspection), for_pdf=True))  # warm up fonts and caches
    totals, alone, context_s, html_s = [], [], [], []
    for _ in range(runs):
        started = time.perf_counter()
        snapshot = report_snapshot(inspection)
        built = time.perf_counter()
        document = report_html(snapshot, for_pdf=True)
        laid_out = time.perf_counter()
        pdf = html_to_pdf(document)
        done = time.perf_counter()
        totals.append(done - started)
        context_s.append(built - started)
        html_s.append(laid_out - built)
        started = time.perf_counter()
        html_to_pdf(document)
        alone.append(time.perf_counter() - started)
    total, weasy = statistics.median(totals), statistics.median(alone)
    # The HTML edition, from the snapshot to its bytes (the same builder, no layout engine).
    edition_s = []
    for _ in range(runs):
        started = time.perf_counter()
        edition = edition_bytes(report_snapshot(inspection))
        edition_s.append(time.perf_counter() - started)
    return {
        "inspection": reference,
        "runs": runs,
        "context_ms": ms(statistics.median(context_s)),
        "html_ms": ms(statistics.median(html_s)),
        "total_ms": ms(total),
        "weasyprint_alone_ms": ms(weasy),
        "ratio": round(total / weasy, 2),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "pdf_bytes": len(pdf),
        "edition_ms": ms(statistics.median(edition_s)),
        "edition_bytes": len(edition),
        "peak_rss_mb": peak_rss_mb(),
    }


def export_worker(prefix: str) -> dict:
    """The CSV and XLSX of every generated inspection's figures, one inspection at a time."""
    from reports import exports
    from reports.selectors import export_snapshot

    csv_s = xlsx_s = 0.0
    csv_bytes = xlsx_bytes = 0
    references = list(
        Inspection.objects.filter(reference__startswith=prefix)
        .order_by("reference")
        .values_list("reference", flat=True)
    )
    for reference in references:
        inspection = Inspection.objects.get(reference=reference)
        started = time.perf_counter()
        data = export_snapshot(inspection)
        csv_bytes += len(exports.to_csv(data))
        built_csv = time.perf_counter()
        data = export_snapshot(inspection)
        xlsx_bytes += len(exports.to_xlsx(data))
        csv_s += built_csv - started
        xlsx_s += time.perf_counter() - built_csv
    return {
        "inspections": len(references),
        "csv_ms": ms(csv_s),
        "xlsx_ms": ms(xlsx_s),
        "csv_bytes": csv_bytes,
        "xlsx_bytes": xlsx_bytes,
        "peak_rss_mb": peak_rss_mb(),
    }
