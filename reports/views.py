"""The report's pages: writing it (the lead inspector), previewing it, making and downloading its PDF and
data (renders made by the Celery worker)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from accounts.queue import QueueUnavailable
from cases.models import KeyQuestionAnswer
from inspections.mixins import ActionFormView, FormOnlyPageMixin, InspectionMixin, errors_onto
from inspections.models import Domain, KeyQuestion, Standard
from inspections.services import current_publication, publication_withdraw
from ratings.selectors import current_sign_off

from . import facts as catalogue
from . import services
from .context import default_short_name, with_term
from .edition import CONTENT_SECURITY_POLICY as EDITION_CSP
from .forms import (
    AddresseeForm,
    CaseExampleForm,
    DomainSectionForm,
    FactBlockForm,
    FactSourceForm,
    FindingForm,
    RecommendationForm,
    RenderRequestForm,
    ReportDetailsForm,
    StandardNarrativeForm,
    WithdrawPublicationForm,
)
from .models import (
    Addressee,
    CaseExample,
    DomainSection,
    FactSource,
    Finding,
    KeyQuestionNarrative,
    Recommendation,
    Render,
    RenderFormat,
    RenderStatus,
    StandardNarrative,
)
from .pdf import report_html
from .selectors import (
    domains_of,
    fact_records,
    fact_warnings,
    flagged_quotes,
    offence_warnings,
    print_snapshot,
    ratings_figures,
    renders_of,
    report_get,
    report_snapshot,
)

WRITE = "inspections.write_report"
RENDER = "inspections.render_report"
READ = "inspections.view_inspection"
WRITE_DENIED = "Only the lead inspector writes the report."
PUBLISH = "inspections.publish"
WITHDRAW = "inspections.withdraw_publication"


class ReportMixin(InspectionMixin):
    """A report page of one inspection: team members only (404 for others), then the permission."""

    permission_required = READ

    @cached_property
    def report(self):
        return report_get(self.inspection)

    def overview_url(self) -> str:
        return reverse("reports:overview", kwargs={"reference": self.inspection.reference})

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.report, **kwargs)


class WriteMixin(ReportMixin, FormOnlyPageMixin):
    """The lead inspector's pages that write the report. Once it is published, the report's page (with the
    preview and the downloads) shows what they wrote."""

    permission_required = WRITE
    permission_denied_message = WRITE_DENIED

    def published_url(self) -> str:
        return self.overview_url()


# --- the report's page ----------------------------------------------------------------------------------


class OverviewView(ReportMixin, TemplateView):
    template_name = "reports/overview.html"

    def tasks(self) -> list[dict]:
        """The report's parts to write, each not started, started (in progress) or complete."""
        report, ref = self.report, self.inspection.reference
        sections, standards_written, counts = set(), set(), {}
        sections_complete, narratives = set(), {}
        if report.pk:
            written = list(DomainSection.objects.filter(report=report).select_related("domain"))
            with_findings = set(Finding.objects.filter(report=report).values_list("domain__code", flat=True))
            sections = {
                s.domain.code for s in written if s.summary or s.results or s.overview
            } | with_findings
            # Complete: the summary, results and overview written, and at least one finding.
            sections_complete = {
                s.domain.code for s in written if s.summary and s.results and s.overview
            } & with_findings
            # Key questions with a narrative, per standard: whether a standard is started and complete.
            for kq_id, code in (
                KeyQuestionNarrative.objects.filter(report=report)
                .exclude(text="")
                .values_list("key_question_id", "key_question__standard__code")
            ):
                narratives.setdefault(code, set()).add(kq_id)
            standards_written = set(narratives) | set(
                StandardNarrative.objects.filter(report=report)
                .exclude(text="")
                .values_list("standard__code", flat=True)
            )
            counts = {
                "recommendations": Recommendation.objects.filter(report=report).exists(),
                "facts": bool(fact_records(report)),
            }
        tasks = [
            {
                "name": "Cover, foreword, background and methodology",
                "url": reverse("reports:details", kwargs={"reference": ref}),
                "started": bool(report.pk and report.foreword),
                "complete": bool(report.pk and report.foreword and report.signatory_name),
            }
        ]
        for domain in domains_of(self.inspection):
            tasks.append(
                {
                    "name": f"{domain.code}. {domain.title}: summary, strengths and areas for improvement",
                    "url": reverse("reports:domain", kwargs={"reference": ref, "code": domain.code}),
                    "started": domain.code in sections,
                    "complete": domain.code in sections_complete,
                }
            )
        tasks += [
            {
                "name": "Recommendations",
                "url": reverse("reports:recommendations", kwargs={"reference": ref}),
                "started": counts.get("recommendations", False),
                "complete": counts.get("recommendations", False),
            },
            {
                "name": "Contextual facts",
                "url": reverse("reports:facts", kwargs={"reference": ref}),
                "started": counts.get("facts", False),
                "complete": counts.get("facts", False) and not fact_warnings(report),
            },
        ]
        for standard in (
            Standard.objects.filter(domain__framework=self.inspection.framework)
            .annotate(kq_count=Count("key_questions"))
            .order_by("domain__order", "order")
        ):
            tasks.append(
                {
                    "name": f"{standard.code} {standard.title}",
                    "url": reverse("reports:standard", kwargs={"reference": ref, "code": standard.code}),
                    "started": standard.code in standards_written,
                    # Complete: a narrative under every key question of the standard.
                    "complete": len(narratives.get(standard.code, ())) >= standard.kq_count > 0,
                }
            )
        return tasks

    def missing(self) -> list[dict]:
        """What the report cannot say yet, each with where it is entered (the publish page lists the same)."""
        if self.inspection.is_published:
            return []
        ref = self.inspection.reference
        return [
            {"message": item["message"], "url": problem_url(services.PublishProblem(**item), ref)}
            for item in report_snapshot(self.inspection)["missing"]
        ]

    def get_context_data(self, **kwargs):
        services.renders_sweep_stale(inspection=self.inspection)
        report = self.report
        renders = renders_of(self.inspection)
        return super().get_context_data(
            tasks=self.tasks(),
            missing=self.missing(),
            renders=renders,
            pending=any(r.is_pending for r in renders),
            sign_off=current_sign_off(self.inspection),
            warnings=(fact_warnings(report) if report.pk else []) + offence_warnings(self.inspection),
            unanonymised=services.examples_needing_anonymising(self.inspection) if report.pk else [],
            can_write=self.request.user.has_perm(WRITE, self.inspection) and not self.inspection.is_published,
            can_render=self.request.user.has_perm(RENDER, self.inspection),
            publication=current_publication(self.inspection),
            can_publish=self.request.user.has_perm(PUBLISH, self.inspection),
            can_withdraw=self.request.user.has_perm(WITHDRAW, self.inspection),
            short_name=report.service_short_name
            or default_short_name(self.inspection.service.name, self.inspection.service.term),
            **kwargs,
        )


