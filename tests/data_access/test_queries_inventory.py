"""The inventory read from the KPI store: the search, the count and the pages are SQL's, and
give what the in-memory inventory gives (components.portfolio_view.matches). Both engines."""

from __future__ import annotations

import pytest

from data_access.queries.inventory import like_pattern, read_inventory, read_links
from data_access.queries.project import kept_ids
from data_access.scope import SYSTEM
from fixtures.imports.seeded import TODAY, demo, seeded_pg, seeded_sqlite  # noqa: F401
from kpi_refresh import refresh
from support.kpi_store import recomputed


@pytest.mark.parametrize("query,pattern", [
    ("", None), ("  ", None), ("IT", "%it%"), ("50%_off\\", "%50\\%\\_off\\\\%"),
    ("Réseau", "%réseau%"),
])
def test_like_patterns_escape_wildcards(query, pattern):
    assert like_pattern(query) == pattern


@pytest.mark.parametrize("query", ["", "prj-0001", "Operations", "a", "%", "_", "zzz-none"])
def test_the_search_finds_what_the_page_found_before(demo, query):
    from components.portfolio_view import matches

    refresh(demo, as_of=TODAY)
    expected = (recomputed(demo, SYSTEM, TODAY).projects.filter(matches(query))
                .sort("code")["code"].to_list())
    rows, count = read_inventory(demo, kept_ids(SYSTEM), query, limit=1000)
    assert rows["code"].to_list() == expected and count == len(expected)


def test_pages_cover_the_rows_once_in_code_order(demo):
    refresh(demo, as_of=TODAY)
    pages, offset = [], 0
    while True:
        rows, count = read_inventory(demo, kept_ids(SYSTEM), limit=7, offset=offset)
        if rows.is_empty():
            break
        pages += rows["code"].to_list()
        offset += 7
    assert count == 60 and pages == sorted(pages) and len(set(pages)) == 60


def test_links_are_those_between_two_of_the_rows(demo):
    refresh(demo, as_of=TODAY)
    rows, _ = read_inventory(demo, kept_ids(SYSTEM), limit=1000)
    ids = rows["project_id"].to_list()
    everything = read_links(demo, ids)
    assert everything.height > 0
    half = read_links(demo, ids[:30])
    assert set(half["predecessor_id"]) | set(half["successor_id"]) <= set(ids[:30])
    assert half.height < everything.height
