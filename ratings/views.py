from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from inspections.mixins import FormOnlyPageMixin
from inspections.models import KeyQuestion, Standard
from inspections.selectors import inspection_get_for

from . import services
from .checks import sign_off_problems
from .forms import DomainOneProposalForm, EvidenceNoteForm, PanelDecisionForm, ReopenForm
from .models import DomainOneDraft, EvidenceNote
from .selectors import (
    FINAL,
    PROVISIONAL,
    case_figure_rows,
    case_figures_record,
    changes_since_sign_off,
    current_sign_off,
    figures_of_record,
    inspection_ratings_get,
    inspection_ratings_json,
)

PANEL_ONLY = "Only members of this inspection's ratings panel can record ratings decisions."
LEAD_ONLY = (
    "Only the lead inspector of this inspection can propose domain-one ratings and record their evidence."
)


class InspectionMixin(LoginRequiredMixin):
    """Finds the inspection (404 to people not on its team) and checks the role's permission on it."""

    permission = "inspections.view_inspection"
    refusal = "Your role on this inspection does not allow it."

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.inspection = inspection_get_for(request.user, kwargs["reference"])
        if not request.user.has_perm(self.permission, self.inspection):
            raise PermissionDenied(self.refusal)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(inspection=self.inspection, **kwargs)


def _add_errors(form, exc: ValidationError, fields: dict[str, str] | None = None) -> None:
    """The service's errors on the form: by field where it names one the form has, else for the whole form."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    for key, errors in exc.message_dict.items():
        key = (fields or {}).get(key, key)
        for message in errors:
            form.add_error(key if key in form.fields else None, message)


# --- Ratings for the whole team -----------------------------------------------------------------------------


class RatingsView(InspectionMixin, TemplateView):
    template_name = "ratings/ratings.html"

    def get_context_data(self, **kwargs):
        ratings = inspection_ratings_get(self.inspection)
        user = self.request.user
        return super().get_context_data(
            ratings=ratings,
            changes=changes_since_sign_off(ratings),
            cases=ratings.cases,
            can_decide=user.has_perm("inspections.decide_ratings", self.inspection),
            can_propose=user.has_perm("inspections.propose_domain_one_ratings", self.inspection)
            and not self.inspection.is_published,
            **kwargs,
        )


class RatingsJsonView(InspectionMixin, View):
    """The ratings document of `inspection_ratings REF --json`, for the inspection's team."""

    def get(self, request, *args, **kwargs):
        return JsonResponse(
            inspection_ratings_json(self.inspection), json_dumps_params={"indent": 2, "ensure_ascii": False}
        )


# --- The ratings panel --------------------------------------------------------------------------------------


class PanelMixin(InspectionMixin):
    permission = "inspections.decide_ratings"
    refusal = PANEL_ONLY

    def published_url(self) -> str:
        return reverse("ratings:panel", kwargs={"reference": self.inspection.reference})

    def get_context_data(self, **kwargs):
        # A published inspection's ratings are shown, never offered for change (no reopening, no decision).
        return super().get_context_data(can_change=not self.inspection.is_published, **kwargs)


class PanelView(PanelMixin, TemplateView):
    template_name = "ratings/panel.html"

    def post(self, request, *args, **kwargs):
        """ "Confirm every computed rating with no trigger": one decision each, the others left alone."""
        try:
            confirmed = services.panel_confirm_untriggered(
                inspection=self.inspection, decided_by=request.user
            )
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(errors=exc.messages))
        if confirmed:
            messages.success(
                request,
                f"The panel confirmed the computed rating of {len(confirmed)} "
                f"standard{'s' if len(confirmed) != 1 else ''} with no discretion trigger: "
                f"{', '.join(confirmed)}.",
            )
        else:
            messages.info(request, "Every standard with no discretion trigger already has a decision.")
        return redirect("ratings:panel", reference=self.inspection.reference)

    def get_context_data(self, **kwargs):
        sign_off = current_sign_off(self.inspection)
        ratings = inspection_ratings_get(self.inspection, figures=None if sign_off else FINAL)
        untriggered = [
            s
            for s in ratings.standards
            if s.is_case_based and s.computed_rating and not s.triggers and not s.decision_applies
        ]
        return super().get_context_data(
            ratings=ratings,
            untriggered=untriggered,
            cases=ratings.cases,
            changes=changes_since_sign_off(ratings),
            problems=[] if sign_off else sign_off_problems(ratings),
            history=self.inspection.ratings_sign_offs.select_related("signed_off_by", "reopened_by"),
            **kwargs,
        )


