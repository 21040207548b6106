"""Pages of case assessment: my cases, progress, a case's task list, facts, standards, check and submit,
quality assurance and history. Thin: each parses, calls one service or selector, and renders."""

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from inspections.selectors import inspection_get_for

from . import services
from .case_panels import case_panels_for
from .forms import CaseFactsForm, ReviewForm, StandardForm, SubmitForm
from .presenters import conflict_display, facts_summary, judgements_summary, problem_links
from .selectors import (
    HISTORY_PAGE_SIZE,
    case_assessment,
    case_events,
    case_get_for,
    cases_allocated_to,
    history_changes,
    inspection_progress,
)
from .services import StaleAnswer
from .unsaved import forget_unsaved, keep_unsaved, offer_unsaved


class InspectionMixin(LoginRequiredMixin):
    """Signed-in team members only; anyone else gets 404 for the inspection, so it is not revealed."""

    # A POST that arrives after the session has ended is kept, and offered back after signing in again.
    keeps_unsaved_posts = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.inspection = inspection_get_for(request.user, kwargs["reference"])
        self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs) -> None:
        """Fetches what the page is about, raising Http404 or PermissionDenied."""

    def handle_no_permission(self):
        if (
            self.request.method == "POST"
            and self.keeps_unsaved_posts
            and not self.request.user.is_authenticated
        ):
            keep_unsaved(self.request)
        return super().handle_no_permission()

    def get_context_data(self, **kwargs):
        return super().get_context_data(inspection=self.inspection, **kwargs)


class CaseMixin(InspectionMixin):
    def load(self, **kwargs) -> None:
        self.case = case_get_for(inspection=self.inspection, case_id=kwargs["case_id"])

    @property
    def can_edit(self) -> bool:
        return (
            self.case.is_editable
            and not self.inspection.is_published
            and self.request.user.has_perm("cases.assess_case", self.case)
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, can_edit=self.can_edit, **kwargs)

    def case_url(self, name: str, **kwargs) -> str:
        return reverse(
            f"cases:{name}",
            kwargs={"reference": self.inspection.reference, "case_id": self.case.pk, **kwargs},
        )


class CaseChangeMixin(CaseMixin):
    """Pages that change the case: a write to a case the user may not change now is refused with the reason."""

    keeps_unsaved_posts = True

    def post(self, request, *args, **kwargs):
        services.refuse_if_read_only(case=self.case, user=request.user)
        return self.save(request)


class MyCasesView(InspectionMixin, TemplateView):
    template_name = "cases/my_cases.html"

    def get_context_data(self, **kwargs):
        cases = cases_allocated_to(user=self.request.user, inspection=self.inspection)
        return super().get_context_data(cases=cases, **kwargs)


class ProgressView(InspectionMixin, TemplateView):
    template_name = "cases/progress.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            progress=inspection_progress(self.inspection),
            can_review=not self.inspection.is_published
            and self.request.user.has_perm("inspections.quality_assure", self.inspection),
            **kwargs,
        )


class TaskListView(CaseMixin, TemplateView):
    template_name = "cases/task_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            assessment=case_assessment(self.case),
            can_review=not self.inspection.is_published
            and self.request.user.has_perm("inspections.quality_assure", self.inspection),
            panels=case_panels_for(self.request, self.case),
            **kwargs,
        )


