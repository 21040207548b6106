"""Pages of second marking: the overview with the figures, choosing cases and markers, the blind marking, the
reconciliation, the figures as JSON, and the programme's figures for administrators. Thin: each checks who
may use it, calls one service or selector, and renders."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from cases.blinding import is_revealed
from inspections.mixins import FormOnlyPageMixin, InspectionMixin, errors_onto
from ratings.selectors import current_sign_off

from . import selectors, services, statistics
from .forms import AddForm, ChangeForm, DrawForm, RemoveForm
from .models import SecondMarkingDraw

ANSWER_WORDS = {"yes": "Yes", "no": "No", "na": "Not applicable", "": "Not answered"}


def overview_url(inspection) -> str:
    return reverse("agreement:overview", kwargs={"reference": inspection.reference})


class OverviewView(InspectionMixin, TemplateView):
    """The cases chosen for second marking and their state; the figures for the lead, panel and
    administrators; each inspector's own second markings."""

    template_name = "agreement/overview.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        markings = selectors.markings_of(self.inspection)
        for marking in markings:
            marking.case.inspection = self.inspection
            marking.state, marking.state_words = selectors.marking_state(marking)
            marking.can_compare = user.has_perm("agreement.view_comparison", marking)
        can_choose = user.has_perm("agreement.choose_cases", self.inspection)
        can_view_figures = user.has_perm("agreement.view_figures", self.inspection)
        return super().get_context_data(
            markings=markings if (can_choose or can_view_figures) else [],
            mine=[m for m in markings if m.marker_id == user.pk],
            draw=SecondMarkingDraw.objects.filter(inspection=self.inspection).first(),
            can_choose=can_choose and not self.inspection.is_published,
            can_view_figures=can_view_figures,
            figures=selectors.inspection_figures(self.inspection) if can_view_figures else None,
            few_pairs=statistics.FEW_PAIRS,
            **kwargs,
        )


class FiguresJsonView(InspectionMixin, TemplateView):
    """The agreement figures as JSON (the same document as `./dev manage agreement REF --json`)."""

    permission_required = "agreement.view_figures"
    permission_denied_message = (
        "Only the lead inspector, the ratings panel and administrators can see the figures."
    )

    def get(self, request, *args, **kwargs):
        return JsonResponse(selectors.agreement_json(self.inspection), json_dumps_params={"indent": 2})


class ChooserFormView(InspectionMixin, FormOnlyPageMixin, FormView):
    permission_required = "agreement.choose_cases"
    permission_denied_message = (
        "Only the lead inspector or an administrator can choose cases for second marking."
    )

    def published_url(self) -> str:
        return overview_url(self.inspection)

    def done(self, message: str):
        messages.success(self.request, message)
        return redirect(overview_url(self.inspection))


class DrawView(ChooserFormView):
    template_name = "agreement/draw.html"
    form_class = DrawForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            draw=SecondMarkingDraw.objects.filter(inspection=self.inspection).first(),
            cases=self.inspection.cases.count(),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            draw = services.second_marking_draw(
                inspection=self.inspection,
                user=self.request.user,
                percent=form.cleaned_data["percent"],
                seed=form.cleaned_data["seed"],
            )
        except ValidationError as error:
            return self.form_invalid(errors_onto(form, error))
        chosen = sum(category["size"] for category in draw.working)
        return self.done(
            f"{chosen} case{'s' if chosen != 1 else ''} drawn for second marking with seed {draw.seed}."
        )


class AddView(ChooserFormView):
    template_name = "agreement/add.html"
    form_class = AddForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "cases": selectors.cases_to_add(self.inspection),
            "markers": selectors.possible_markers(self.inspection),
        }

    def form_valid(self, form):
        try:
            marking = services.second_marking_add(
                inspection=self.inspection,
                user=self.request.user,
                case_id=form.cleaned_data["case"],
                marker=form.markers.get(form.cleaned_data["marker"]),
            )
        except ValidationError as error:
            return self.form_invalid(errors_onto(form, error))
        return self.done(f"Case {marking.case.reference} is added to second marking.")


