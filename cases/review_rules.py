"""The rule of comments at quality assurance, as plain Python (free of Django, like cases/rules.py).

A reviewer comments on a key question of a submitted case. The comment is **answered** when the inspector
has written an answer to it, or when the judgement on that key question is no longer the one the comment was
made on (the inspector changed their mind, which says more than words). Changing the rationale, the quote or
a prompt does not answer it: the inspector says so in a reply. If the judgement is changed back to the one
the comment questioned, the comment is open again. A reviewer may withdraw a comment that is still open.

A case cannot be approved while any comment on it is open, and the inspector cannot submit it again until
they have answered every open comment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class CommentState(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    JUDGEMENT_CHANGED = "judgement_changed"
    WITHDRAWN = "withdrawn"


STATE_LABELS = {
    CommentState.OPEN: "Not answered",
    CommentState.ANSWERED: "Answered",
    CommentState.JUDGEMENT_CHANGED: "Judgement changed",
    CommentState.WITHDRAWN: "Withdrawn",
}


@dataclass(frozen=True)
class CommentFacts:
    code: str  # the key question's code
    reply: str
    withdrawn: bool
    judgement_when_made: str  # yes, no, na or "" (no judgement yet)
    judgement_now: str


def comment_state(comment: CommentFacts) -> CommentState:
    if comment.withdrawn:
        return CommentState.WITHDRAWN
    if comment.reply.strip():
        return CommentState.ANSWERED
    if comment.judgement_now != comment.judgement_when_made:
        return CommentState.JUDGEMENT_CHANGED
    return CommentState.OPEN


def is_open(comment: CommentFacts) -> bool:
    return comment_state(comment) == CommentState.OPEN


def _codes(comments: list[CommentFacts]) -> str:
    codes = sorted({c.code for c in comments}, key=lambda code: [int(part) for part in code.split(".")])
    joined = codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} and {codes[-1]}"
    return f"key question{'s' if len(codes) > 1 else ''} {joined}"


def approval_refusal(comments: Iterable[CommentFacts]) -> str | None:
    """Why the case cannot be approved yet (its open comments), or None."""
    open_ = [c for c in comments if is_open(c)]
    if not open_:
        return None
    many = len(open_) > 1
    return (
        f"You cannot approve this case while {len(open_)} comment{'s are' if many else ' is'} unanswered "
        f"(on {_codes(open_)}). Return the case so that the inspector can answer "
        f"{'them' if many else 'it'}, or withdraw the comment{'s' if many else ''}."
    )


def submission_problems(comments: Iterable[CommentFacts]) -> list[str]:
    """What the inspector must do about comments before submitting the case again: one line per open one."""
    return [f"Answer the quality assurance comment on key question {c.code}" for c in comments if is_open(c)]