class DetailsView(WriteMixin, ActionFormView):
    template_name = "reports/details.html"
    form_class = ReportDetailsForm

    def get_initial(self):
        report = self.report
        initial = {name: getattr(report, name) for name in services.REPORT_FIELDS}
        return {**initial, "version": report.version if report.pk else None}

    def perform(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        services.report_save(inspection=self.inspection, user=self.request.user, version=version, **data)
        return "The report's details are saved.", self.overview_url()


class DomainView(WriteMixin, ActionFormView):
    """A domain's executive summary, results paragraph and chapter overview, and its findings."""

    template_name = "reports/domain.html"
    form_class = DomainSectionForm

    @cached_property
    def domain(self) -> Domain:
        return get_object_or_404(Domain, framework=self.inspection.framework, code=self.kwargs["code"])

    @cached_property
    def section(self):
        if self.report.pk is None:
            return None
        return DomainSection.objects.filter(report=self.report, domain=self.domain).first()

    def get_initial(self):
        section = self.section
        if section is None:
            return {}
        return {
            "summary": section.summary,
            "results": section.results,
            "overview": section.overview,
            "version": section.version,
        }

    def get_context_data(self, **kwargs):
        findings = (
            list(Finding.objects.filter(report=self.report, domain=self.domain)) if self.report.pk else []
        )
        return super().get_context_data(
            domain=self.domain,
            strengths=[f for f in findings if f.kind == "strength"],
            improvements=[f for f in findings if f.kind == "improvement"],
            **kwargs,
        )

    def perform(self, form):
        services.domain_section_save(
            inspection=self.inspection, domain=self.domain, user=self.request.user, **form.cleaned_data
        )
        return f"The text of domain {self.domain.code} is saved.", self.request.path


class ItemFormView(WriteMixin, ActionFormView):
    """Adds an item (when the URL names no pk) or changes one: findings, addressees, recommendations,
    sources and chosen examples share this."""

    template_name = "reports/item_form.html"
    model = None
    noun = ""

    @cached_property
    def item(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.model, pk=self.kwargs["pk"], report__inspection=self.inspection)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["submit_label"] = "Save" if self.item else f"Add the {self.noun}"
        return kwargs

    def get_context_data(self, **kwargs):
        title = f"Change the {self.noun}" if self.item else f"Add a {self.noun}"
        return super().get_context_data(title=title, back_url=self.back_url(), item=self.item, **kwargs)

    def back_url(self) -> str:
        return self.overview_url()

    def perform(self, form):
        self.save(form.cleaned_data)
        return f"The {self.noun} is saved.", self.back_url()


class FindingFormView(ItemFormView):
    form_class = FindingForm
    model = Finding
    noun = "finding"

    @cached_property
    def domain(self) -> Domain:
        if self.item:
            return self.item.domain
        return get_object_or_404(Domain, framework=self.inspection.framework, code=self.kwargs["code"])

    def get_initial(self):
        if self.item:
            f = self.item
            return {
                "kind": f.kind,
                "text": f.text,
                "in_summary": f.in_summary,
                "in_chapter": f.in_chapter,
                "keeps_capital": f.keeps_capital,
                "version": f.version,
            }
        return {"in_summary": True, "in_chapter": True, "kind": self.request.GET.get("kind")}

    def back_url(self):
        return reverse(
            "reports:domain", kwargs={"reference": self.inspection.reference, "code": self.domain.code}
        )

    def save(self, data):
        services.finding_save(
            inspection=self.inspection, user=self.request.user, finding=self.item, domain=self.domain, **data
        )


class RecommendationsView(WriteMixin, TemplateView):
    template_name = "reports/recommendations.html"

    def get_context_data(self, **kwargs):
        addressees = (
            list(Addressee.objects.filter(report=self.report).prefetch_related("recommendations__standards"))
            if self.report.pk
            else []
        )
        number, groups = 0, []
        for addressee in addressees:
            items = []
            for recommendation in sorted(addressee.recommendations.all(), key=lambda r: (r.order, r.pk)):
                number += 1
                items.append((number, recommendation))
            groups.append((addressee, items))
        return super().get_context_data(groups=groups, count=number, **kwargs)


class AddresseeFormView(ItemFormView):
    form_class = AddresseeForm
    model = Addressee
    noun = "addressee"

    def get_initial(self):
        a = self.item
        return {"kind": a.kind, "name": a.name, "version": a.version} if a else {}

    def back_url(self):
        return reverse("reports:recommendations", kwargs={"reference": self.inspection.reference})

    def save(self, data):
        services.addressee_save(
            inspection=self.inspection, user=self.request.user, addressee=self.item, **data
        )


class RecommendationFormView(ItemFormView):
    form_class = RecommendationForm
    model = Recommendation
    noun = "recommendation"

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "addressees": Addressee.objects.filter(report__inspection=self.inspection),
            "standards": Standard.objects.filter(domain__framework=self.inspection.framework).order_by(
                "domain__order", "order"
            ),
        }

    def get_initial(self):
        r = self.item
        if r is None:
            return {"addressee": self.request.GET.get("addressee")}
        return {
            "addressee": r.addressee_id,
            "text": r.text,
            "standards": list(r.standards.all()),
            "version": r.version,
        }

    def back_url(self):
        return reverse("reports:recommendations", kwargs={"reference": self.inspection.reference})

    def save(self, data):
        services.recommendation_save(
            inspection=self.inspection, user=self.request.user, recommendation=self.item, **data
        )