class CaseFactsView(CaseChangeMixin, TemplateView):
    template_name = "cases/facts.html"

    def get_context_data(self, form=None, **kwargs):
        restored = False
        if form is None and self.can_edit:
            data = offer_unsaved(self.request)
            restored = data is not None
            form = self.make_form(data)
            if restored:
                form.is_valid()
        return super().get_context_data(
            form=form,
            restored=restored,
            facts=facts_summary(self.case),
            judgements=judgements_summary(self.case),
            **kwargs,
        )

    def make_form(self, data=None):
        return CaseFactsForm(
            data,
            case=self.case,
            autosave_url=self.case_url("autosave"),
            case_key=f"{self.request.user.pk}:{self.case.pk}",
            initial={"signed_in_as": self.request.user.pk},
        )

    def save(self, request):
        form = self.make_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            saved = services.case_facts_save(
                inspection=self.inspection,
                case_id=self.case.pk,
                user=request.user,
                changes=form.changes(),
                version=form.cleaned_data["version"],
            )
        except StaleAnswer as stale:
            conflict = conflict_display(stale, kind="facts", fields=form.changes())
            form.data = form.data.copy()
            form.data["version"] = stale.version
            form.add_error(None, conflict["message"])
            return self.render_to_response(self.get_context_data(form=form, conflict=conflict))
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form))
        forget_unsaved(request)
        messages.success(
            request,
            "Your judgements about the case have been saved." if saved.changed else "Nothing had changed.",
        )
        return redirect(self.case_url("task-list"))


class StandardView(CaseChangeMixin, TemplateView):
    template_name = "cases/standard.html"

    def get_context_data(self, form=None, **kwargs):
        assessment = case_assessment(self.case)
        standard = assessment.standard(self.kwargs["code"])
        restored = False
        if form is None:
            data = offer_unsaved(self.request) if self.can_edit else None
            restored = data is not None
            form = StandardForm(data, standard=standard, initial={"signed_in_as": self.request.user.pk})
            if restored:
                form.is_valid()
        standards = [s.standard for s in assessment.standards]
        index = standards.index(standard.standard)
        return super().get_context_data(
            form=form,
            standard=standard,
            next_standard=standards[index + 1] if index + 1 < len(standards) else None,
            restored=restored,
            autosave_url=self.case_url("autosave"),
            **kwargs,
        )

    def save(self, request):
        standard = case_assessment(self.case).standard(self.kwargs["code"])
        form = StandardForm(request.POST, standard=standard)
        if not form.is_valid():
            form.refuse("page", "The page was out of date or incomplete. Reload it and answer again.")
            return self.render_to_response(self.get_context_data(form=form))
        try:
            services.standard_answers_save(
                inspection=self.inspection, case_id=self.case.pk, user=request.user, rows=form.changed_rows()
            )
        except services.AnswersNotSaved as refused:
            for slug, message in refused.errors.items():
                form.refuse(slug, message)
            for slug, stale in refused.conflicts.items():
                row = refused.rows[slug]
                theirs = [name for name, value in row["values"].items() if stale.current.get(name) != value]
                conflict = conflict_display(stale, kind=row["kind"], fields=theirs)
                form.show_conflict(slug, conflict, stale.current, stale.version)
            return self.render_to_response(self.get_context_data(form=form))
        forget_unsaved(request)
        messages.success(request, f"Your answers to {standard.standard} have been saved.")
        return redirect(self.case_url("task-list"))


