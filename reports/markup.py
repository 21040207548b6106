"""Authored text to report HTML, with the few conventions an author needs and nothing more.

- A blank line starts a new paragraph.
- Lines that start with "- " make a bulleted list.
- A paragraph that starts with "### " is a sub-heading (such as "Involvement of children and their parents
  and carers" in standard 1.3).
- A paragraph in single or double quotation marks is printed as a quotation.
- `^[text]` is a footnote; footnotes are numbered through the whole report.
- Tokens in braces print computed figures (see tokens.py).

Everything the author types is HTML-escaped: the report can only contain the markup made here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape

from .tokens import Value, Vocabulary, fill, token_problems

_FOOTNOTE = re.compile(r"\^\[([^\[\]]*)\]")
_QUOTES = (("'", "'"), ("‘", "’"), ('"', '"'), ("“", "”"))


def markup_problems(text: str, vocabulary: Vocabulary) -> list[str]:
    """Everything in the text that cannot be printed, in words (unknown tokens, broken footnotes)."""
    problems = token_problems(text, vocabulary)
    for match in _FOOTNOTE.finditer(text or ""):
        if not match.group(1).strip():
            problems.append("A footnote ^[ ] is empty: write its text between the brackets.")
    if "^[" in _FOOTNOTE.sub("", text or ""):
        problems.append("A footnote starts with ^[ but has no closing ]: write ^[the footnote's text].")
    return problems


def inline(text: str, values: Mapping[str, Value], vocabulary: Vocabulary) -> str:
    """One paragraph's text as HTML: escaped, tokens filled in, footnotes marked up."""
    out, position = [], 0
    for match in _FOOTNOTE.finditer(text):
        out.append(fill(text[position : match.start()], values, vocabulary, escape=escape))
        note = fill(match.group(1).strip(), values, vocabulary, escape=escape)
        out.append(f'<span class="footnote">{note}</span>')
        position = match.end()
    out.append(fill(text[position:], values, vocabulary, escape=escape))
    return "".join(out)


def blocks(text: str, values: Mapping[str, Value], vocabulary: Vocabulary) -> list[dict]:
    """The text as a list of blocks for the templates: {"kind": "p" | "quote" | "h" | "ul", "html": ...}
    (a list has "items" instead of "html")."""
    result = []
    for paragraph in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = [inline(line[2:].strip(), values, vocabulary) for line in lines]
            result.append({"kind": "ul", "items": items})
            continue
        joined = " ".join(lines)
        if joined.startswith("### "):
            result.append({"kind": "h", "html": inline(joined[4:].strip(), values, vocabulary)})
        elif any(
            joined.startswith(a) and joined.rstrip(".").endswith(b) and len(joined) > 2 for a, b in _QUOTES
        ):
            result.append({"kind": "quote", "html": inline(joined, values, vocabulary)})
        else:
            result.append({"kind": "p", "html": inline(joined, values, vocabulary)})
    return result
