"""Find a case: the filters (status, inspector, category) and the sort of a page's table of cases, read from
the page's GET parameters, so that they work without JavaScript and a filtered page can be bookmarked.

The tables hold one inspection's cases (at most about a hundred), already read in a fixed number of queries;
filtering and sorting them here keeps those queries as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from .models import CaseStatus, Category

NOT_ALLOCATED = "none"

SORTS = {
    "reference": lambda case: case.reference,
    "category": lambda case: (case.category, case.reference),
    "inspector": lambda case: (str(case.inspector) if case.inspector else "~", case.reference),
    "status": lambda case: (list(CaseStatus.values).index(case.status), case.reference),
    "answered": lambda case: (
        (getattr(case, "answered", 0) / case.total) if getattr(case, "total", 0) else 0,
        case.reference,
    ),
}


@dataclass
class CaseFinder:
    status: str = ""
    inspector: str = ""
    category: str = ""
    sort: str = "category"
    descending: bool = False
    columns: tuple[str, ...] = ("reference", "category", "inspector", "status", "answered")
    filters: tuple[str, ...] = ("status", "inspector", "category")
    inspectors: list[tuple[str, str]] = field(default_factory=list)
    total: int = 0
    shown: int = 0

    @classmethod
    def from_query(cls, query, **options) -> CaseFinder:
        finder = cls(**options)
        finder.status = query.get("status", "") if query.get("status") in CaseStatus.values else ""
        finder.category = query.get("category", "") if query.get("category") in Category.values else ""
        finder.inspector = query.get("inspector", "")[:20] if "inspector" in finder.filters else ""
        if query.get("sort") in finder.columns:
            finder.sort = query["sort"]
        finder.descending = query.get("order") == "descending"
        return finder

    def apply(self, cases: list) -> list:
        """The cases that pass the filters, sorted; remembers how many there were and are shown."""
        self.total = len(cases)
        if "inspector" in self.filters:  # (the caller has read each case's inspector with it)
            people = {str(case.inspector_id): str(case.inspector) for case in cases if case.inspector_id}
            self.inspectors = sorted(people.items(), key=lambda item: item[1])
            if any(case.inspector_id is None for case in cases):
                self.inspectors.append((NOT_ALLOCATED, "Not allocated"))
        kept = [
            case
            for case in cases
            if (not self.status or case.status == self.status)
            and (not self.category or case.category == self.category)
            and (
                not self.inspector
                or (self.inspector == NOT_ALLOCATED and case.inspector_id is None)
                or str(case.inspector_id) == self.inspector
            )
        ]
        kept.sort(key=SORTS.get(self.sort, SORTS["category"]), reverse=self.descending)
        self.shown = len(kept)
        return kept

    @property
    def active(self) -> bool:
        return bool(self.status or self.inspector or self.category)

    def _query(self, **changes) -> str:
        values = {
            "status": self.status,
            "inspector": self.inspector,
            "category": self.category,
            "sort": self.sort,
            "order": "descending" if self.descending else "",
            **changes,
        }
        return "?" + urlencode({name: value for name, value in values.items() if value})

    def headers(self) -> dict[str, dict]:
        """Per sortable column: the link that sorts by it (again: the other way) and its aria-sort."""
        headers = {}
        for column in self.columns:
            current = column == self.sort
            descending = current and not self.descending
            headers[column] = {
                "url": self._query(sort=column, order="descending" if descending else ""),
                "aria_sort": ("descending" if self.descending else "ascending") if current else "none",
                "current": current,
            }
        return headers

    @property
    def statuses(self) -> list[tuple[str, str]]:
        return list(CaseStatus.choices)

    @property
    def categories(self) -> list[tuple[str, str]]:
        return list(Category.choices)