class FactsView(WriteMixin, TemplateView):
    template_name = "reports/facts.html"

    def get_context_data(self, **kwargs):
        records = fact_records(self.report)
        blocks = []
        for block in catalogue.BLOCKS:
            rows = [(fact, records.get(fact.key)) for fact in block.facts]
            blocks.append({"block": block, "rows": rows, "entered": sum(1 for _f, r in rows if r)})
        sources = (
            list(FactSource.objects.filter(report=self.report).annotate(uses=Count("facts")))
            if self.report.pk
            else []
        )
        return super().get_context_data(
            blocks=blocks,
            sources=sources,
            warnings=fact_warnings(self.report) if self.report.pk else [],
            offence_warnings=offence_warnings(self.inspection),
            **kwargs,
        )


class FactBlockView(WriteMixin, ActionFormView):
    template_name = "reports/fact_block.html"
    form_class = FactBlockForm

    @cached_property
    def block(self) -> catalogue.FactBlock:
        try:
            return catalogue.BLOCKS_BY_KEY[self.kwargs["block"]]
        except KeyError:
            raise Http404("No such block of contextual facts.") from None

    def get_form_kwargs(self):
        term, short = (
            self.inspection.service.term,
            self.report.service_short_name
            or default_short_name(self.inspection.service.name, self.inspection.service.term),
        )
        return {
            **super().get_form_kwargs(),
            "block": self.block,
            "sources": FactSource.objects.filter(report__inspection=self.inspection),
            "records": fact_records(self.report),
            "label_for": lambda fact: (
                fact.label.replace("{service}", short).replace("{term}", term).replace(" ({period})", "")
            ),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(block=self.block, **kwargs)

    def perform(self, form):
        warnings = services.facts_save(
            inspection=self.inspection,
            user=self.request.user,
            block=self.block.key,
            rows=form.rows(),
            versions=form.versions(),
        )
        for warning in warnings:
            messages.warning(self.request, warning)
        url = reverse("reports:facts", kwargs={"reference": self.inspection.reference})
        return f"The figures of '{self.block.title}' are saved.", url


class FactSourceFormView(ItemFormView):
    form_class = FactSourceForm
    model = FactSource
    noun = "source"

    def get_initial(self):
        s = self.item
        if s is None:
            return {}
        return {
            "supplied_by": s.supplied_by,
            "organisation": s.organisation,
            "year": s.year,
            "title": s.title,
            "period": s.period,
            "version": s.version,
        }

    def back_url(self):
        return reverse("reports:facts", kwargs={"reference": self.inspection.reference})

    def save(self, data):
        services.fact_source_save(
            inspection=self.inspection, user=self.request.user, source=self.item, **data
        )


class StandardView(WriteMixin, ActionFormView):
    """A standard's narrative: its rationale and each key question's text, and the inspectors' flagged
    quotes to choose examples from."""

    template_name = "reports/standard.html"
    form_class = StandardNarrativeForm

    @cached_property
    def standard(self) -> Standard:
        return get_object_or_404(
            Standard.objects.select_related("domain"),
            domain__framework=self.inspection.framework,
            code=self.kwargs["code"],
        )

    @cached_property
    def key_questions(self) -> list[KeyQuestion]:
        return list(self.standard.key_questions.order_by("order"))

    @cached_property
    def figures(self):
        """The standard's figures (a case-based standard's only), read once for the form and its initial text."""
        if not self.standard.domain.is_case_based:
            return None
        return ratings_figures(self.inspection)[0].standards.get(self.standard.code)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "standard": self.standard,
            "key_questions": self.key_questions,
            "case_based": self.standard.domain.is_case_based,
            "term": self.inspection.service.term,
            "figures": self.figures,
        }

    def get_initial(self):
        figures = self.figures
        # The panel's rationale is the draft explanation of its discretion until the lead saves one.
        initial = {"discretion": figures.discretion_rationale if figures else ""}
        if self.report.pk is None:
            return initial
        narrative = StandardNarrative.objects.filter(report=self.report, standard=self.standard).first()
        if narrative:
            initial.update(text=narrative.text, standard_version=narrative.version)
            if narrative.discretion is not None:
                initial["discretion"] = narrative.discretion
        for n in KeyQuestionNarrative.objects.filter(
            report=self.report, key_question__in=self.key_questions
        ).select_related("key_question"):
            initial[f"kq_{n.key_question.code}"] = n.text
            initial[f"kq_{n.key_question.code}_version"] = n.version
        return initial

    def get_context_data(self, **kwargs):
        codes = [kq.code for kq in self.key_questions]
        chosen = (
            list(
                CaseExample.objects.filter(
                    report=self.report, key_question__in=self.key_questions
                ).select_related("key_question")
            )
            if self.report.pk
            else []
        )
        chosen_answers = {e.answer_id for e in chosen}
        quotes = [q for q in flagged_quotes(self.inspection, codes) if q.pk not in chosen_answers]
        if not self.standard.domain.is_case_based:
            # Domain one's key questions have no case answers: offer every flagged quote of the inspection.
            quotes = [q for q in flagged_quotes(self.inspection, None) if q.pk not in chosen_answers]
        return super().get_context_data(
            standard=self.standard,
            statement=with_term(self.standard.statement, self.inspection.service.term),
            key_questions=self.key_questions,
            quotes=quotes,
            chosen=chosen,
            **kwargs,
        )

    def perform(self, form):
        services.standard_narrative_save(
            inspection=self.inspection,
            user=self.request.user,
            standard=self.standard,
            text=form.cleaned_data["text"] or "",
            discretion=form.cleaned_data.get("discretion") if form.has_discretion else None,
            key_question_texts=form.key_question_texts(),
            versions=form.versions(),
        )
        return f"The text of standard {self.standard.code} is saved.", self.request.path


