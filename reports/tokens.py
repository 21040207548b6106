"""Tokens: computed figures inside authored text, so that the narrative cannot disagree with the data.

An author writes `In {kq:2.1.1:k_of_n} cases ...` and the report prints "In 25 of 34 cases ...". Every
token is checked when the text is saved (an unknown token is an error shown on the form), and its value is
filled in when the report is built, from the same figures as the tables. `{{` and `}}` print a brace.

The tokens (the field after the last colon is optional where a default is shown):

| token | prints |
|---|---|
| `{service}`, `{service_short}`, `{term}` | the service's name, short name ("Cheshire YJS") and own term (YJS) |
| `{overall_rating}`, `{rating:2.2}` | a rating in single quotes: 'Good' |
| `{score}`, `{max_score}`, `{standards_count}` | the overall score, its maximum, the number of standards |
| `{fieldwork}` | the fieldwork dates: "between 12 and 16 July 2021, and 26 and 30 July 2021" |
| `{recommendations_count}` | how many recommendations the report makes ("six") |
| `{kq:2.1.1}` or `{kq:2.1.1:percent}` | a key question's percentage in prose: "74 per cent" |
| `{kq:2.1.1:yes}`, `:no`, `:applicable` | its counts: "25", "nine", "34" |
| `{kq:2.1.1:k_of_n}` | "25 of 34" |
| `{prompt:2.1.1.c:...}` | the same for a prompt |
| `{sample:court}`, `{sample:out_of_court}` | the sample: "31 community sentences and three custodial sentences" |
| `{sample:court:total}` | the number of cases sampled |
| `{interviews:court}`, `{interviews:out_of_court}`, `{interviews:total}` | case manager interviews held |
| `{subsample:court:child_safety}` | a sub-sample's size; also `others_safety`, `review_needed`, `ycc` |
| `{fact:reoffending}`, `{fact:age_10_14:national}` | a contextual fact (or its national figure); a percentage prints whole ("42 per cent") |
| `{fact:staff_minority:decimal}`, `{fact:x:national:decimal}` | the figure as entered ("2.2 per cent") |

A count at the start of a sentence is spelled out ("Twenty per cent ..."), by the one number helper.
This module is plain Python with no Django.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .numbers import number_words, per_cent

CATEGORIES = ("court", "out_of_court")
SUBSAMPLES = ("child_safety", "others_safety", "review_needed", "ycc")
FIGURE_FIELDS = ("percent", "yes", "no", "applicable", "k_of_n")
PLAIN_TOKENS = (
    "service",
    "service_short",
    "term",
    "overall_rating",
    "score",
    "max_score",
    "standards_count",
    "fieldwork",
    "recommendations_count",
)

# `{{`, `}}`, a token, or a lone brace (an error).
_PIECE = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}|[{}]")


@dataclass(frozen=True)
class Vocabulary:
    """What tokens may name: the framework's ids and the catalogue of contextual facts."""

    standards: frozenset[str]
    key_questions: frozenset[str]
    prompts: frozenset[str]
    facts: frozenset[str]


# --- Values ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Count:
    number: int


@dataclass(frozen=True)
class Percent:
    number: int | None


@dataclass(frozen=True)
class OutOf:
    yes: int
    applicable: int


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Figure:
    """A contextual fact: a decimal value and its unit; `exact` prints it as entered, else a percentage is
    rounded to a whole number as the published text prints it."""

    value: Decimal
    unit: str
    exact: bool = False


Value = Count | Percent | OutOf | Text | Figure


def spoken(value: Value, *, sentence_start: bool = False) -> str:
    """A token's value as prose prints it."""
    if isinstance(value, Count):
        return number_words(value.number, sentence_start=sentence_start)
    if isinstance(value, Percent):
        return per_cent(value.number, sentence_start=sentence_start)
    if isinstance(value, OutOf):
        return f"{number_words(value.yes, sentence_start=sentence_start)} of {number_words(value.applicable)}"
    if isinstance(value, Figure):
        return _spoken_figure(value, sentence_start)
    text = value.text
    return text[:1].upper() + text[1:] if sentence_start else text


def _spoken_figure(value: Figure, sentence_start: bool) -> str:
    if value.unit == "percent" and not value.exact:
        value = Figure(value.value.quantize(Decimal(1), rounding=ROUND_HALF_UP), value.unit)
    whole = value.value == value.value.to_integral_value()
    if whole and value.unit in ("percent", "count", "number"):
        number = int(value.value)
        if value.unit == "percent":
            return per_cent(number, sentence_start=sentence_start)
        if number <= 9 or (sentence_start and number < 10000):
            return number_words(number, sentence_start=sentence_start)
        return f"{number:,}"
    text = f"{value.value:,f}"
    if value.unit == "percent":
        return f"{text} per cent"
    if value.unit == "currency":
        return f"£{text}"
    return text


# --- Reading text ----------------------------------------------------------------------------------------


