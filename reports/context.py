"""The report builder: authored content + computed figures -> one JSON-able snapshot of the whole report.

The HTML preview and the PDF are both rendered from this snapshot with the same templates, so they cannot
disagree; a render stores the snapshot it was built from, so a report can be rebuilt exactly. Every sentence
that carries a number is generated here, once (docs/report.md, One source for every figure): the sample sentences, the
sub-sample footnotes, the count of recommendations, Annexe 1's figures. Authored text reaches the report only
through `markup.blocks`, which escapes it and fills in its tokens.

This module does no database access: `selectors.report_sources` gathers what it needs.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from ratings import rules
from sampling.rules import SamplingSettings

from . import facts as catalogue
from .figures import RatingsFigures, SampleFigures
from .markup import blocks, inline, placeholder
from .numbers import figure, number_words, per_cent, spelled_out, table_percent
from .tokens import CATEGORIES, Count, Figure, OutOf, Percent, Text, Value, Vocabulary, tokens_used

SNAPSHOT_FORMAT = "report-snapshot/1"
STANDARDS_URL = (
    "https://www.justiceinspectorates.gov.uk/hmiprobation/about-our-work/our-standards-and-ratings/"
)
RATING_NOTE = (
    "The rating for the standard is driven by the lowest score on each of the key questions, which is placed "
    "in a rating band, indicated in bold in the table. See Annexe 1 for a more detailed explanation."
)
DISCRETION_NOTE = "*Professional discretion applied."
# Who a sub-sample key question is asked about; the footnote on its rows is made from these, once.
RELEVANCE = {
    "child_safety_subsample": "cases where there were factors related to keeping the child safe",
    "others_safety_subsample": "cases where there were factors related to keeping other people safe",
    "review_needed": "cases where a review was needed",
    "ycc_only": "youth conditional caution cases",
}
SUBSAMPLE_RULES = {
    "child_safety": "child_safety_subsample",
    "others_safety": "others_safety_subsample",
    "review_needed": "review_needed",
    "ycc": "ycc_only",
}
CATEGORY_OF_DOMAIN = {"2": "court", "3": "out_of_court"}
COURT_GROUPS = (
    (
        "community sentence",
        "community sentences",
        ("referral_order", "youth_rehabilitation_order", "other_court"),
    ),
    ("custodial sentence", "custodial sentences", ("detention_and_training_order",)),
)
OUT_OF_COURT_GROUPS = (
    ("youth conditional caution", "youth conditional cautions", ("youth_conditional_caution",)),
    ("youth caution", "youth cautions", ("youth_caution",)),
    ("community resolution", "community resolutions", ("community_resolution",)),
    (
        "case of no further action with an intervention",
        "cases of no further action with an intervention",
        ("no_further_action",),
    ),
    ("other out-of-court disposal", "other out-of-court disposals", ("other_out_of_court",)),
)
BAND_WORDS = {
    rules.INADEQUATE: "Minority: less than {high_next}% of inspected cases judged sufficient on the key question",
    rules.REQUIRES_IMPROVEMENT: "Too few: only {low}-{high}% of inspected cases judged to be sufficient",
    rules.GOOD: "Reasonable majority: {low}-{high}% of cases",
    rules.OUTSTANDING: "Large majority: {low}% or more of cases",
}
CHAPTER_BOILERPLATE = {
    "1": "Organisations that are well led and well managed are more likely to achieve their aims.",
    "2": "Work with children sentenced by the courts will be more effective if it is well targeted, planned "
    "and implemented. In our inspections, we look at a sample of cases. In each of those cases,",
    "3": "Work with children receiving out-of-court disposals will be more effective if it is well targeted, "
    "planned and implemented. In our inspections, we look at a sample of cases. In each of those cases,",
}


@dataclass
class ReportSources:
    """Everything the builder reads, gathered by `selectors.report_sources`."""

    inspection: Mapping  # reference, service, term, is_joint, lead_inspector, fieldwork, announcement_date
    report: object  # reports.models.Report (possibly unsaved: nothing authored yet)
    framework: Sequence[dict]  # inspections.selectors.framework_structure
    ratings: RatingsFigures
    sample: SampleFigures
    sections: Mapping[str, object] = field(default_factory=dict)  # domain code -> DomainSection
    findings: Sequence[object] = ()
    recommendations: Sequence[tuple[object, Sequence[object]]] = ()  # (Addressee, [Recommendation])
    facts: Mapping[str, object] = field(default_factory=dict)  # key -> ContextualFact (source loaded)
    standard_narratives: Mapping[str, str] = field(default_factory=dict)
    # The lead's explanation of the panel's discretion, by standard (None: never saved, so the panel's
    # rationale is offered).
    discretion_texts: Mapping[str, str | None] = field(default_factory=dict)
    key_question_narratives: Mapping[str, str] = field(default_factory=dict)
    examples: Mapping[str, Sequence[object]] = field(default_factory=dict)  # key question -> [CaseExample]
    sampling: SamplingSettings = field(default_factory=SamplingSettings)
    meetings_logged: int = 0  # the meetings the team logged (fieldwork); 0 leaves Report.meetings_held


# --- small helpers ---------------------------------------------------------------------------------------


def with_term(text: str, term: str) -> str:
    """Framework wording says "YOT" for the inspected service. The report prints the framework's wording
    verbatim, as published (the service's own term is used only in the text the app generates); the data
    exports still use this."""
    return re.sub(r"\bYOT\b", term, text)


def quoted_rating(rating: str | None) -> str:
    return f"'{rules.RATING_LABELS[rating]}'" if rating else "not yet rated"


def footnote(html: str) -> str:
    return f'<span class="footnote">{html}</span>'


def and_list(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def plural(number: int, singular: str, plural_form: str) -> str:
    return f"{number_words(number)} {singular if number == 1 else plural_form}"


def month_year(day: datetime.date | None) -> str:
    return day.strftime("%B %Y") if day else ""


def fieldwork_phrase(periods: Sequence[tuple[datetime.date, datetime.date]]) -> str:
    """ "between 12 and 16 July 2021, and 26 and 30 July 2021": each period, each as short as it can be."""

    def period(start: datetime.date, end: datetime.date) -> str:
        if start == end:
            return f"on {end.day} {end:%B %Y}"
        if (start.year, start.month) == (end.year, end.month):
            first = f"{start.day}"
        elif start.year == end.year:
            first = f"{start.day} {start:%B}"
        else:
            first = f"{start.day} {start:%B %Y}"
        return f"{first} and {end.day} {end:%B %Y}"

    parts = [period(start, end) for start, end in periods]
    if not parts:
        return ""
    text = ", and ".join(parts)
    return text if text.startswith("on ") else f"between {text}"


def bullets(texts: Sequence[str], *, lower_first: Sequence[bool] | None = None) -> list[str]:
    """House style for executive summary and recommendation lists: no closing punctuation on an item, and a
    full stop on the list's last one; optionally a lower-case first letter."""
    out = []
    for index, text in enumerate(texts):
        text = text.strip().rstrip(".;,")
        if lower_first and lower_first[index] and text[:1].isupper() and not text[1:2].isupper():
            text = text[0].lower() + text[1:]
        if index == len(texts) - 1:
            text += "."
        out.append(text)
    return out


def sentence(text: str) -> str:
    """A chapter's strengths and areas for improvement: a capital first letter and a closing full stop."""
    text = text.strip()
    if text and text[-1] not in ".!?":
        text += "."
    return text[:1].upper() + text[1:]


def confidence_percent(z: Decimal) -> int:
    """The two-sided confidence level of a z value, as a whole percentage: 1.2816 -> 80."""
    return round(math.erf(float(z) / math.sqrt(2)) * 100)


# --- the builder -----------------------------------------------------------------------------------------


class Builder:
    def __init__(self, sources: ReportSources):
        self.s = sources
        self.report = sources.report
        self.term = sources.inspection["term"]
        self.service = sources.inspection["service"]
        self.short = self.report.service_short_name or default_short_name(self.service, self.term)
        self.domains = list(sources.framework)
        self.standards = {s["id"]: s for d in self.domains for s in d["standards"]}
        self.key_questions = {k["id"]: k for s in self.standards.values() for k in s["key_questions"]}
        self.vocabulary = vocabulary_of(self.domains)
        # What the report cannot say yet, each once, with where it is entered (part and ref as for
        # services.PublishProblem): printed as a placeholder in the draft and listed on the report page.
        self.missing: list[dict] = []
        self.values = self.token_values()

    def gap(self, words: str, message: str, part: str, ref: str = "") -> str:
        """A visible placeholder for something not recorded, and the missing item that says where to enter
        it."""
        item = {"message": message, "part": part, "ref": ref}
        if item not in self.missing:
            self.missing.append(item)
        return placeholder(words)

    def note_missing(self, message: str, part: str, ref: str = "") -> str:
        """A missing item whose placeholder the template prints (the value stays empty in the snapshot)."""
        self.gap("", message, part, ref)
        return ""

    def gap_blocks(self, words: str, message: str, part: str, ref: str = "") -> list[dict]:
        return [{"kind": "p", "html": self.gap(words, message, part, ref)}]

    def interviews(self, category: str) -> int | None:
        """Case manager interviews held in the category's cases; None (and a missing item) if not recorded."""
        held = self.s.sample.interviews.get(category, 0)
        if held is None:
            words = "court" if category == "court" else "out-of-court"
            self.gap(
                "interviews not yet recorded",
                f"Case manager interviews are not recorded for any {words} case.",
                "cases",
            )
        return held

    # Tokens --------------------------------------------------------------------------------------------

    def court_total(self) -> int:
        return sum(n for t, n in self.s.sample.disposals.items() if t in _types(COURT_GROUPS))

    def out_of_court_total(self) -> int:
        return sum(n for t, n in self.s.sample.disposals.items() if t in _types(OUT_OF_COURT_GROUPS))

    def subsample(self, category: str, which: str) -> int:
        """The size of a sub-sample: the applicable cases of the key questions asked only of it (the same
        counts as the key-question tables, so the sentences and the tables cannot disagree)."""
        domain = "2" if category == "court" else "3"
        rule = SUBSAMPLE_RULES[which]
        sizes = [
            kq.applicable
            for kq_id, kq in self._kq_figures().items()
            if kq_id.startswith(f"{domain}.") and self.key_questions[kq_id]["applicability"] == [rule]
        ]
        return max(sizes, default=0)

    def _kq_figures(self):
        return {kq.id: kq for s in self.s.ratings.standards.values() for kq in s.key_questions}

    def sample_description(self, category: str) -> str:
        groups = COURT_GROUPS if category == "court" else OUT_OF_COURT_GROUPS
        parts = []
        for singular, plural_form, types in groups:
            n = sum(self.s.sample.disposals.get(t, 0) for t in types)
            if n:
                parts.append(plural(n, singular, plural_form))
        return and_list(parts) or "no cases"

    def token_values(self) -> dict[str, Value]:
        ratings = self.s.ratings
        values: dict[str, Value] = {
            "service": Text(self.service),
            "service_short": Text(self.short),
            "term": Text(self.term),
            "overall_rating": Text(quoted_rating(ratings.overall_rating)),
            "score": Count(ratings.score or 0),
            "max_score": Count(ratings.max_score),
            "standards_count": Count(len(self.standards)),
            "fieldwork": Text(fieldwork_phrase(self.s.inspection["fieldwork"])),
            "recommendations_count": Count(n)
            if (n := sum(len(r) for _a, r in self.s.recommendations))
            else None,
        }
        for code in self.standards:
            figures = ratings.standards.get(code)
            values[f"rating:{code}"] = Text(quoted_rating(figures.rating if figures else None))
        for kq in self._kq_figures().values():
            _figure_values(values, f"kq:{kq.id}", kq.yes, kq.applicable, kq.percent)
        for kq_id in self.vocabulary.key_questions - set(self._kq_figures()):
            _figure_values(values, f"kq:{kq_id}", 0, 0, None)
        for prompt_id in self.vocabulary.prompts:
            p = ratings.prompts.get(prompt_id)
            _figure_values(
                values,
                f"prompt:{prompt_id}",
                p.yes if p else 0,
                p.applicable if p else 0,
                p.percent if p else None,
            )
        totals = {"court": self.court_total(), "out_of_court": self.out_of_court_total()}
        for category, total in totals.items():
            values[f"sample:{category}:description"] = Text(self.sample_description(category))
            values[f"sample:{category}:total"] = Count(total)
            held = self.s.sample.interviews.get(category, 0)
            values[f"interviews:{category}"] = None if held is None else Count(held)
            for which in SUBSAMPLE_RULES:
                values[f"subsample:{category}:{which}"] = Count(self.subsample(category, which))
        held = list(self.s.sample.interviews.values())
        values["interviews:total"] = None if None in held else Count(sum(held))
        for key, fact in catalogue.FACTS.items():
            record = self.s.facts.get(key)
            for exact, suffix in ((False, ""), (True, ":decimal")):
                values[f"fact:{key}{suffix}"] = _fact_value(record.value if record else "", fact.unit, exact)
                values[f"fact:{key}:national{suffix}"] = _fact_value(
                    record.national if record else "", fact.unit, exact
                )
        return values

    def text(self, authored: str, *, literal: bool = False) -> list[dict]:
        if not literal:
            for key in tokens_used(authored or "", self.vocabulary):
                if self.values.get(key) is None:
                    self.not_recorded_token(key)
        return blocks(authored, self.values, self.vocabulary, literal=literal)

    def not_recorded_token(self, key: str) -> None:
        """A token whose figure is not recorded prints a placeholder; say where it is entered."""
        if key.startswith("fact:"):
            name = key.split(":")[1]
            self.gap("", f"The text cites the contextual fact {name}, which is not entered.", "facts")
        elif key.startswith("interviews:"):
            for category in ("court", "out_of_court"):
                self.interviews(category)
        elif key == "recommendations_count":
            self.gap("", "No recommendation is written yet.", "recommendations")

    def line(self, authored: str) -> str:
        self.text(authored)  # notes any token whose figure is not recorded
        return inline(authored, self.values, self.vocabulary)

    # Sections ------------------------------------------------------------------------------------------

    def build(self) -> dict:
        ratings = self.s.ratings
        report = self.report
        inspection = self.s.inspection
        # The cover prints the service's full name on its own line; as one line (the document's and the PDF's
        # title) it reads "… youth offending services in Cheshire", the place alone.
        title = f"{report.cover_lead} {place_name(self.service)}".strip()
        lead_inspector = (getattr(report, "lead_inspector_name", "") or "").strip() or inspection[
            "lead_inspector"
        ]
        snapshot = {
            "format": SNAPSHOT_FORMAT,
            "title": title,
            "is_draft": not ratings.signed_off,
            "term": self.term,
            "short_name": self.short,
            "cover": {
                "lead": report.cover_lead,
                "service": self.service,
                "date": month_year(report.publication_date)
                or self.note_missing(
                    "The month of publication is not entered.", "details", "publication_date"
                ),
            },
            "acknowledgements": {
                "lead_inspector": lead_inspector
                or self.note_missing(
                    "The lead inspector's name is not entered.", "details", "lead_inspector_name"
                ),
                "is_joint": inspection["is_joint"],
            },
            "publishing": {
                "year": (report.publication_date or inspection["fieldwork"][0][1]).year,
                "isbn": report.isbn or self.note_missing("The ISBN is not entered.", "details", "isbn"),
            },
            "foreword": {
                "blocks": self.text(report.foreword)
                if report.foreword.strip()
                else self.gap_blocks(
                    "foreword not yet written", "The foreword is not yet written.", "details", "foreword"
                ),
                "signatory": report.signatory_name
                or self.note_missing("The foreword's signatory is not named.", "details", "signatory_name"),
                "signatory_title": report.signatory_title,
            },
            "ratings": self.ratings_table(),
            "summary": self.executive_summary(),
            "recommendations": self.recommendations(),
            "background": self.background(),
            "facts": self.contextual_facts(),
            "chapters": [self.chapter(domain) for domain in self.domains],
            "annexe1": self.annexe_one(),
            "annexe2": self.annexe_two(),
        }
        snapshot["annexe2_note"] = self.annexe_two_note()
        snapshot["missing"] = self.missing
        return snapshot

    def ratings_table(self) -> dict:
        ratings = self.s.ratings
        rows = []
        for domain in self.domains:
            standards = []
            for s in domain["standards"]:
                figures = ratings.standards.get(s["id"])
                rating = figures.rating if figures else None
                standards.append(
                    {
                        "id": s["id"],
                        "title": s["title"],
                        "rating": rating,
                        "label": rules.RATING_LABELS[rating] if rating else "Not yet rated",
                    }
                )
            rows.append(
                {"id": domain["id"], "title": f"{domain['id']}. {domain['title']}", "standards": standards}
            )
        return {
            "service": self.service,
            "score": f"{ratings.score}/{ratings.max_score}" if ratings.score is not None else "–",
            "overall": ratings.overall_rating,
            "overall_label": rules.RATING_LABELS[ratings.overall_rating]
            if ratings.overall_rating
            else "Not yet rated",
            "missing": list(ratings.missing),
            "domains": rows,
        }

    def scoring_note(self) -> str:
        """Footnote: the scoring rules, from the rules' configuration and the framework's size."""
        n = len(self.standards)
        top = rules.RATING_SCORES[rules.OUTSTANDING]
        scale = "; ".join(f"'{rules.RATING_LABELS[r]}' = {rules.RATING_SCORES[r]}" for r in rules.RATINGS)
        bands = ", ".join(
            f"{low}–{high} = '{rules.RATING_LABELS[r]}'" for low, high, r in rules.OVERALL_BANDS
        )
        return (
            f"Each of the {number_words(n)} standards is scored on a 0–{top} scale in which {scale}. Adding these "
            f"scores produces a total score ranging from 0–{self.s.ratings.max_score}, which is banded to produce "
            f"the overall rating, as follows: {bands}."
        )

    def summary_opening(self) -> str:
        ratings = self.s.ratings
        n_domains = spelled_out(len(self.domains))
        if ratings.overall_rating:
            first = f"Overall, {escape(self.short)} is rated as: {quoted_rating(ratings.overall_rating)}."
        else:
            first = (
                f"The overall rating of {escape(self.short)} is not yet available: "
                f"{escape(and_list(ratings.missing))} {'has' if len(ratings.missing) == 1 else 'have'} no rating yet."
            )
        standards_note = footnote(
            f'HM Inspectorate of Probation\'s standards can be found here: <a href="{STANDARDS_URL}">{STANDARDS_URL}</a>'
        )
        fieldwork = fieldwork_phrase(self.s.inspection["fieldwork"])
        return (
            f"{first} This rating has been determined by inspecting it in {n_domains} areas of its work, referred "
            f"to as 'domains'. We inspect against {number_words(len(self.standards))} 'standards', shared between "
            "the domains. The standards are based on established models and frameworks, which are grounded in "
            "evidence, learning and experience. They are designed to drive improvements in the quality of work "
            f"with children who have offended.{standards_note} Published scoring rules generate the overall "
            f"{escape(self.term)} rating.{footnote(escape(self.scoring_note()))} The findings and subsequent "
            "ratings in those domains are described below."
            + (f" Our fieldwork was conducted {escape(fieldwork)}." if fieldwork else "")
        )

    def findings(self, code: str, kind: str, *, where: str) -> list:
        return [f for f in self.s.findings if f.domain.code == code and f.kind == kind and getattr(f, where)]

    def summary_bullets(self, code: str, kind: str) -> list[str]:
        found = self.findings(code, kind, where="in_summary")
        texts = bullets([f.text for f in found], lower_first=[not f.keeps_capital for f in found])
        return [self.line(t) for t in texts]

    def sample_paragraph(self, code: str) -> str:
        """The sample sentences of a case-based domain: the same words in the summary and the chapter."""
        category = CATEGORY_OF_DOMAIN[code]
        term = escape(self.term)
        interviews = self.interviews(category)
        titles = [s["title"].lower() for s in self.standard_list(code)]
        examined = "; ".join(titles[:-1]) + f"; and {titles[-1]}" if len(titles) > 1 else "".join(titles)
        child, others = self.subsample(category, "child_safety"), self.subsample(category, "others_safety")
        if category == "court":
            return (
                f"We took a detailed look at {escape(self.sample_description(category))} managed by the {term}. "
                + (
                    placeholder("interviews not yet recorded")
                    if interviews is None
                    else f"We also conducted {plural(interviews, 'interview', 'interviews')} with the relevant "
                    "case managers."
                )
                + f" We examined the quality of {escape(examined)}. Each of these elements was inspected "
                "in respect of work done to address desistance. For services to keep the child safe, we assessed "
                "the quality of planning, and implementation and delivery in the "
                f"{plural(child, 'case', 'cases')} where we expected meaningful work to take place. Similarly, for "
                "work to keep others safe, we assessed the quality of planning, and implementation and delivery "
                f"in the {plural(others, 'case', 'cases')} where meaningful work was required."
            )
        total = self.out_of_court_total()
        ycc = self.subsample(category, "ycc")
        # Joint working with the police, out-of-court only, is said separately below.
        shared = self.standard_titles()["shared"]
        examined = "; ".join(shared[:-1]) + f"; and {shared[-1]}"
        ycc_cases = (
            f" in the {plural(ycc, 'youth conditional caution case', 'youth conditional caution cases')}"
        )
        return (
            f"We inspected {plural(total, 'case', 'cases')} managed by the {term} that had received an "
            f"out-of-court disposal. These consisted of {escape(self.sample_description(category))}. "
            + (
                placeholder("interviews not yet recorded")
                if interviews is None
                else f"We interviewed the case managers in {plural(interviews, 'case', 'cases')}."
            )
            + " "
            f"We examined the quality of {escape(examined)}. Each of these elements was inspected in respect of "
            f"work done to address desistance. For the {plural(others, 'case', 'cases')} where there were "
            "factors related to harm, we also inspected work done to keep other people safe. In the "
            f"{plural(child, 'case', 'cases')} where safety and wellbeing concerns were identified, we looked at "
            "work done to safeguard the child. We also looked at the quality of joint working with local police"
            f"{ycc_cases if ycc else ''}."
        )

    def standard_titles(self) -> dict[str, list[str]]:
        """The case-based domains' standards in lower case, and those both domains have."""
        court = [s["title"].lower() for s in self.standard_list("2")]
        out_of_court = [s["title"].lower() for s in self.standard_list("3")]
        return {
            "court": court,
            "out_of_court": out_of_court,
            "shared": [t for t in court if t in out_of_court],
        }

    def standard_list(self, code: str) -> list[dict]:
        return next(d["standards"] for d in self.domains if d["id"] == code)

    def section(self, code: str):
        return self.s.sections.get(code)

    def executive_summary(self) -> dict:
        domains = []
        for domain in self.domains:
            code = domain["id"]
            section = self.section(code)
            written = bool(section and (section.summary.strip() or section.results.strip())) or any(
                self.findings(code, kind, where="in_summary") for kind in ("strength", "improvement")
            )
            domains.append(
                {
                    "id": code,
                    "heading": f"{code}. {domain['title']}",
                    "sample": self.sample_paragraph(code) if code in CATEGORY_OF_DOMAIN else "",
                    "blocks": self.text(section.summary if section else "")
                    if written
                    else self.gap_blocks(
                        "executive summary of this domain not yet written",
                        f"The executive summary of domain {code} is not yet written.",
                        "domain",
                        code,
                    ),
                    "results": self.text(getattr(section, "results", "") if section else ""),
                    "discretion": [
                        block
                        for s in domain["standards"]
                        if any(
                            kq.discretion
                            for kq in getattr(self.s.ratings.standards.get(s["id"]), "key_questions", ())
                        )
                        for block in self.discretion(s["id"])
                    ],
                    "findings_lead": f"Key findings about {domain['title'].lower()} are as follows:",
                    "strengths": self.summary_bullets(code, "strength"),
                    "improvements": self.summary_bullets(code, "improvement"),
                }
            )
        return {
            "opening": self.summary_opening(),
            "context": self.text(self.report.summary_context),
            "domains": domains,
        }

    def recommendations(self) -> dict:
        groups, number = [], 0
        for addressee, recommendations in self.s.recommendations:
            if not recommendations:
                continue
            items = []
            for text in bullets([r.text for r in recommendations]):
                number += 1
                items.append({"number": number, "html": self.line(text)})
            groups.append({"addressee": f"{addressee.name} should:", "items": items})
        if not number:
            lead = self.gap(
                "recommendations not yet written", "No recommendation is written yet.", "recommendations"
            )
            return {"lead": lead, "count": 0, "groups": []}
        count = "one recommendation" if number == 1 else f"{number_words(number)} recommendations"
        lead = (
            f"As a result of our inspection findings, we have made {count} that we believe, if implemented, "
            f"will have a positive impact on the quality of youth offending services in {escape(self.short)}. "
            "This will improve the lives of the children in contact with youth offending services, and better "
            "protect the public."
        )
        return {"lead": lead, "count": number, "groups": groups}

    def background(self) -> dict:
        act = footnote(
            "The <em>Crime and Disorder Act (1998)</em> set out the arrangements for local youth offending "
            "services and partnership working."
        )
        fixed = [
            "Youth offending services work with children aged 10 to 18 who have been sentenced by a court, or "
            "who have come to the attention of the police because of their offending behaviour, but have not "
            "been charged – instead, they were dealt with out of court. HM Inspectorate of Probation inspects "
            "both these aspects of youth offending services. We use the terms child or children to denote "
            "their special legal status and to highlight the obligations of relevant agencies such as social "
            "care, education and health to meet their safety and wellbeing needs.",
            "Youth offending services are statutory partnerships, and they are multi-disciplinary, to deal with "
            "the needs of the whole child. They are required to have staff from local authority social care and "
            "education services, the police, the probation service and local health services."
            f"{act} Most are based within local authorities; however, this can vary.",
            "Youth justice work is governed and shaped by a range of legislation and guidance specific to the "
            "youth justice sector (such as the National Standards for Youth Justice) or else applicable across "
            "the criminal justice sector (for example Multi-Agency Public Protection Arrangements guidance). The "
            "Youth Justice Board for England and Wales (YJB) provides some funding to youth offending services. "
            "It also monitors their performance and issues guidance to them about how things are to be done.",
        ]
        written = self.report.background.strip()
        return {
            "fixed": fixed,
            "blocks": self.text(self.report.background)
            if written
            else self.gap_blocks(
                "local context not yet written",
                "The background (local context) is not yet written.",
                "details",
                "background",
            ),
        }

    # Contextual facts -----------------------------------------------------------------------------------

    def source_note(self, source) -> str:
        if source is None:
            return ""
        if source.supplied_by == "inspected_service":
            when = self.s.inspection.get("announcement_date")
            date = f" on {when.day} {when:%B %Y}" if when else ""
            return footnote(
                f"Information supplied by {escape(self.short)} and reflecting the caseload at the time of the "
                f"inspection announcement{date}."
            )
        parts = [escape(source.organisation) + "." if source.organisation else ""]
        if source.year:
            parts.append(f"({source.year}).")
        title = escape(source.title)
        if source.period and source.period not in source.title:
            title = f"{title}, {escape(source.period)}" if title else escape(source.period)
        if title:
            parts.append(f"<em>{title}</em>.")
        return footnote(" ".join(p for p in parts if p))

    def fact_label(self, fact: catalogue.Fact, record) -> str:
        period = record.source.period if record is not None and record.source else ""
        label = fact.label.replace("{service}", self.short).replace("{term}", self.term)
        label = label.replace(" ({period})", f" ({period})" if period else "")
        return escape(label)

    def fact_block(self, block: catalogue.FactBlock) -> dict | None:
        records = {f.key: self.s.facts.get(f.key) for f in block.facts}
        present = [r for r in records.values() if r is not None]
        if not present:
            return None
        block_source = next((r.source for r in present if r.source), None)
        groups = []
        for group in block.groups:
            rows = []
            for fact in group.facts:
                record = records[fact.key]
                if record is None:
                    continue
                rows.append(
                    {
                        "label": self.fact_label(fact, record),
                        "value": figure(Decimal(record.value), fact.unit),
                        "national": figure(Decimal(record.national), fact.unit) if record.national else "",
                        "note": self.source_note(record.source) if block.source_per_fact else "",
                    }
                )
            if not rows:
                continue
            heading = group.title
            if block.key == "additional_caseload" and group.title in ("court", "out_of_court"):
                whole = records["caseload_court" if group.title == "court" else "caseload_out_of_court"]
                words = "court disposals" if group.title == "court" else "out-of-court disposals"
                heading = (
                    f"Of the {figure(Decimal(whole.value), 'count')} {words}" if whole else f"Of the {words}"
                )
            groups.append({"title": heading, "rows": rows, "national": any(f.national for f in group.facts)})
        return {
            "key": block.key,
            "title": block.title,
            "note": "" if block.source_per_fact else self.source_note(block_source),
            "groups": groups,
            "comparison": block.key == "caseload",
        }

    def contextual_facts(self) -> dict:
        shown = [self.fact_block(b) for b in catalogue.BLOCKS if b.standard is None]
        values = {k: Decimal(r.value) for k, r in self.s.facts.items() if r.value}
        shown = [b for b in shown if b]
        return {
            "blocks": shown,
            "none": ""
            if shown
            else self.gap("contextual facts not yet entered", "No contextual facts are entered.", "facts"),
            "offences": self.offence_types(),
            "warnings": catalogue.subtotal_warnings(values)
            + catalogue.offence_warnings(self.s.sample.offences),
        }

    def offence_types(self) -> dict | None:
        """The share of the inspected court cases in each principal offence group, largest first (groups
        with the same share in the offence groups' own order), groups with no case left out, and the cases
        without an offence recorded last, as "Not recorded". None without court cases."""
        offences = self.s.sample.offences
        total = sum(offences.values())
        if not total:
            return None
        recorded = sorted(
            ((label, n) for label, n in offences.items() if label and n), key=lambda item: -item[1]
        )
        if not recorded:
            # Not one offence recorded: one line that says so, not a table of "Not recorded 100%".
            return {
                "heading": catalogue.OFFENCES_HEADING,
                "none": self.gap(
                    "The court cases' principal offences were not recorded, so this table has no figures",
                    "No court case has its principal offence recorded.",
                    "cases",
                ),
            }
        if offences.get(""):
            recorded.append((catalogue.NOT_RECORDED, offences[""]))
        percents = [rules.percent(n, total) for _label, n in recorded]
        return {
            "heading": catalogue.OFFENCES_HEADING,
            "heading_note": "" if sum(percents) == 100 else footnote(catalogue.ROUNDING_NOTE),
            "title": catalogue.OFFENCES_TITLE,
            "note": footnote(catalogue.OFFENCES_NOTE),
            "rows": [
                {"label": label, "cases": n, "value": table_percent(percent)}
                for (label, n), percent in zip(recorded, percents, strict=True)
            ],
        }

    # Chapters -------------------------------------------------------------------------------------------

    def chapter(self, domain: dict) -> dict:
        code = domain["id"]
        section = self.section(code)
        standards = domain["standards"]
        if code in CATEGORY_OF_DOMAIN:
            boilerplate = (
                f"{CHAPTER_BOILERPLATE[code]} we inspect against {number_words(len(standards))} standards."
            )
        else:
            boilerplate = (
                f"{CHAPTER_BOILERPLATE[code]} We inspect against {number_words(len(standards))} standards."
            )
        return {
            "id": code,
            "heading": f"{code}. {domain['title']}",
            "anchor": f"chapter-{code}",
            "sample": self.sample_paragraph(code) if code in CATEGORY_OF_DOMAIN else "",
            "results": self.text(getattr(section, "results", "") if section else ""),
            "overview": self.text(section.overview if section else "")
            if section and (section.overview.strip() or section.results.strip())
            else self.gap_blocks(
                "chapter overview not yet written",
                f"The overview of chapter {code} is not yet written.",
                "domain",
                code,
            ),
            "strengths": [
                self.line(sentence(f.text)) for f in self.findings(code, "strength", where="in_chapter")
            ],
            "improvements": [
                self.line(sentence(f.text)) for f in self.findings(code, "improvement", where="in_chapter")
            ],
            "boilerplate": boilerplate,
            "standards": [self.standard(code, s) for s in standards],
        }

    def relevance_note(self, kq: dict, applicable: int) -> str:
        rules_ = [r for r in kq["applicability"] if r in RELEVANCE]
        if not rules_:
            return ""
        who = " and ".join(RELEVANCE[r] for r in rules_)
        if len(rules_) > 1:
            who = who.replace(" and cases where", " and where")
        return f"This question is only relevant in {who}: {plural(applicable, 'case', 'cases')} in this inspection."

    def standard(self, domain_code: str, s: dict) -> dict:
        figures = self.s.ratings.standards.get(s["id"])
        rating = figures.rating if figures else None
        kq_figures = {kq.id: kq for kq in figures.key_questions} if figures else {}
        title = s["title"]
        entry = {
            "id": s["id"],
            "heading": f"{s['id']}. {title}",
            "anchor": f"standard-{s['id']}",
            "statement": s["statement"],
            "rating": rating,
            "rating_label": rules.RATING_LABELS[rating] if rating else "Not yet rated",
            "key_data": [self.fact_block(b) for b in catalogue.BLOCKS if b.standard == s["id"]],
            "rationale": self.text(self.s.standard_narratives.get(s["id"], "")),
        }
        entry["key_data"] = [b for b in entry["key_data"] if b]
        n = number_words(len(s["key_questions"]))
        if domain_code in CATEGORY_OF_DOMAIN:
            entry["lead_in"] = (
                f"Our rating{footnote(escape(RATING_NOTE))} for {escape(title.lower())} is based on the following "
                "key questions:"
            )
            rows = []
            for kq in s["key_questions"]:
                f = kq_figures.get(kq["id"])
                percent = f.percent if f else None
                rows.append(
                    {
                        "id": kq["id"],
                        "text": escape(kq["text"]),
                        "note": escape(self.relevance_note(kq, f.applicable if f else 0)),
                        "percent": table_percent(percent) + ("*" if f and f.discretion else ""),
                        "lowest": bool(f and f.lowest),
                    }
                )
            entry["table"] = rows
            entry["discretion_note"] = (
                DISCRETION_NOTE if any(f.discretion for f in kq_figures.values()) else ""
            )
            entry["discretion"] = self.discretion(s["id"]) if entry["discretion_note"] else []
        else:
            entry["lead_in"] = (
                f"In making a judgement about {escape(title.lower())}, we take into account the answers to the "
                f"following {n} {'question' if len(s['key_questions']) == 1 else 'questions'}:"
            )
        entry["key_questions"] = [
            {
                "id": kq["id"],
                "text": escape(kq["text"]),
                "blocks": self.text(self.s.key_question_narratives[kq["id"]])
                if self.s.key_question_narratives.get(kq["id"], "").strip()
                else self.gap_blocks(
                    "text under this key question not yet written",
                    f"The text under key question {kq['id']} is not yet written.",
                    "standard",
                    s["id"],
                ),
                "examples": [self.example(e) for e in self.s.examples.get(kq["id"], ())],
            }
            for kq in s["key_questions"]
        ]
        return entry

    def discretion(self, code: str) -> list[dict]:
        """Why the panel applied discretion to a standard, printed under its key-question table and in the
        domain's summary: the lead's text once saved, until then the panel's rationale as the draft offers it
        (printed as written: the panel's words are not parsed for tokens)."""
        edited = self.s.discretion_texts.get(code)
        if edited is not None:
            return self.text(edited)
        figures = self.s.ratings.standards.get(code)
        rationale = figures.discretion_rationale if figures else ""
        return self.text(rationale, literal=True)

    def example(self, example) -> dict:
        text = example.text.strip()
        if example.kind == "quote" and text[:1] not in "'‘\"“":
            text = f"'{text}'"
        return {
            "kind": example.kind,
            "lead_in": self.line(example.lead_in) if example.lead_in else "",
            # The inspector's words, as written: never parsed for tokens (braces print as braces).
            "blocks": self.text(text, literal=True),
        }

    # Annexes --------------------------------------------------------------------------------------------

    def annexe_one(self) -> dict:
        sampling = self.s.sampling
        court, out_of_court = self.court_total(), self.out_of_court_total()
        total = court + out_of_court
        court_share = rules.percent(court, total) if total else 0
        margin = int(sampling.margin * 100)
        confidence = confidence_percent(sampling.z)
        held = [self.interviews(category) for category in CATEGORIES]
        interviews = None if None in held else sum(held)
        # The meetings the team logged, once any are; until then the number the lead typed on the report.
        meetings = self.s.meetings_logged or self.report.meetings_held
        titles = self.standard_titles()
        court_titles, ooc_titles, shared = titles["court"], titles["out_of_court"], titles["shared"]
        court_only = [t for t in court_titles if t not in shared]
        ooc_only = [t for t in ooc_titles if t not in shared]

        def window(category: str) -> str:
            near, far = sampling.window_months(category)
            return f"{spelled_out(near)} to {spelled_out(far)} months earlier"

        def stratification(examined: int, words: str) -> str:
            return (
                f"We examined {plural(examined, words.split('|')[0], words.split('|')[1])}. The sample size was "
                f"set to achieve a confidence level of {confidence} per cent (with a margin of error of "
                f"{number_words(margin)}), and we ensured that the ratios in relation to gender, sentence or "
                "disposal type, risk of serious harm, and risk to safety and wellbeing classifications matched "
                "those in the eligible population."
            )

        bands = []
        for index, rating in enumerate(rules.RATINGS):
            low = rules.BOUNDARIES[index - 1] if index else 0
            high = rules.BOUNDARIES[index] - 1 if index < len(rules.BOUNDARIES) else 100
            words = BAND_WORDS[rating].format(low=low, high=high, high_next=high + 1)
            bands.append(
                {"words": words, "rating": rules.RATING_LABELS[rating], "star": rating == rules.OUTSTANDING}
            )
        scores = [
            {
                "score": rules.RATING_SCORES[r],
                "rating": rules.RATING_LABELS[r],
                "star": r == rules.OUTSTANDING,
            }
            for r in rules.RATINGS
        ]
        overall_bands = [
            {"range": f"{low}-{high}", "rating": rules.RATING_LABELS[r], "star": r == rules.OUTSTANDING}
            for low, high, r in rules.OVERALL_BANDS
        ]
        presenters = self.report.presenters.strip() or f"the leaders of the {self.term}"
        return {
            "standards_note": footnote(
                f'HM Inspectorate\'s standards are available here: <a href="{STANDARDS_URL}">{STANDARDS_URL}</a>'
            ),
            "characteristics_note": footnote(
                "The ratings characteristics are published with our standards: "
                f'<a href="{STANDARDS_URL}">{STANDARDS_URL}</a>'
            ),
            "presentation_lead": (
                f"The {escape(self.term)} submitted evidence in advance and {escape(presenters)} delivered a "
                "presentation covering the following areas:"
            ),
            "presentation_questions": [
                f"How do organisational delivery arrangements in this area make sure that the work of your "
                f"{escape(self.term)} is as effective as it can be, and that the life chances of children who have "
                "offended are improved?",
                "What are your priorities for further improving these arrangements?",
            ],
            "interviews": (
                f"During the main fieldwork phase, we conducted {plural(interviews, 'interview', 'interviews')} "
                "with case managers, asking them about their experiences of training, development, management "
                "supervision and leadership."
                if interviews is not None
                else placeholder("interviews not yet recorded")
            ),
            "is_joint": self.s.inspection["is_joint"],
            "meetings": (
                f"In total, we conducted {plural(meetings, 'meeting', 'meetings')}, which included meetings with "
                "managers, partner organisations, and staff."
                if meetings is not None
                else self.gap(
                    "meetings not yet recorded",
                    "The number of meetings held is not recorded (log them, or enter the number).",
                    "details",
                    "meetings_held",
                )
            ),
            "court": (
                f"{per_cent(court_share, sentence_start=True)} of the cases selected were those of children who "
                f"had received court disposals {window('court')}, enabling us to examine work in relation to "
                f"{and_list(court_titles)}."
            ),
            "court_sample": stratification(court, "court disposal|court disposals"),
            "out_of_court": (
                f"{per_cent(100 - court_share if total else 0, sentence_start=True)} of cases selected were those "
                f"of children who had received out-of-court disposals {window('out_of_court')}. This enabled us "
                f"to examine work in relation to {and_list(ooc_titles)}."
            ),
            "out_of_court_sample": stratification(
                out_of_court, "out-of-court disposal|out-of-court disposals"
            ),
            "margin": number_words(margin),
            "ratings_sample": (
                f"In this inspection, we conducted a detailed examination of a sample of "
                f"{plural(court, 'court disposal', 'court disposals')} and "
                f"{plural(out_of_court, 'out-of-court disposal', 'out-of-court disposals')}. In each of those cases, "
                f"we inspect against {number_words(len(court_titles))} standards: {and_list(shared)}. For court "
                f"disposals, we also look at {and_list(court_only)}; and in out-of-court disposals, we look at "
                f"{and_list(ooc_only)} with the police. For each standard, inspectors answer a number of key "
                "questions about different aspects of quality, including whether there was sufficient analysis "
                "of the factors related to offending; the extent to which children were involved in assessment "
                "and planning; and whether enough was done to assess and manage the safety and wellbeing of the "
                "child, and any risk of harm posed to others."
            ),
            "bands": bands,
            "near_boundary": number_words(rules.NEAR_BOUNDARY_POINTS),
            "small_sample": number_words(rules.SMALL_SAMPLE_CASES),
            "standards_count": number_words(len(self.standards)),
            "top_score": rules.RATING_SCORES[rules.OUTSTANDING],
            "max_score": self.s.ratings.max_score,
            "scores": scores,
            "overall_bands": overall_bands,
        }

    def annexe_two_note(self) -> str:
        """One line instead of rows of dashes when no prompt of the case-based domains has an answer."""
        if any(p.applicable for p in self.s.ratings.prompts.values()):
            return ""
        return self.gap(
            "The prompts' answers were not recorded for this inspection, so this annexe has no figures",
            "The prompts' answers are not recorded: Annexe 2 has no figures.",
            "cases",
        )

    def annexe_two(self) -> list[dict]:
        domains = []
        for domain in self.domains:
            if domain["id"] not in CATEGORY_OF_DOMAIN:
                continue
            standards = []
            for s in domain["standards"]:
                figures = self.s.ratings.standards.get(s["id"])
                kq_figures = {kq.id: kq for kq in figures.key_questions} if figures else {}
                kqs = []
                for kq in s["key_questions"]:
                    f = kq_figures.get(kq["id"])
                    prompts = []
                    for p in kq["prompts"]:
                        pf = self.s.ratings.prompts.get(p["id"])
                        prompts.append(
                            {
                                "id": p["id"],
                                "text": escape(p["text"]),
                                "percent": table_percent(pf.percent if pf else None),
                            }
                        )
                    kqs.append(
                        {
                            "id": kq["id"],
                            "text": escape(kq["text"]),
                            "note": escape(self.relevance_note(kq, f.applicable if f else 0))
                            if "ycc_only" in kq["applicability"]
                            else "",
                            "prompts": prompts,
                        }
                    )
                standards.append({"heading": f"{s['id']}. {s['title']}", "key_questions": kqs})
            title = {"2": "Domain two: court disposals", "3": "Domain three: out-of-court disposals"}[
                domain["id"]
            ]
            domains.append({"title": title, "standards": standards})
        return domains


# --- tokens -----------------------------------------------------------------------------------------------


def _types(groups) -> set[str]:
    return {t for _s, _p, types in groups for t in types}


def _figure_values(values: dict, prefix: str, yes: int, applicable: int, percent: int | None) -> None:
    values[f"{prefix}:percent"] = Percent(percent)
    values[f"{prefix}:yes"] = Count(yes)
    values[f"{prefix}:no"] = Count(applicable - yes)
    values[f"{prefix}:applicable"] = Count(applicable)
    values[f"{prefix}:k_of_n"] = OutOf(yes, applicable)


def _fact_value(raw: str, unit: str, exact: bool = False) -> Value | None:
    """None (not recorded) prints as a placeholder in the draft."""
    if not raw:
        return None
    return Figure(Decimal(raw), unit, exact)


def vocabulary_of(framework: Sequence[dict]) -> Vocabulary:
    standards = {s["id"] for d in framework for s in d["standards"]}
    key_questions = {
        k["id"] for d in framework if d["id"] != "1" for s in d["standards"] for k in s["key_questions"]
    }
    prompts = {
        p["id"] for d in framework for s in d["standards"] for k in s["key_questions"] for p in k["prompts"]
    }
    return Vocabulary(
        frozenset(standards), frozenset(key_questions), frozenset(prompts), frozenset(catalogue.FACTS)
    )


def place_name(service: str) -> str:
    """ "Cheshire Youth Justice Service" -> "Cheshire": the service's name without its kind."""
    place = re.sub(
        r"\s+(Youth (Justice|Offending) (Service|Team|Partnership)s?)$", "", service, flags=re.IGNORECASE
    ).strip()
    return place or service


def default_short_name(service: str, term: str) -> str:
    """ "Cheshire Youth Justice Service" -> "Cheshire YJS": the place, then the service's own term."""
    place = place_name(service)
    return f"{place} {term}" if place and place != service else service


def build_snapshot(sources: ReportSources) -> dict:
    return Builder(sources).build()
