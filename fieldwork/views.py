"""Pages of the joint fieldwork week: refer a case, the referral queue, record a finding, the meetings log.
Thin: each checks who may use it, calls one service or selector, and renders."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from cases.selectors import case_get_for
from inspections.mixins import FormOnlyPageMixin, InspectionMixin, errors_onto

from . import services
from .forms import FindingForm, MeetingForm, ReferralForm
from .selectors import case_standards, fieldwork_members, meetings_of, referral_get_for, referral_queue


class QueueView(InspectionMixin, TemplateView):
    """The referrals: those assigned to the person asking first, then every referral of the inspection."""

    template_name = "fieldwork/queue.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(queue=referral_queue(self.inspection, self.request.user), **kwargs)


class GuardedFormView(InspectionMixin, FormOnlyPageMixin, FormView):
    """A form for those who may use it: refuse_unless_allowed() runs before GET and POST. Once the inspection
    is published a GET goes to published_url(), where the same data are shown read-only."""

    def refuse_unless_allowed(self) -> None:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        self.refuse_unless_allowed()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.refuse_unless_allowed()
        return super().post(request, *args, **kwargs)


class ReferView(GuardedFormView):
    """Refer a case for follow-up in the second fieldwork week: for its inspector and the lead inspector."""

    template_name = "fieldwork/refer.html"
    form_class = ReferralForm

    def refuse_unless_allowed(self) -> None:
        self.case = case_get_for(inspection=self.inspection, case_id=self.kwargs["case_id"])
        if not self.request.user.has_perm("fieldwork.refer_case", self.case):
            raise PermissionDenied(services.REFER_REFUSED)

    def published_url(self) -> str:
        return reverse(
            "cases:task-list",
            kwargs={"reference": self.inspection.reference, "case_id": self.kwargs["case_id"]},
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "members": list(fieldwork_members(self.inspection))}

    def get_context_data(self, **kwargs):
        return super().get_context_data(case=self.case, **kwargs)

    def form_valid(self, form):
        try:
            referral = services.referral_make(
                case=self.case,
                referred_by=self.request.user,
                discipline=form.cleaned_data["discipline"],
                question=form.cleaned_data["question"],
                assigned_to_id=form.cleaned_data["assigned_to"],
            )
        except ValidationError as error:
            return self.form_invalid(errors_onto(form, error))
        messages.success(
            self.request,
            f"Case {self.case.reference} is referred to {referral.get_discipline_display().lower()} "
            f"(referral {referral.number}), for {referral.assigned_to} to follow up.",
        )
        return redirect("cases:task-list", reference=self.inspection.reference, case_id=self.case.pk)


class FindingView(GuardedFormView):
    """Record (or change) a referral's finding: for the person it is assigned to and the lead inspector."""

    template_name = "fieldwork/finding.html"
    form_class = FindingForm

    def refuse_unless_allowed(self) -> None:
        self.referral = referral_get_for(inspection=self.inspection, number=self.kwargs["number"])
        if not self.request.user.has_perm("fieldwork.record_finding", self.referral):
            raise PermissionDenied(services.FINDING_REFUSED)

    def published_url(self) -> str:
        return reverse("fieldwork:queue", kwargs={"reference": self.inspection.reference})

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "standards": list(case_standards(self.referral.case))}

    def get_initial(self):
        return {
            "version": self.referral.version,
            "finding": self.referral.finding,
            "standard": self.referral.standard_id,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(referral=self.referral, **kwargs)

    def form_valid(self, form):
        try:
            referral = services.finding_record(
                referral_id=self.referral.pk,
                recorded_by=self.request.user,
                finding=form.cleaned_data["finding"],
                standard_id=form.cleaned_data["standard"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            # Show the referral as it is now (someone else may have saved it), keeping what was typed.
            self.referral = referral_get_for(inspection=self.inspection, number=self.kwargs["number"])
            return self.form_invalid(errors_onto(form, error))
        messages.success(self.request, f"The finding of referral {referral.number} is recorded.")
        return redirect("fieldwork:queue", reference=self.inspection.reference)


class MeetingsView(InspectionMixin, TemplateView):
    """The meetings the team has logged, for everyone on the team."""

    template_name = "fieldwork/meetings.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            meetings=meetings_of(self.inspection),
            can_log=not self.inspection.is_published
            and self.request.user.has_perm("fieldwork.log_meeting", self.inspection),
            **kwargs,
        )


class MeetingAddView(GuardedFormView):
    template_name = "fieldwork/meeting_add.html"
    form_class = MeetingForm

    def published_url(self) -> str:
        return reverse("fieldwork:meetings", kwargs={"reference": self.inspection.reference})

    def refuse_unless_allowed(self) -> None:
        if not self.request.user.has_perm("fieldwork.log_meeting", self.inspection):
            raise PermissionDenied(services.MEETING_REFUSED)

    def form_valid(self, form):
        try:
            meeting = services.meeting_log(
                inspection=self.inspection,
                logged_by=self.request.user,
                held_on=form.cleaned_data["held_on"],
                who_with=form.cleaned_data["who_with"],
                partner=form.cleaned_data["partner"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            return self.form_invalid(errors_onto(form, error))
        messages.success(self.request, f"The meeting with {meeting.who_with} is logged.")
        return redirect("fieldwork:meetings", reference=self.inspection.reference)
