"""Which role may open which page: the single table app.py filters the menu with and every
page checks again itself."""

from __future__ import annotations

from dataclasses import dataclass

ALL_ROLES = frozenset({"executive", "pmo", "manager", "viewer"})


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    roles: frozenset[str]
    url_path: str
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("views/overview.py", "Executive overview", ":material/dashboard:", ALL_ROLES,
             "overview", default=True),
)

PAGE_ROLES = {spec.url_path: spec.roles for spec in PAGES}


def pages_for(role: str) -> list[PageSpec]:
    """The pages ``role`` may open, in menu order."""
    return [spec for spec in PAGES if role in spec.roles]