class ChangeView(ChooserFormView):
    template_name = "agreement/change.html"
    form_class = ChangeForm

    def get_marking(self):
        if not hasattr(self, "marking"):
            self.marking = selectors.marking_get(self.inspection, self.kwargs["case_id"])
        return self.marking

    def get_initial(self):
        marking = self.get_marking()
        return {"version": marking.version, "marker": marking.marker_id}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "marking": self.get_marking(),
            "cases": selectors.cases_to_add(self.inspection),
            "markers": selectors.possible_markers(self.inspection),
        }

    def get_context_data(self, **kwargs):
        marking = self.get_marking()
        return super().get_context_data(
            marking=marking, remove_form=RemoveForm(initial={"version": marking.version}), **kwargs
        )

    def form_valid(self, form):
        try:
            marking = services.second_marking_change(
                inspection=self.inspection,
                user=self.request.user,
                case_id=self.get_marking().case_id,
                version=form.cleaned_data["version"],
                marker=form.markers.get(form.cleaned_data["marker"]),
                new_case_id=form.cleaned_data["new_case"],
            )
        except ValidationError as error:
            return self.form_invalid(errors_onto(form, error))
        return self.done(f"The second marking of case {marking.case.reference} is saved.")


class RemoveView(ChooserFormView):
    template_name = "agreement/change.html"
    form_class = RemoveForm
    http_method_names = ["post"]

    def form_valid(self, form):
        try:
            services.second_marking_remove(
                inspection=self.inspection,
                user=self.request.user,
                case_id=self.kwargs["case_id"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(overview_url(self.inspection))
        return self.done("The case is taken out of second marking.")

    def form_invalid(self, form):
        messages.error(self.request, "The page was out of date. Look again.")
        return redirect(overview_url(self.inspection))


class MarkingMixin(InspectionMixin):
    """A second marking's page: the marking of this case, for those the permission allows."""

    marking_permission = "agreement.mark"
    marking_refusal = "Only the second marker named for this case can mark it."

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.load_marking()
        return super().get(request, *args, **kwargs)

    def load_marking(self):
        self.marking = selectors.marking_get(self.inspection, self.kwargs["case_id"])
        if not self.request.user.has_perm(self.marking_permission, self.marking):
            raise PermissionDenied(self.refusal())

    def refusal(self) -> str:
        return self.marking_refusal

    @property
    def can_edit(self) -> bool:
        return not self.marking.submitted_at and not self.inspection.is_published

    def mark_url(self) -> str:
        return reverse(
            "agreement:mark", kwargs={"reference": self.inspection.reference, "case_id": self.marking.case_id}
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            marking=self.marking, case=self.marking.case, can_edit=self.can_edit, **kwargs
        )


class MarkView(MarkingMixin, TemplateView):
    """The second marker's task list of the case: each standard and its state, and the submit button."""

    template_name = "agreement/mark.html"

    def get_context_data(self, problems=None, **kwargs):
        return super().get_context_data(
            standards=selectors.marking_standards(self.marking),
            facts=self.marking.case,
            problems=problems or [],
            revealed=is_revealed(self.marking),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.load_marking()
        try:
            services.second_marking_submit(
                inspection=self.inspection, case_id=self.marking.case_id, user=request.user
            )
        except ValidationError as error:
            return self.render_to_response(self.get_context_data(problems=error.messages))
        messages.success(request, f"Your second marking of case {self.marking.case.reference} is submitted.")
        return redirect(overview_url(self.inspection))


class MarkStandardView(MarkingMixin, TemplateView):
    """One standard of the case, for the second marker: the same key questions and prompts, with the same
    rules, as the case's own page, and none of its answers."""

    template_name = "agreement/mark_standard.html"

    def standard(self):
        for standard in selectors.marking_standards(self.marking):
            if standard.id == self.kwargs["code"]:
                return standard
        raise PermissionDenied(f"Standard {self.kwargs['code']} is not assessed in this case.")

    def get_context_data(self, standard=None, errors=None, **kwargs):
        links = []
        for code, messages_ in (errors or {}).items():
            target = ("kq-" + code.replace(".", "-") + "-value") if code.count(".") == 2 else ""
            if code.count(".") == 3:
                target = "p-" + code.replace(".", "-")
            links += [(target, message) for message in messages_]
        return super().get_context_data(
            standard=standard or self.standard(), errors=errors or {}, error_links=links, **kwargs
        )

    def post(self, request, *args, **kwargs):
        self.load_marking()
        standard = self.standard()
        answers = {}
        for kq in standard.key_questions:
            if kq.applicability.forced:
                continue
            answers[kq.id] = {
                "value": request.POST.get(f"{kq.slug}-value", ""),
                "rationale": request.POST.get(f"{kq.slug}-rationale", ""),
            }
            for prompt in kq.prompts:
                answers[prompt.id] = {"value": request.POST.get(prompt.slug, "")}
        try:
            services.second_marking_answers_save(
                inspection=self.inspection,
                case_id=self.marking.case_id,
                user=request.user,
                standard=standard.id,
                answers=answers,
            )
        except ValidationError as error:
            # Show what was posted, with the problems: nothing was saved.
            for kq in standard.key_questions:
                if kq.id in answers:
                    kq.value, kq.rationale = answers[kq.id]["value"], answers[kq.id]["rationale"]
                for prompt in kq.prompts:
                    if prompt.id in answers:
                        prompt.value = answers[prompt.id]["value"]
            errors = error.message_dict if hasattr(error, "error_dict") else {"page": error.messages}
            return self.render_to_response(self.get_context_data(standard=standard, errors=errors))
        messages.success(request, f"Your answers to {standard.id} {standard.title} have been saved.")
        return redirect(self.mark_url())


class ReconcileView(MarkingMixin, TemplateView):
    """Both markings side by side, each disagreement with both rationales; the lead records the agreed answer
    and the reason."""

    template_name = "agreement/reconcile.html"
    marking_permission = "agreement.view_comparison"

    def refusal(self) -> str:
        if not is_revealed(self.marking):
            return "Both markers must submit before their markings can be compared."
        return "Only the lead inspector, the two markers, the ratings panel and administrators can compare the markings."

    def rows(self):
        pairs = selectors.pairs_of([self.marking])
        return [pair for pair in pairs if pair.first != pair.second], pairs

    @property
    def can_reconcile(self) -> bool:
        return (
            not self.marking.reconciled_at
            and not self.inspection.is_published
            and self.request.user.has_perm("agreement.reconcile", self.marking)
        )

    def get_context_data(self, errors=None, posted=None, **kwargs):
        disagreements, pairs = self.rows()
        answers = {a.code: a for a in self.marking.answers.all()}
        applicability = {}
        for standard in selectors.marking_standards(self.marking):
            for kq in standard.key_questions:
                applicability[kq.id] = kq
        rows = []
        for pair in disagreements:
            answer = answers.get(pair.key_question)
            chosen, reason = (posted or {}).get(pair.key_question, ("", ""))
            rows.append(
                {
                    "pair": pair,
                    "slug": "kq-" + pair.key_question.replace(".", "-"),
                    "text": applicability[pair.key_question].text,
                    "choices": [
                        (value, ANSWER_WORDS[value])
                        for value in applicability[pair.key_question].applicability.choices
                    ]
                    if not applicability[pair.key_question].applicability.forced
                    else [("na", ANSWER_WORDS["na"])],
                    "first": ANSWER_WORDS[pair.first],
                    "second": ANSWER_WORDS[pair.second],
                    "agreed": ANSWER_WORDS.get(answer.agreed_value, "")
                    if answer and answer.agreed_value
                    else "",
                    "agreed_reason": answer.agreed_reason if answer else "",
                    "chosen": chosen,
                    "reason": reason,
                    "error": (errors or {}).get(pair.key_question, [""])[0] if errors else "",
                }
            )
        signed_off = current_sign_off(self.inspection) is not None
        return super().get_context_data(
            rows=rows,
            pairs=len(pairs),
            agreed=len(pairs) - len(disagreements),
            figures=statistics.agreement((p.first, p.second) for p in pairs),
            can_reconcile=self.can_reconcile and not signed_off,
            signed_off=signed_off,
            errors=errors or {},
            error_links=[
                ("kq-" + code.replace(".", "-") + "-agreed" if code != "page" else "", message)
                for code, messages_ in (errors or {}).items()
                for message in messages_
            ],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.load_marking()
        disagreements, _ = self.rows()
        agreed = {}
        for pair in disagreements:
            slug = "kq-" + pair.key_question.replace(".", "-")
            agreed[pair.key_question] = (
                request.POST.get(f"{slug}-agreed", ""),
                request.POST.get(f"{slug}-reason", ""),
            )
        try:
            services.second_marking_reconcile(
                inspection=self.inspection, case_id=self.marking.case_id, user=request.user, agreed=agreed
            )
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"page": error.messages}
            return self.render_to_response(self.get_context_data(errors=errors, posted=agreed))
        messages.success(request, f"The markings of case {self.marking.case.reference} are reconciled.")
        return redirect(overview_url(self.inspection))


class ProgrammeView(LoginRequiredMixin, TemplateView):
    """Every inspection's agreement figures pooled, per key question and per inspector (administrators)."""

    template_name = "agreement/programme.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("agreement.view_programme"):
            raise PermissionDenied("Only administrators can see the agreement figures across inspections.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        figures, inspections = selectors.programme_figures()
        return super().get_context_data(
            figures=figures, inspections=inspections, few_pairs=statistics.FEW_PAIRS, **kwargs
        )
