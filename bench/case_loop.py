"""The case loop figure of ./dev bench: a court case taken from its task list to submitted in a real browser
(Debian's Chromium through Playwright, with JavaScript, as an inspector works), counting the page loads and the
requests on the way. The target is at most 8 page loads: the task list once, facts, 4 standards, check your
answers, and the page after submitting.

The browser follows the pages as a person would: on the task list it opens the first section not completed
(or "Check your answers and submit"), on a form page it answers every question and presses "Save and
continue", on "Check your answers" it submits. So the figure is what the pages make a person do.
"""

import os
import random
import secrets
import threading
import time

from django.db import transaction

from accounts.models import Role
from cases.models import Case, CaseStatus, Category, KeyQuestionAnswer, PromptAnswer
from inspections.models import Inspection, TeamMembership, TeamRole
from inspections.services import inspection_replacement

from . import generator
from .measure import BENCH_DOMAIN, HOST, Server, User, _user

LOOP_REFERENCE = "BENCH-LOOP"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FACTS = {
    "offence_group": "violence_against_the_person",
    "rosh_reasonable": "yes",
    "inspector_rosh": "medium",
    "safety_wellbeing_reasonable": "yes",
    "child_safety_factors": "yes",
    "others_safety_factors": "yes",
    "review_needed": "yes",
    "management_oversight": "sufficient",
    "case_manager_interviewed": "yes",
}
WSGI_APP = "bench.loop_wsgi:application"  # the app with its static files, so the page's JavaScript loads


def prepare_loop(password: str) -> tuple[Inspection, object, Case]:
    """A committed inspection of 14 cases; its first court case empty and allocated to a new inspector."""
    delete_loop()
    with transaction.atomic():
        inspection = generator.create_inspection(
            generator.templates(),
            reference=LOOP_REFERENCE,
            service_name="Benchmark case loop service",
            size=generator.SMALLEST,
            rng=random.Random(0),
            status=CaseStatus.NOT_STARTED,
            panel_share=0,
        )
        case = inspection.cases.filter(category=Category.COURT).order_by("pk").first()
        KeyQuestionAnswer.objects.filter(case=case).delete()
        PromptAnswer.objects.filter(case=case).delete()
        user = _user(300, Role.INSPECTOR)
        user.set_password(password)
        user.is_active = True
        user.save()
        TeamMembership.objects.create(inspection=inspection, user=user, role=TeamRole.INSPECTOR)
        case.inspector = user
        case.save(update_fields=["inspector"])
    return inspection, user, case


def delete_loop() -> None:
    with transaction.atomic():
        for inspection in Inspection.objects.filter(reference=LOOP_REFERENCE):
            service = inspection.service
            with inspection_replacement(reason="benchmark case loop inspection deleted"):
                inspection.delete()
            if not service.inspections.exists():
                service.delete()
        # The simulated inspector keeps no way in once the run is over.
        for user in User.objects.filter(email__endswith=BENCH_DOMAIN, is_active=True):
            user.set_unusable_password()
            user.is_active = False
            user.save()


def _wait_for_saves(page) -> None:
    page.wait_for_function(
        "() => ![...document.querySelectorAll('[data-status], #facts-status')]"
        ".some(s => s.textContent.startsWith('Saving'))"
    )


def _answer_facts(page) -> None:
    for name, value in FACTS.items():
        choice = page.locator(f"input[name={name}][value={value}]")
        if choice.count():
            choice.check()
            _wait_for_saves(page)


def _answer_standard(page) -> None:
    for row in page.locator("[data-row]").all():
        if row.get_attribute("data-row") == "prompt":
            row.locator("input[type=radio][value=yes]").check()
        else:
            row.locator("input[name$='-value'][value=yes]").check()
            rationale = row.locator("textarea[name$='-rationale']")
            rationale.fill(f"Rationale for {row.get_attribute('data-code')}.")
            rationale.blur()
        _wait_for_saves(page)


def in_own_thread(function, *args):
    """Runs `function` in a thread of its own and returns what it returns (or raises what it raised):
    Playwright's sync API refuses a thread whose asyncio loop is running (as it is under a test session that
    already drives a browser)."""
    outcome = {}

    def run():
        try:
            outcome["result"] = function(*args)
        except BaseException as error:  # handed back to the caller's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, name="bench-case-loop")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def drive(base: str, email: str, password: str, case_url: str, limit: int = 40) -> dict:
    """Takes the case from its task list to submitted in Chromium; returns the counts."""
    from playwright.sync_api import sync_playwright

    counts = {"page_loads": 0, "document_requests": 0, "save_requests": 0, "requests": 0}
    pages_seen = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            context = browser.new_context(base_url=base)
            context.set_default_timeout(30_000)
            page = context.new_page()
            page.goto(f"/accounts/sign-in/?next={case_url}")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"**{case_url}")
            counting = {"on": False}

            def on_request(request):
                if not counting["on"]:
                    return
                counts["requests"] += 1
                if request.resource_type == "document":
                    counts["document_requests"] += 1
                elif request.resource_type in ("fetch", "xhr"):
                    counts["save_requests"] += 1

            def on_navigated(frame):
                if counting["on"] and frame == page.main_frame:
                    counts["page_loads"] += 1
                    pages_seen.append(frame.url.removeprefix(base))

            page.on("request", on_request)
            page.on("framenavigated", on_navigated)
            started = time.perf_counter()
            counting["on"] = True
            page.goto(case_url)
            submitted = False
            for _ in range(limit):
                path = page.url.removeprefix(base)
                if path.rstrip("/") == case_url.rstrip("/"):
                    if submitted:
                        break
                    # The task list: the first section not completed, else check your answers.
                    todo = page.locator(
                        ".govuk-task-list__item:not(:has(.govuk-task-list__status:text-is('Completed'))) a"
                    )
                    with page.expect_navigation():
                        todo.first.click()
                elif "/facts/" in path:
                    _answer_facts(page)
                    with page.expect_navigation():
                        page.get_by_role("button", name="Save and continue").click()
                elif "/standards/" in path:
                    _answer_standard(page)
                    with page.expect_navigation():
                        page.get_by_role("button", name="Save and continue").click()
                elif "/check/" in path:
                    with page.expect_navigation():
                        page.get_by_role("button", name="Submit for quality assurance").click()
                    submitted = True
                    if page.url.removeprefix(base).rstrip("/") != case_url.rstrip("/"):
                        break
                else:
                    raise RuntimeError(f"The case loop reached an unexpected page: {path}")
            elapsed = time.perf_counter() - started
        finally:
            browser.close()
    return {**counts, "seconds": round(elapsed, 1), "pages": pages_seen, "submitted": submitted}


def case_loop_run() -> dict:
    """The figure: page loads and requests from opening a court case to submitting it."""
    password = secrets.token_urlsafe(16)
    inspection, user, case = prepare_loop(password)
    case_url = f"/inspections/{inspection.reference}/cases/{case.pk}/"
    try:
        with Server(workers=2, app=WSGI_APP) as server:
            result = in_own_thread(drive, f"http://{HOST}:{server.port}", user.email, password, case_url)
        case.refresh_from_db()
        result["status"] = case.status
    finally:
        delete_loop()
    result["target_page_loads"] = 8
    return result
