"""Authored text to report HTML, with the few conventions an author needs and nothing more.

- A blank line starts a new paragraph.
- Lines that start with "- " make a bulleted list.
- A paragraph that starts with "### " is a sub-heading (such as "Involvement of children and their parents
  and carers" in standard 1.3).
- A paragraph in single or double quotation marks is printed as a quotation.
- `^[text]` is a footnote; footnotes are numbered through the whole report.
- Tokens in braces print computed figures (see tokens.py).

Text that came from an inspector (a chosen quote or good practice example) is `literal`: printed as written,
braces, carets and all, never parsed for tokens or footnotes. A token the report cannot fill (withdrawn since
the text was saved, or not recorded yet) prints as a visible placeholder, so authored text never breaks the
preview or the render.

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


def placeholder(what: str) -> str:
    """A visible gap in a draft, styled so that nobody takes it for content."""
    return f'<span class="placeholder">[{escape(what)}]</span>'


def inline(text: str, values: Mapping[str, Value], vocabulary: Vocabulary, *, literal: bool = False) -> str:
    """One paragraph's text as HTML: escaped, tokens filled in, footnotes marked up (or, `literal`, only
    escaped)."""
    if literal:
        return escape(text)
    out, position = [], 0

    def filled(part: str) -> str:
        return fill(part, values, vocabulary, escape=escape, placeholder=placeholder)

    for match in _FOOTNOTE.finditer(text):
        out.append(filled(text[position : match.start()]))
        note = filled(match.group(1).strip())
        out.append(f'<span class="footnote">{note}</span>')
        position = match.end()
    out.append(filled(text[position:]))
    return "".join(out)


def blocks(
    text: str, values: Mapping[str, Value], vocabulary: Vocabulary, *, literal: bool = False
) -> list[dict]:
    """The text as a list of blocks for the templates: {"kind": "p" | "quote" | "h" | "ul", "html": ...}
    (a list has "items" instead of "html"). `literal`: text from an inspector, never parsed for tokens."""

    def html(part: str) -> str:
        return inline(part, values, vocabulary, literal=literal)

    result = []
    for paragraph in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = [html(line[2:].strip()) for line in lines]
            result.append({"kind": "ul", "items": items})
            continue
        joined = " ".join(lines)
        if joined.startswith("### "):
            result.append({"kind": "h", "html": html(joined[4:].strip())})
        elif any(
            joined.startswith(a) and joined.rstrip(".").endswith(b) and len(joined) > 2 for a, b in _QUOTES
        ):
            result.append({"kind": "quote", "html": html(joined)})
        else:
            result.append({"kind": "p", "html": html(joined)})
    return result