class PanelDecisionView(PanelMixin, FormView):
    template_name = "ratings/panel_decision.html"
    form_class = PanelDecisionForm

    def get_standard(self):
        if not hasattr(self, "_standard"):
            self.signed_off = current_sign_off(self.inspection)
            self._ratings = inspection_ratings_get(
                self.inspection, figures=None if self.signed_off else FINAL
            )
            self._standard = self._ratings.standard(self.kwargs["standard"])
            if self._standard is None:
                raise Http404("No standard with that number.")
        return self._standard

    def get_form_kwargs(self):
        standard = self.get_standard()
        kwargs = super().get_form_kwargs()
        kwargs["standard"] = standard
        decision = standard.decision
        # Version 0 stands for "no decision yet", so that one recorded meanwhile is not overwritten.
        kwargs["initial"] = {"version": 0}
        if decision is not None:
            kwargs["initial"] = {
                "rating": decision.rating,
                "key_question": decision.key_question.code if decision.key_question else "",
                "rationale": decision.rationale,
                "version": decision.version,
            }
        return kwargs

    def form_valid(self, form):
        if self.signed_off:
            form.add_error(None, "The ratings are signed off. Reopen them before you change a decision.")
            return self.form_invalid(form)
        data = form.cleaned_data
        try:
            services.panel_decision_record(
                inspection=self.inspection,
                standard_code=self.get_standard().id,
                rating=data["rating"],
                key_question_code=data.get("key_question") or None,
                rationale=data["rationale"],
                decided_by=self.request.user,
                version=data["version"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        standard = self.get_standard()
        messages.success(self.request, f"The panel's decision on {standard.id} {standard.title} is recorded.")
        return redirect("ratings:panel", reference=self.inspection.reference)

    def get_context_data(self, **kwargs):
        standard = self.get_standard()
        return super().get_context_data(
            standard=standard, ratings=self._ratings, signed_off=self.signed_off, **kwargs
        )


class SignOffView(PanelMixin, FormOnlyPageMixin, TemplateView):
    """Check the ratings, then sign them off (which locks them)."""

    template_name = "ratings/sign_off.html"

    def get_context_data(self, **kwargs):
        ratings = inspection_ratings_get(self.inspection, figures=FINAL)
        context = {
            "ratings": ratings,
            "signed_off": current_sign_off(self.inspection),
            "problems": sign_off_problems(ratings),
        }
        return super().get_context_data(**context, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            services.ratings_sign_off(inspection=self.inspection, signed_off_by=request.user)
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(errors=exc.messages))
        messages.success(request, "The ratings are signed off and locked.")
        return redirect("ratings:ratings", reference=self.inspection.reference)


class ReopenView(PanelMixin, FormOnlyPageMixin, FormView):
    template_name = "ratings/reopen.html"
    form_class = ReopenForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(signed_off=current_sign_off(self.inspection), **kwargs)

    def form_valid(self, form):
        try:
            services.ratings_reopen(
                inspection=self.inspection, reopened_by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            _add_errors(form, exc, {"reopen_reason": "reason"})
            return self.form_invalid(form)
        messages.success(self.request, "The ratings are reopened. The panel can now record new decisions.")
        return redirect("ratings:panel", reference=self.inspection.reference)


# --- Domain one: the lead inspector's proposals ---------------------------------------------------------------


class DomainOneMixin(InspectionMixin):
    permission = "inspections.propose_domain_one_ratings"
    refusal = LEAD_ONLY

    def get_standard(self) -> Standard:
        if not hasattr(self, "_standard"):
            self._standard = (
                Standard.objects.filter(
                    domain__framework=self.inspection.framework,
                    domain__code="1",
                    code=self.kwargs["standard"],
                )
                .select_related("domain")
                .first()
            )
            if self._standard is None:
                raise Http404("No domain-one standard with that number.")
        return self._standard

    def get_key_questions(self) -> list[KeyQuestion]:
        return list(self.get_standard().key_questions.order_by("order"))

    def proposal_url(self) -> str:
        return reverse(
            "ratings:domain-one",
            kwargs={"reference": self.inspection.reference, "standard": self.get_standard().code},
        )

    def published_url(self) -> str:
        return self.proposal_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            standard=self.get_standard(),
            signed_off=current_sign_off(self.inspection),
            can_change=not self.inspection.is_published,
            **kwargs,
        )


class DomainOneProposalView(DomainOneMixin, FormView):
    template_name = "ratings/domain_one.html"
    form_class = DomainOneProposalForm

    def get_proposal(self):
        return (
            self.inspection.domain_one_proposals.filter(standard=self.get_standard())
            .prefetch_related("key_question_rationales__key_question")
            .first()
        )

    def get_draft(self):
        if not hasattr(self, "_draft"):
            self._draft = (
                DomainOneDraft.objects.filter(inspection=self.inspection, standard=self.get_standard())
                .select_related("saved_by")
                .first()
            )
        return self._draft

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(standard=self.get_standard(), key_questions=self.get_key_questions())
        proposal = self.get_proposal()
        draft = self.get_draft()
        initial = {"version": 0, "draft_version": draft.version if draft else 0}
        if proposal is not None:
            initial.update(rating=proposal.rating, rationale=proposal.rationale, version=proposal.version)
            for record in proposal.key_question_rationales.all():
                initial["kq_" + record.key_question.code.replace(".", "_")] = record.rationale
        if draft is not None:
            # The draft is what the lead inspector last wrote: it shows, blanks and all.
            initial.update(rating=draft.rating, rationale=draft.rationale)
            for kq in self.get_key_questions():
                initial["kq_" + kq.code.replace(".", "_")] = draft.key_question_rationales.get(kq.code, "")
        kwargs["initial"] = initial
        return kwargs

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "propose")
        if action not in ("draft", "evidence"):
            return super().post(request, *args, **kwargs)
        # A draft keeps whatever is written, complete or not ("Add evidence" keeps it too).
        form = self.get_form()
        form.cleaned_data, form._errors = {}, ErrorDict()
        standard = self.get_standard()
        try:
            services.domain_one_draft_save(
                inspection=self.inspection, standard_code=standard.code, saved_by=request.user, **form.draft()
            )
        except ValidationError as exc:
            form.add_service_errors(
                exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
            )
            return self.form_invalid(form)
        if action == "evidence":
            return redirect(
                "ratings:evidence-add", reference=self.inspection.reference, standard=standard.code
            )
        messages.success(
            request,
            f"Your draft for {standard.code} {standard.title} is saved. The panel sees it once you propose it.",
        )
        return redirect(self.proposal_url())

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.domain_one_proposal_save(
                inspection=self.inspection,
                standard_code=self.get_standard().code,
                rating=data["rating"],
                rationale=data["rationale"],
                key_question_rationales=form.key_question_rationales(),
                proposed_by=self.request.user,
                version=data["version"],
            )
        except ValidationError as exc:
            form.add_service_errors(
                exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
            )
            return self.form_invalid(form)
        standard = self.get_standard()
        messages.success(self.request, f"Your proposed rating for {standard.code} {standard.title} is saved.")
        return redirect(
            reverse("ratings:ratings", kwargs={"reference": self.inspection.reference})
            + f"#standard-{standard.code}"
        )

    def get_context_data(self, **kwargs):
        standard = self.get_standard()
        evidence = EvidenceNote.objects.filter(inspection=self.inspection, standard=standard).select_related(
            "key_question", "recorded_by"
        )
        proposal = self.get_proposal()
        # The figures the proposal will keep when saved: the provisional ones, as on the ratings page.
        figures = case_figures_record(self.inspection, standard.code, figures=PROVISIONAL)
        rows = case_figure_rows(figures_of_record(standard.code, figures), proposal and proposal.case_figures)
        return super().get_context_data(
            proposal=proposal,
            draft=self.get_draft(),
            form_id=DomainOneProposalForm.FORM_ID,
            evidence=evidence,
            case_figures=figures,
            case_figure_rows=rows,
            case_figures_changed=[row for row in rows if row.changed],
            **kwargs,
        )


class EvidenceAddView(DomainOneMixin, FormOnlyPageMixin, FormView):
    template_name = "ratings/evidence_add.html"
    form_class = EvidenceNoteForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "key_questions": self.get_key_questions()}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.evidence_note_add(
                inspection=self.inspection,
                standard_code=self.get_standard().code,
                source=data["source"],
                note=data["note"],
                key_question_code=data["key_question"] or None,
                recorded_by=self.request.user,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "The evidence is added.")
        return redirect(self.proposal_url())


class EvidenceRemoveView(DomainOneMixin, FormOnlyPageMixin, TemplateView):
    template_name = "ratings/evidence_remove.html"

    def get_note(self) -> EvidenceNote:
        note = (
            EvidenceNote.objects.filter(
                inspection=self.inspection, standard=self.get_standard(), pk=self.kwargs["note"]
            )
            .select_related("key_question")
            .first()
        )
        if note is None:
            raise Http404("No such evidence note.")
        return note

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        return super().get_context_data(note=self.get_note(), **kwargs)

    def post(self, request, *args, **kwargs):
        note = self.get_note()
        try:
            services.evidence_note_remove(inspection=self.inspection, note_id=note.pk)
        except ValidationError as exc:
            return self.render_to_response(self.get_context_data(errors=exc.messages))
        messages.success(request, "The evidence note is removed.")
        return redirect(self.proposal_url())
