"""Pages of case assessment: my cases, progress, a case's task list, facts, standards, check and submit,
quality assurance and history. Thin: each parses, calls one service or selector, and renders."""

import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from inspections.mixins import FormOnlyPageMixin, errors_onto
from inspections.publication import refuse_if_published
from inspections.selectors import inspection_get_for

from . import review_rules, services
from .blinding import refuse_if_blind, refuse_if_blind_to_case_id
from .case_panels import case_panels_for
from .finding import CaseFinder
from .forms import (
    CaseFactsForm,
    CommentAnswerForm,
    CommentForm,
    QaQueueFilterForm,
    ReviewForm,
    StandardForm,
    SubmitForm,
    WithdrawCommentForm,
)
from .models import CaseStatus, Category
from .presenters import (
    comment_problem_links,
    conflict_display,
    facts_summary,
    judgements_summary,
    problem_links,
)
from .selectors import (
    HISTORY_PAGE_SIZE,
    answer_slug,
    case_assessment,
    case_get_for,
    case_history,
    cases_allocated_to,
    changes_since_return,
    comment_facts,
    comments_by_key_question,
    domain_standard_codes,
    inspection_progress,
    last_return,
    qa_queue,
    review_comments,
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
        refuse_if_blind(self.request.user, self.case)  # a blind second marker sees nothing of the case

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
        finder = CaseFinder.from_query(
            self.request.GET,
            columns=("reference", "category", "status", "answered"),
            filters=("status", "category"),
        )
        cases = finder.apply(cases_allocated_to(user=self.request.user, inspection=self.inspection))
        return super().get_context_data(cases=cases, finder=finder, headers=finder.headers(), **kwargs)


class ProgressView(InspectionMixin, TemplateView):
    template_name = "cases/progress.html"

    def get_context_data(self, **kwargs):
        progress = inspection_progress(self.inspection)
        finder = CaseFinder.from_query(self.request.GET)
        progress["cases"] = finder.apply(progress["cases"])
        return super().get_context_data(
            progress=progress,
            finder=finder,
            headers=finder.headers(),
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
            **comments_context(self.request.user, self.case),
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
        # Save and continue: on to the first standard, as the task list would.
        return redirect(self.case_url("standard", code=domain_standard_codes(self.case)[0]))


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
        return super().get_context_data(
            form=form,
            standard=standard,
            next_standard=next_standard(standard.standard, assessment),
            restored=restored,
            autosave_url=self.case_url("autosave"),
            **comments_context(self.request.user, self.case),
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
            for slug, question in refused.confirmations.items():
                form.ask_to_clear_prompts(slug, " ".join(question.messages))
            for slug, stale in refused.conflicts.items():
                row = refused.rows[slug]
                theirs = [name for name, value in row["values"].items() if stale.current.get(name) != value]
                conflict = conflict_display(stale, kind=row["kind"], fields=theirs)
                form.show_conflict(slug, conflict, stale.current, stale.version)
            return self.render_to_response(self.get_context_data(form=form))
        forget_unsaved(request)
        messages.success(request, f"Your answers to {standard.standard} have been saved.")
        # Save and continue: the next standard, and after the last one check your answers.
        codes = domain_standard_codes(self.case)
        index = codes.index(standard.standard.code)
        if index + 1 < len(codes):
            return redirect(self.case_url("standard", code=codes[index + 1]))
        return redirect(self.case_url("check"))


def next_standard(standard, assessment):
    """The standard after this one in the case's domain (None after the last)."""
    standards = [s.standard for s in assessment.standards]
    index = standards.index(standard)
    return standards[index + 1] if index + 1 < len(standards) else None


class AutosaveView(View):
    """Saves one answer (or one group of fields of it) as JSON, as the inspector works (static/js/autosave.mjs).

    Answers 401 once the session has ended, so the page can keep the change and send it after signing in.
    """

    http_method_names = ["get", "post"]

    def get(self, request, reference, case_id):
        """A fresh CSRF token for the page, and who is signed in: after signing in again in another tab, the
        page's token is out of date, so autosave fetches this and sends the change again once."""
        if not request.user.is_authenticated:
            return JsonResponse({"error": "signed_out"}, status=401)
        case_get_for(inspection=inspection_get_for(request.user, reference), case_id=case_id)
        return JsonResponse({"csrf_token": get_token(request), "user": request.user.pk})

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
            try:
                change = json.loads(request.body)
                kind, version, fields = change["kind"], int(change.get("version", 0)), dict(change["fields"])
            except (ValueError, KeyError, TypeError):
                # Say first whether the user may change the case at all, then that the change was unreadable.
                case = case_get_for(inspection=inspection, case_id=case_id)
                services.refuse_if_read_only(case=case, user=request.user)
                return JsonResponse(
                    {"error": "invalid", "message": "The change could not be read."}, status=400
                )
            clear_prompts = change.get("confirm_clear_prompts") is True
            saved = self.save(
                request, inspection, case_id, kind, change.get("code", ""), version, fields, clear_prompts
            )
        except StaleAnswer as stale:
            try:  # a conflict shows the other person's answer: never to the case's blind second marker
                refuse_if_blind_to_case_id(request.user, inspection, case_id)
            except PermissionDenied as denied:
                return JsonResponse({"error": "forbidden", "message": str(denied)}, status=403)
            return JsonResponse(
                {"error": "stale", **conflict_display(stale, kind=kind, fields=fields)}, status=409
            )
        except PermissionDenied as denied:
            return JsonResponse({"error": "forbidden", "message": str(denied)}, status=403)
        except services.PromptsWouldBeCleared as question:
            return JsonResponse(
                {"error": "clears_prompts", "message": question.messages[0], "prompts": question.prompts},
                status=400,
            )
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

    def save(self, request, inspection, case_id, kind, code, version, fields, clear_prompts=False):
        common = {"inspection": inspection, "case_id": case_id, "user": request.user, "version": version}
        if kind == "prompt" and set(fields) == {"value"}:
            return services.prompt_answer_save(code=code, value=fields["value"], **common)
        if kind == "key_question":
            return services.key_question_answer_save(
                code=code, changes=fields, clear_prompts=clear_prompts, **common
            )
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
        comments = review_comments(self.case)
        return super().get_context_data(
            assessment=assessment,
            problems=problem_links(assessment.problems, self.case)
            + comment_problem_links(comments, self.case),
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
        assessment = case_assessment(self.case)
        comments = review_comments(self.case)
        own_case = self.case.inspector_id == self.request.user.pk
        reviewable = self.case.status == CaseStatus.SUBMITTED and not self.inspection.is_published
        case_return = last_return(self.case)
        return super().get_context_data(
            assessment=assessment,
            judgements=judgements_summary(self.case),
            form=form or ReviewForm(),
            own_case=own_case,
            can_comment=reviewable and not own_case,
            review_comments=comments_by_key_question(comments),
            open_comments=[item for item in comments if item.is_open],
            approval_refusal=review_rules.approval_refusal(comment_facts(comments)),
            case_return=case_return,
            changes=changes_since_return(assessment, case_return)
            if self.case.status == CaseStatus.SUBMITTED
            else None,
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
        return redirect(reverse("cases:qa-queue", kwargs={"reference": self.inspection.reference}))


class PrintView(CaseMixin, TemplateView):
    """The whole case on one page, in the framework's words, to print from the browser (print CSS)."""

    template_name = "cases/print.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            assessment=case_assessment(self.case),
            facts=facts_summary(self.case),
            judgements=judgements_summary(self.case),
            printed_at=timezone.localtime(),
            **kwargs,
        )


class HistoryView(CaseMixin, TemplateView):
    template_name = "cases/history.html"

    def get_context_data(self, **kwargs):
        page = Paginator(case_history(self.case), HISTORY_PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(page=page, changes=page.object_list, **kwargs)


# --- quality assurance: the queue and comments on key questions ------------------------------------------


def comments_context(user, case) -> dict:
    """What the task list and a standard's page need to show the reviewers' comments beside each key
    question (cases/includes/kq_comments.html): one query."""
    comments = review_comments(case)
    return {
        "review_comments": comments_by_key_question(comments),
        "review_comment_list": comments,
        "can_answer_comments": case.inspector_id == user.pk
        and case.is_editable
        and not case.inspection.is_published,
    }


ONLY_REVIEWERS = "Only the lead inspector or a quality assurance inspector can review cases."


class QaQueueView(InspectionMixin, TemplateView):
    """The cases waiting for quality assurance, oldest first, filtered by inspector and category (GET)."""

    template_name = "cases/qa_queue.html"

    def load(self, **kwargs) -> None:
        if not self.request.user.has_perm("inspections.quality_assure", self.inspection):
            raise PermissionDenied(ONLY_REVIEWERS)

    def get_context_data(self, **kwargs):
        inspector, category = self.request.GET.get("inspector", ""), self.request.GET.get("category", "")
        # Values the form will refuse filter nothing (the form says what was wrong).
        inspector = inspector if inspector == "none" or (inspector.isdigit() and len(inspector) < 19) else ""
        category = category if category in Category.values else ""
        queue = qa_queue(self.inspection, inspector_id=inspector, category=category)
        form = QaQueueFilterForm(self.request.GET or None, queue=queue)
        if form.is_bound:
            form.is_valid()
        return super().get_context_data(
            queue=queue,
            form=form,
            filtered=bool(inspector or category),
            can_review=not self.inspection.is_published,
            **kwargs,
        )


class ReviewerPageMixin(CaseMixin):
    """A page of quality assurance that changes a case (a comment, or its withdrawal): for the lead or a QA
    inspector, not on their own case, while the case waits for review. A GET once the inspection is published
    goes to the review page (FormOnlyPageMixin)."""

    def published_url(self) -> str:
        return self.case_url("review")

    def check(self) -> None:
        user = self.request.user
        if not user.has_perm("inspections.quality_assure", self.inspection):
            raise PermissionDenied(ONLY_REVIEWERS)
        if self.case.inspector_id == user.pk:
            raise PermissionDenied(
                "You assessed this case, so another member of the team must quality assure it."
            )
        if self.case.status != CaseStatus.SUBMITTED:
            raise PermissionDenied(
                "This case is not waiting for quality assurance: it is "
                f"{self.case.get_status_display().lower()}, so its comments cannot be changed."
            )

    def get(self, request, *args, **kwargs):
        self.check()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        refuse_if_published(self.inspection, reread=False)
        self.check()
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                message, url = self.perform(form)
            except ValidationError as error:
                errors_onto(form, error)
            else:
                messages.success(request, message)
                return redirect(url)
        return self.render_to_response(self.get_context_data(form=form))

    def key_question_anchor(self, code: str) -> str:
        return f"{self.case_url('review')}#{answer_slug('kq', code)}"


class CommentAddView(ReviewerPageMixin, FormOnlyPageMixin, TemplateView):
    template_name = "cases/comment_add.html"

    def load(self, **kwargs) -> None:
        super().load(**kwargs)
        assessment = case_assessment(self.case)
        for kq in assessment.key_questions:
            if kq.key_question.code == kwargs["code"]:
                self.kq = kq
                return
        raise Http404(f"Key question {kwargs['code']} is not part of this case's assessment.")

    def make_form(self, data=None):
        return CommentForm(data, code=self.kq.key_question.code)

    def get_context_data(self, form=None, **kwargs):
        comments = comments_by_key_question(review_comments(self.case)).get(self.kq.key_question.pk, [])
        return super().get_context_data(
            form=form or self.make_form(), kq=self.kq, comments=comments, **kwargs
        )

    def perform(self, form):
        code = self.kq.key_question.code
        services.review_comment_add(
            inspection=self.inspection,
            case_id=self.case.pk,
            user=self.request.user,
            code=code,
            text=form.cleaned_data["text"],
        )
        return (
            f"Your comment on key question {code} has been added. The inspector can answer it once you "
            "return the case.",
            self.key_question_anchor(code),
        )


class CommentPageMixin:
    def load(self, **kwargs) -> None:
        super().load(**kwargs)
        for item in review_comments(self.case):
            if item.comment.pk == kwargs["comment_id"]:
                self.item = item
                return
        raise Http404("This case has no such comment.")


class CommentWithdrawView(CommentPageMixin, ReviewerPageMixin, FormOnlyPageMixin, TemplateView):
    template_name = "cases/comment_withdraw.html"

    def make_form(self, data=None):
        return WithdrawCommentForm(data)

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(form=form or self.make_form(), item=self.item, **kwargs)

    def perform(self, form):
        services.review_comment_withdraw(
            inspection=self.inspection,
            case_id=self.case.pk,
            user=self.request.user,
            comment_id=self.item.comment.pk,
        )
        return (
            f"Your comment on key question {self.item.code} has been withdrawn.",
            self.key_question_anchor(self.item.code),
        )


class CommentAnswerView(CommentPageMixin, CaseMixin, FormOnlyPageMixin, TemplateView):
    """The inspector answers a reviewer's comment (or goes to change the judgement instead)."""

    template_name = "cases/comment_answer.html"

    def published_url(self) -> str:
        return self.standard_anchor()

    def standard_anchor(self) -> str:
        kq = self.item.comment.key_question
        return f"{self.case_url('standard', code=kq.standard.code)}#{answer_slug('kq', kq.code)}"

    def get(self, request, *args, **kwargs):
        services.refuse_unless_may_answer(case=self.case, user=request.user)
        return super().get(request, *args, **kwargs)

    def make_form(self, data=None):
        return CommentAnswerForm(
            data, initial={"reply": self.item.comment.reply, "version": self.item.comment.version}
        )

    def get_context_data(self, form=None, **kwargs):
        return super().get_context_data(
            form=form or self.make_form(), item=self.item, standard_url=self.standard_anchor(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        services.refuse_unless_may_answer(case=self.case, user=request.user)
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                services.review_comment_answer(
                    inspection=self.inspection,
                    case_id=self.case.pk,
                    user=request.user,
                    comment_id=self.item.comment.pk,
                    reply=form.cleaned_data["reply"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                errors_onto(form, error)
            else:
                messages.success(
                    request, f"Your answer to the comment on key question {self.item.code} has been saved."
                )
                return redirect(self.standard_anchor())
        return self.render_to_response(self.get_context_data(form=form))