def canonical(token: str, vocabulary: Vocabulary) -> tuple[str | None, str | None]:
    """The token's full name (defaults filled in) and None, or None and why it is not a token."""
    parts = [part.strip() for part in token.split(":")]
    name, args = parts[0], parts[1:]
    shown = "{" + token + "}"
    if name in PLAIN_TOKENS:
        if args:
            return None, f"{shown}: {name} takes nothing after it; write {{{name}}}."
        return name, None
    if name == "rating":
        if len(args) != 1:
            return None, f"{shown}: name one standard, for example {{rating:2.1}}."
        if args[0] not in vocabulary.standards:
            return None, f"{shown}: there is no standard {args[0]} in the framework."
        return f"rating:{args[0]}", None
    if name in ("kq", "prompt"):
        ids, what = (
            (vocabulary.key_questions, "key question") if name == "kq" else (vocabulary.prompts, "prompt")
        )
        example = "{kq:2.1.1:k_of_n}" if name == "kq" else "{prompt:2.1.1.c:k_of_n}"
        if not 1 <= len(args) <= 2:
            return None, f"{shown}: name a {what} and optionally a figure, for example {example}."
        if args[0] not in ids:
            where = " of domain two or three" if name == "kq" else ""
            return None, f"{shown}: there is no {what} {args[0]}{where} in the framework."
        field = args[1] if len(args) == 2 else "percent"
        if field not in FIGURE_FIELDS:
            return None, f"{shown}: '{field}' is not a figure; use one of {', '.join(FIGURE_FIELDS)}."
        return f"{name}:{args[0]}:{field}", None
    if name == "sample":
        if not 1 <= len(args) <= 2 or args[0] not in CATEGORIES:
            return (
                None,
                f"{shown}: write {{sample:court}} or {{sample:out_of_court}} (add :total for the number).",
            )
        field = args[1] if len(args) == 2 else "description"
        if field not in ("description", "total"):
            return None, f"{shown}: '{field}' is not a sample figure; use description or total."
        return f"sample:{args[0]}:{field}", None
    if name == "interviews":
        if len(args) != 1 or args[0] not in (*CATEGORIES, "total"):
            return (
                None,
                f"{shown}: write {{interviews:court}}, {{interviews:out_of_court}} or {{interviews:total}}.",
            )
        return f"interviews:{args[0]}", None
    if name == "subsample":
        if len(args) != 2 or args[0] not in CATEGORIES or args[1] not in SUBSAMPLES:
            return None, (
                f"{shown}: write {{subsample:CATEGORY:WHICH}} with court or out_of_court and one of "
                f"{', '.join(SUBSAMPLES)}."
            )
        return f"subsample:{args[0]}:{args[1]}", None
    if name == "fact":
        if not 1 <= len(args) <= 3:
            return None, f"{shown}: name a contextual fact, for example {{fact:reoffending}}."
        if args[0] not in vocabulary.facts:
            return None, f"{shown}: there is no contextual fact called {args[0]}."
        modifiers = args[1:]
        if modifiers not in ([], ["national"], ["decimal"], ["national", "decimal"]):
            return (
                None,
                f"{shown}: only :national, :decimal or :national:decimal may follow a fact's name.",
            )
        return ":".join(["fact", args[0], *modifiers]), None
    return None, f"{shown} is not a token we know. See the list of tokens under the box."


def token_problems(text: str, vocabulary: Vocabulary) -> list[str]:
    """Every unknown or malformed token in the text, in words; an empty list means the text is fine."""
    problems = []
    for match in _PIECE.finditer(text or ""):
        piece = match.group(0)
        if piece in ("{{", "}}"):
            continue
        if match.group(1) is None:
            problems.append(
                f"A '{piece}' on its own: tokens are written like {{kq:2.1.1}}; write {piece * 2} for a brace."
            )
            continue
        _key, problem = canonical(match.group(1), vocabulary)
        if problem:
            problems.append(problem)
    return problems


def tokens_used(text: str, vocabulary: Vocabulary) -> list[str]:
    """The full names of the valid tokens in the text, in order."""
    found = []
    for match in _PIECE.finditer(text or ""):
        if match.group(1) is not None:
            key, _problem = canonical(match.group(1), vocabulary)
            if key:
                found.append(key)
    return found


def fill(
    text: str,
    values: Mapping[str, Value],
    vocabulary: Vocabulary,
    *,
    escape=lambda s: s,
    placeholder=None,
) -> str:
    """The text with every token replaced by its value; `escape` is applied to the text around the tokens
    and to the values (HTML-escaping, when the result goes into the report).

    Text is checked when it is saved, but a token can stop being known later (or text can arrive by another
    way): with `placeholder`, such a token (or a lone brace) prints `placeholder(what)` instead of failing;
    without, it raises ValueError. A value that is None (not recorded) prints `placeholder` too.
    """
    out: list[str] = []
    position = 0
    for match in _PIECE.finditer(text):
        out.append(escape(text[position : match.start()]))
        position = match.end()
        piece = match.group(0)
        if piece in ("{{", "}}"):
            out.append(escape(piece[0]))
            continue
        if match.group(1) is None:
            if placeholder is None:
                raise ValueError(f"A '{piece}' on its own in: {text[:60]}")
            out.append(placeholder(f"a '{piece}' on its own"))
            continue
        key, problem = canonical(match.group(1), vocabulary)
        if problem or values.get(key) is None:
            if placeholder is None:
                raise ValueError(problem or f"{piece} has no value")
            out.append(placeholder(f"{piece} not known" if problem else f"{piece} not yet recorded"))
            continue
        start = _starts_sentence(text[: match.start()])
        out.append(escape(spoken(values[key], sentence_start=start)))
    out.append(escape(text[position:]))
    return "".join(out)


def _starts_sentence(before: str) -> bool:
    stripped = before.rstrip()
    return stripped == "" or stripped[-1] in ".!?"