class AutosaveView(View):
    """Saves one answer (or one group of fields of it) as JSON, as the inspector works (static/js/autosave.mjs).

    Answers 401 once the session has ended, so the page can keep the change and send it after signing in.
    """

    http_method_names = ["post"]

    def post(self, request, reference, case_id):
        if not request.user.is_authenticated:
            return JsonResponse(
                {
                    "error": "signed_out",
                    "message": "You have been signed out. Sign in again to save your changes.",
                },
                status=401,
            )
        inspection = inspection_get_for(request.user, reference)
        try:
            body = request.body
        except RequestDataTooBig:
            return JsonResponse(
                {
                    "error": "invalid",
                    "message": "The change is too long to save: shorten the text and try again.",
                },
                status=400,
            )
        try:
            try:
                change = json.loads(body)
                kind, version, fields = change["kind"], int(change.get("version", 0)), dict(change["fields"])
            except (ValueError, KeyError, TypeError, RecursionError):
                # (RecursionError: a body of nested brackets deeper than the JSON decoder goes.)
                # Say first whether the user may change the case at all, then that the change was unreadable.
                case = case_get_for(inspection=inspection, case_id=case_id)
                services.refuse_if_read_only(case=case, user=request.user)
                return JsonResponse(
                    {"error": "invalid", "message": "The change could not be read."}, status=400
                )
            saved = self.save(request, inspection, case_id, kind, change.get("code", ""), version, fields)
        except StaleAnswer as stale:
            return JsonResponse(
                {"error": "stale", **conflict_display(stale, kind=kind, fields=fields)}, status=409
            )
        except PermissionDenied as denied:
            return JsonResponse({"error": "forbidden", "message": str(denied)}, status=403)
        except ValidationError as error:
            return JsonResponse({"error": "invalid", "message": " ".join(error.messages)}, status=400)
        return JsonResponse(
            {
                "version": saved.version,
                "changed": saved.changed,
                "prompts": saved.prompts,
                "saved_at": timezone.localtime().strftime("%H:%M"),
            }
        )

    def save(self, request, inspection, case_id, kind, code, version, fields):
        common = {"inspection": inspection, "case_id": case_id, "user": request.user, "version": version}
        if kind == "prompt" and set(fields) == {"value"}:
            return services.prompt_answer_save(code=code, value=fields["value"], **common)
        if kind == "key_question":
            return services.key_question_answer_save(code=code, changes=fields, **common)
        if kind == "facts":
            changes = {name: CaseFactsForm.clean_field(name, value) for name, value in fields.items()}
            return services.case_facts_save(changes=changes, **common)
        raise ValidationError("The change could not be read.")


class CheckView(CaseChangeMixin, TemplateView):
    """Check your answers: everything left to do, with links to it, and the submit button."""

    template_name = "cases/check.html"
    keeps_unsaved_posts = False  # submitting changes no answer: after signing in, submit again

    def get_context_data(self, form=None, **kwargs):
        assessment = case_assessment(self.case)
        return super().get_context_data(
            assessment=assessment,
            problems=problem_links(assessment.problems, self.case),
            judgements=judgements_summary(self.case),
            form=form or SubmitForm(),
            **kwargs,
        )

    def save(self, request):
        try:
            services.case_submit(inspection=self.inspection, case_id=self.case.pk, user=request.user)
        except ValidationError:
            form = SubmitForm(data={})
            form.is_valid()
            form.add_error(None, "You cannot submit the case until everything below is answered")
            return self.render_to_response(self.get_context_data(form=form, refused=True))
        messages.success(request, f"Case {self.case.reference} has been submitted for quality assurance.")
        return redirect(self.case_url("task-list"))


class ReviewView(CaseMixin, TemplateView):
    template_name = "cases/review.html"

    def load(self, **kwargs) -> None:
        if not self.request.user.has_perm("inspections.quality_assure", self.inspection):
            raise PermissionDenied(
                "Only the lead inspector or a quality assurance inspector can review cases."
            )
        super().load(**kwargs)

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            assessment=case_assessment(self.case),
            judgements=judgements_summary(self.case),
            form=form or ReviewForm(),
            own_case=self.case.inspector_id == self.request.user.pk,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = ReviewForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        common = {"inspection": self.inspection, "case_id": self.case.pk, "user": request.user}
        try:
            if form.cleaned_data["decision"] == "approve":
                services.case_approve(**common)
                messages.success(request, f"Case {self.case.reference} has been approved.")
            else:
                services.case_return(reason=form.cleaned_data["reason"], **common)
                messages.success(request, f"Case {self.case.reference} has been returned to the inspector.")
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(form=form))
        return redirect(reverse("cases:progress", kwargs={"reference": self.inspection.reference}))


class HistoryView(CaseMixin, TemplateView):
    template_name = "cases/history.html"

    def get_context_data(self, **kwargs):
        page = Paginator(case_events(self.case), HISTORY_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(page=page, changes=history_changes(list(page.object_list)), **kwargs)
