from decimal import Decimal

from reports.markup import blocks, markup_problems
from reports.tokens import Count, Figure, OutOf, Percent, Text, Vocabulary, fill, token_problems, tokens_used

VOCABULARY = Vocabulary(
    standards=frozenset({"2.1", "2.2"}),
    key_questions=frozenset({"2.1.1", "2.2.3"}),
    prompts=frozenset({"2.1.1.c"}),
    facts=frozenset({"reoffending", "ethnicity_minority"}),
)
VALUES = {
    "kq:2.1.1:percent": Percent(74),
    "kq:2.1.1:yes": Count(25),
    "kq:2.1.1:no": Count(9),
    "kq:2.1.1:applicable": Count(34),
    "kq:2.1.1:k_of_n": OutOf(25, 34),
    "prompt:2.1.1.c:k_of_n": OutOf(32, 34),
    "rating:2.2": Text("'Requires improvement'"),
    "service_short": Text("Cheshire YJS"),
    "fact:ethnicity_minority": Figure(Decimal("5"), "percent"),
    "fact:ethnicity_minority:national": Figure(Decimal("28"), "percent"),
    "fact:reoffending": Figure(Decimal("40.5"), "percent"),
    "fact:reoffending:decimal": Figure(Decimal("40.5"), "percent", exact=True),
    "fact:ethnicity_minority:national:decimal": Figure(Decimal("41.9"), "percent", exact=True),
    "sample:court:total": Count(34),
}


def test_known_tokens_pass_and_every_unknown_one_is_listed():
    assert token_problems("{kq:2.1.1} and {kq:2.1.1:k_of_n} and {rating:2.2} and {service}", VOCABULARY) == []
    problems = token_problems(
        "{kq:9.9.9} {rating:2.9} {percentage} {kq:2.1.1:ratio} {fact:nothing} a { b", VOCABULARY
    )
    assert len(problems) == 6
    assert "there is no key question 9.9.9" in problems[0]
    assert "there is no standard 2.9" in problems[1]
    assert "{percentage} is not a token we know" in problems[2]
    assert "'ratio' is not a figure" in problems[3]
    assert "no contextual fact called nothing" in problems[4]
    assert "A '{' on its own" in problems[5]


def test_domain_one_key_questions_have_no_figures_to_cite():
    assert "of domain two or three" in token_problems("{kq:1.1.1}", VOCABULARY)[0]


def test_tokens_print_the_figures_in_house_style():
    text = "Planning was {rating:2.2}: {kq:2.1.1} of cases, {kq:2.1.1:k_of_n} cases, {kq:2.1.1:no} were not."
    assert fill(text, VALUES, VOCABULARY) == (
        "Planning was 'Requires improvement': 74 per cent of cases, 25 of 34 cases, nine were not."
    )


def test_a_figure_at_the_start_of_a_sentence_is_spelled_out():
    assert fill("{kq:2.1.1:yes} cases. {kq:2.1.1:k_of_n} again.", VALUES, VOCABULARY) == (
        "Twenty-five cases. Twenty-five of 34 again."
    )
    assert (
        fill("{fact:ethnicity_minority} of the caseload", VALUES, VOCABULARY)
        == "Five per cent of the caseload"
    )


def test_contextual_facts_are_cited_by_token():
    assert fill(
        "at {fact:ethnicity_minority}, against {fact:ethnicity_minority:national}", VALUES, VOCABULARY
    ) == ("at five per cent, against 28 per cent")
    # A percentage prints as a whole number, as the published text does, unless the author asks for the
    # decimal as entered.
    assert fill("is {fact:reoffending}", VALUES, VOCABULARY) == "is 41 per cent"
    assert fill("is {fact:reoffending:decimal}", VALUES, VOCABULARY) == "is 40.5 per cent"
    assert fill("or {fact:ethnicity_minority:national:decimal}", VALUES, VOCABULARY) == "or 41.9 per cent"
    assert token_problems("{fact:reoffending:decimal} {fact:reoffending:national:decimal}", VOCABULARY) == []


def test_doubled_braces_print_a_brace_and_text_is_escaped():
    assert fill("{{not a token}} <b>", VALUES, VOCABULARY, escape=lambda s: s.replace("<", "&lt;")) == (
        "{not a token} &lt;b>"
    )
    assert tokens_used("{kq:2.1.1} {{x}} {kq:2.1.1:yes}", VOCABULARY) == ["kq:2.1.1:percent", "kq:2.1.1:yes"]


def test_markup_makes_paragraphs_lists_headings_quotes_and_footnotes():
    text = (
        "First {kq:2.1.1} paragraph.^[A note on {service_short}.]\n\n"
        "- one\n- two\n\n"
        "### A sub-heading\n\n"
        "'The inspector said <this>'.\n\nLast."
    )
    result = blocks(text, VALUES, VOCABULARY)
    assert [b["kind"] for b in result] == ["p", "ul", "h", "quote", "p"]
    assert (
        result[0]["html"]
        == 'First 74 per cent paragraph.<span class="footnote">A note on Cheshire YJS.</span>'
    )
    assert result[1]["items"] == ["one", "two"]
    assert result[3]["html"] == "&#x27;The inspector said &lt;this&gt;&#x27;."


def test_broken_footnotes_are_reported():
    assert "empty" in markup_problems("Text ^[ ] more", VOCABULARY)[0]
    assert "no closing ]" in markup_problems("Text ^[never closed", VOCABULARY)[0]