class ExampleAddView(WriteMixin, View):
    """Takes a flagged quote into the report under one of the standard's key questions (POST)."""

    def post(self, request, reference, code):
        standard = get_object_or_404(Standard, domain__framework=self.inspection.framework, code=code)
        back = reverse("reports:standard", kwargs={"reference": reference, "code": code}) + "#examples"
        answer = (
            KeyQuestionAnswer.objects.select_related("case")
            .filter(pk=request.POST.get("answer") or None, case__inspection=self.inspection)
            .first()
        )
        key_question = KeyQuestion.objects.filter(
            standard=standard, code=request.POST.get("key_question")
        ).first()
        if answer is None or key_question is None:
            messages.error(request, "Choose a flagged quote and the key question to print it under.")
            return redirect(back)
        try:
            example = services.case_example_add(
                inspection=self.inspection, user=request.user, answer=answer, key_question=key_question
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
        messages.success(request, "The quote is added. Check that it identifies no one, then save it.")
        return redirect(reverse("reports:example-edit", kwargs={"reference": reference, "pk": example.pk}))


class ExampleFormView(ItemFormView):
    form_class = CaseExampleForm
    model = CaseExample
    noun = "example"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("submit_label")
        return kwargs

    def get_initial(self):
        e = self.item
        return {"kind": e.kind, "lead_in": e.lead_in, "text": e.text, "version": e.version}

    def back_url(self):
        return reverse(
            "reports:standard",
            kwargs={"reference": self.inspection.reference, "code": self.item.key_question.standard.code},
        )

    def save(self, data):
        services.case_example_save(
            inspection=self.inspection,
            user=self.request.user,
            example=self.item,
            version=data["version"],
            kind=data["kind"],
            lead_in=data["lead_in"],
            text=data["text"],
        )


DELETABLE = {
    "finding": (Finding, "finding"),
    "addressee": (Addressee, "addressee"),
    "recommendation": (Recommendation, "recommendation"),
    "source": (FactSource, "source"),
    "example": (CaseExample, "example"),
}


class DeleteView(WriteMixin, TemplateView):
    """Asks, then deletes, one authored item."""

    template_name = "reports/delete.html"

    @cached_property
    def item(self):
        try:
            model, _noun = DELETABLE[self.kwargs["kind"]]
        except KeyError:
            raise Http404("Nothing of that kind can be deleted here.") from None
        return get_object_or_404(model, pk=self.kwargs["pk"], report__inspection=self.inspection)

    def back_url(self) -> str:
        kind, item, ref = self.kwargs["kind"], self.item, self.inspection.reference
        if kind == "finding":
            return reverse("reports:domain", kwargs={"reference": ref, "code": item.domain.code})
        if kind in ("addressee", "recommendation"):
            return reverse("reports:recommendations", kwargs={"reference": ref})
        if kind == "source":
            return reverse("reports:facts", kwargs={"reference": ref})
        return reverse("reports:standard", kwargs={"reference": ref, "code": item.key_question.standard.code})

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            item=self.item, noun=DELETABLE[self.kwargs["kind"]][1], back_url=self.back_url(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        back, kind, item = self.back_url(), self.kwargs["kind"], self.item
        try:
            services.report_item_delete(inspection=self.inspection, item=item)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(back)
        messages.success(request, f"The {DELETABLE[kind][1]} is deleted.")
        return redirect(back)


MOVABLE = {"finding": Finding, "addressee": Addressee, "recommendation": Recommendation}


class MoveView(WriteMixin, View):
    def post(self, request, reference, kind, pk, direction):
        model = MOVABLE.get(kind)
        if model is None or direction not in ("up", "down"):
            raise Http404("Nothing of that kind can be moved.")
        item = get_object_or_404(model, pk=pk, report__inspection=self.inspection)
        services.item_move(item=item, direction=-1 if direction == "up" else 1)
        if kind == "finding":
            return redirect(
                reverse("reports:domain", kwargs={"reference": reference, "code": item.domain.code})
            )
        return redirect(reverse("reports:recommendations", kwargs={"reference": reference}))


# --- preview, renders and downloads ---------------------------------------------------------------------


class PreviewView(ReportMixin, View):
    """The report as HTML, built by the same builder and templates as the PDF."""

    def get(self, request, reference):
        return HttpResponse(
            report_html(print_snapshot(self.inspection), for_pdf=False, back_url=self.overview_url())
        )


class RenderCreateView(ReportMixin, View):
    permission_required = RENDER
    permission_denied_message = "Only the lead inspector makes the report's PDF and data files."

    def post(self, request, reference):
        form = RenderRequestForm(request.POST)
        if not form.is_valid():
            messages.error(
                request, "Choose the file to make: the PDF, the HTML edition, or the data as CSV or XLSX."
            )
            return redirect(self.overview_url() + "#renders")
        format = form.cleaned_data["format"]
        try:
            render = services.render_request(inspection=self.inspection, user=request.user, format=format)
        except QueueUnavailable as exc:
            # The render is kept, marked failed with the reason: "Try again" queues it once the queue answers.
            messages.error(request, str(exc))
            return redirect(self.overview_url() + "#renders")
        messages.success(request, f"{render.get_format_display()} version {render.number} is queued.")
        return redirect(self.overview_url() + "#renders")


class RenderRetryView(ReportMixin, View):
    permission_required = RENDER
    permission_denied_message = "Only the lead inspector makes the report's PDF and data files."

    def post(self, request, reference, pk):
        render = get_object_or_404(Render, pk=pk, inspection=self.inspection)
        try:
            services.render_retry(render=render, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except QueueUnavailable as exc:
            messages.error(request, str(exc))
        return redirect(self.overview_url() + "#renders")


class RenderStatusView(ReportMixin, View):
    """The renders' statuses as JSON, for the page's script that shows progress without reloading."""

    def get(self, request, reference):
        services.renders_sweep_stale(inspection=self.inspection)
        renders = Render.objects.filter(inspection=self.inspection).order_by("-requested_at", "-pk")
        return JsonResponse(
            {
                "renders": [
                    {
                        "id": r.pk,
                        "status": r.status,
                        "label": r.get_status_display(),
                        "reason": r.failure_reason,
                        "download": reverse(
                            "reports:render-download", kwargs={"reference": reference, "pk": r.pk}
                        )
                        if r.status == RenderStatus.READY
                        else None,
                    }
                    for r in renders
                ]
            }
        )


class RenderDownloadView(ReportMixin, View):
    """Downloads a finished render; every download is logged with who, when and from where."""

    def get(self, request, reference, pk):
        render = get_object_or_404(Render, pk=pk, inspection=self.inspection, status=RenderStatus.READY)
        if not render.file:
            raise Http404("The file of this render is missing.")
        try:
            handle = render.file.open("rb")
        except FileNotFoundError:
            raise Http404("The file of this render is missing.") from None
        services.render_download_record(render=render, request=request)
        content_type = {
            RenderFormat.PDF: "application/pdf",
            RenderFormat.HTML: "text/html; charset=utf-8",
            RenderFormat.CSV: "text/csv; charset=utf-8",
            RenderFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }[render.format]
        # The HTML edition can be read in the browser (?view): a page that may show only itself.
        view = render.format == RenderFormat.HTML and "view" in request.GET
        response = FileResponse(
            handle, as_attachment=not view, filename=render.filename, content_type=content_type
        )
        if render.format == RenderFormat.HTML:
            response["Content-Security-Policy"] = EDITION_CSP
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# --- publication ----------------------------------------------------------------------------------------


def problem_url(problem: services.PublishProblem, reference: str) -> str:
    """Where the person publishing puts a problem right."""
    ref = {"reference": reference}
    part, key = problem.part, problem.ref
    if part == "sign_off":
        return reverse("ratings:ratings", kwargs=ref)
    if part == "details":
        return reverse("reports:details", kwargs=ref) + f"#id_{key}"
    if part == "alert":
        return reverse("alerts:resolve", kwargs={**ref, "number": int(key)})
    if part in ("recommendations", "facts"):
        return reverse(f"reports:{part}", kwargs=ref)
    if part == "cases":  # recorded on the cases: the progress page lists them
        return reverse("cases:progress", kwargs=ref)
    if part in ("domain", "standard"):
        return reverse(f"reports:{part}", kwargs={**ref, "code": key})
    return reverse(f"reports:{part}-edit", kwargs={**ref, "pk": int(key)})


class PublishView(ReportMixin, TemplateView):
    """Checks that the report has all a published report needs, then (POST) publishes it: the data freeze."""

    permission_required = PUBLISH
    permission_denied_message = "Only the lead inspector of this inspection can publish its report."
    template_name = "reports/publish.html"

    def get_context_data(self, **kwargs):
        publication = current_publication(self.inspection)
        problems = [] if publication else services.publication_problems(self.inspection)
        ref = self.inspection.reference
        return super().get_context_data(
            publication=publication,
            problems=[{"message": p.message, "url": problem_url(p, ref)} for p in problems],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        try:
            services.report_publish(inspection=self.inspection, user=request.user)
        except ValidationError:
            return self.render_to_response(self.get_context_data(refused=True))
        messages.success(
            request,
            "The report is published and the inspection's data are frozen. The final PDF is being made.",
        )
        return redirect(self.overview_url() + "#renders")


class WithdrawPublicationView(ReportMixin, FormView):
    """An administrator withdraws a publication, giving the reason: the data can be changed again."""

    permission_required = WITHDRAW
    permission_denied_message = "Only an administrator can withdraw a publication."
    template_name = "reports/withdraw.html"
    form_class = WithdrawPublicationForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(publication=current_publication(self.inspection), **kwargs)

    def form_valid(self, form):
        try:
            publication_withdraw(
                inspection=self.inspection,
                withdrawn_by=self.request.user,
                reason=form.cleaned_data["reason"],
                request=self.request,
            )
        except ValidationError as error:
            return self.form_invalid(errors_onto(form, error))
        messages.success(
            self.request, "The publication is withdrawn. The inspection's data can be changed again."
        )
        return redirect(self.overview_url())
