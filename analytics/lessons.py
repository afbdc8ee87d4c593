"""Lessons learned: search and filters, and the lessons of other projects offered to a project.

Similarity of a lesson L (of project Q, or of no project) to project P, each point with its
reason:

- +2 when Q has P's methodology;
- +1 when Q is in P's department;
- +1 when L was learned in the phase P is in now;
- +1 for each of L's tags that P's own lessons carry too.

A lesson of no project scores on phase and tags only. Lessons of P itself are never offered,
nor lessons that score 0. Ties: newest lesson first, then the smaller id.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

Frame = pl.DataFrame | pl.LazyFrame
TEXT_COLUMNS = ("title", "went_well", "went_badly", "recommendation")
SIMILAR_COLUMNS = ("lesson_id", "project_id", "project_code", "project_name", "title",
                   "went_well", "went_badly", "recommendation", "category", "phase", "tags",
                   "recorded_on", "score", "reason")
METHODOLOGY_POINTS, DEPARTMENT_POINTS, PHASE_POINTS, TAG_POINTS = 2, 1, 1, 1


def tag_list(column: str = "tags") -> pl.Expr:
    """The comma-separated ``column`` as a list of trimmed lower-case tags ([] when null)."""
    return (pl.col(column).fill_null("").str.split(",")
            .list.eval(pl.element().str.strip_chars().str.to_lowercase()
                       .filter(pl.element().str.len_chars() > 0)))


def _words(text: str | None) -> list[str]:
    return [w for w in (text or "").lower().split() if w]


def text_matches(text: str | None) -> pl.Expr:
    """True where every word of ``text`` occurs (case-insensitive, literally) in the title or
    one of the three texts; True for an empty search."""
    haystack = pl.concat_str([pl.col(c).fill_null("") for c in TEXT_COLUMNS],
                             separator="\n").str.to_lowercase()
    return pl.all_horizontal([pl.lit(True), *(haystack.str.contains(w, literal=True)
                                              for w in _words(text))])


def search(lessons: Frame, text: str | None = None, categories: Sequence[str] = (),
           phases: Sequence[str] = (), tags: Sequence[str] = ()) -> pl.LazyFrame:
    """Lessons kept = text ∧ category ∈ categories ∧ phase ∈ phases ∧ (shares a tag with
    ``tags``); an empty filter keeps everything; order and columns unchanged."""
    wanted = sorted({t.strip().lower() for t in tags if t and t.strip()})
    conditions = [text_matches(text)]
    if categories:
        conditions.append(pl.col("category").is_in(list(categories)))
    if phases:
        conditions.append(pl.col("phase").is_in(list(phases)))
    if wanted:
        conditions.append(tag_list().list.set_intersection(pl.lit(wanted)).list.len() > 0)
    return lessons.lazy().filter(pl.all_horizontal(conditions))


def all_tags(lessons: Frame) -> pl.LazyFrame:
    """(tag): every tag the lessons carry, sorted, once each."""
    return lessons.lazy().select(tag_list().explode().drop_nulls().unique().sort().alias("tag"))


def _points(condition: pl.Expr, points: int) -> pl.Expr:
    """``points`` where ``condition`` holds (null counts as false), else 0."""
    return pl.when(condition.fill_null(False)).then(pl.lit(points)).otherwise(pl.lit(0))


def _reason(condition: pl.Expr, text: pl.Expr) -> pl.Expr:
    """``text`` where ``condition`` holds, else null (left out of the reason)."""
    return pl.when(condition.fill_null(False)).then(text).otherwise(pl.lit(None, dtype=pl.String))


def similar(projects: Frame, lessons: Frame, project_id: int, top: int = 5) -> pl.LazyFrame:
    """Lessons of other projects ranked by score = 2·same methodology + 1·same department +
    1·same phase as P now + 1 per tag shared with P's own lessons (module docstring);
    SIMILAR_COLUMNS, at most ``top`` rows, score > 0, reason in words."""
    lessons = lessons.lazy()
    target = projects.lazy().filter(pl.col("id") == project_id).select(
        pl.col("methodology").alias("p_methodology"),
        pl.col("department_id").alias("p_department_id"),
        pl.col("department").alias("p_department"), pl.col("phase").alias("p_phase"))
    own = lessons.filter(pl.col("project_id") == project_id).select(
        tag_list().explode().drop_nulls().unique().sort().implode().alias("own_tags"))
    sources = projects.lazy().select(
        pl.col("id").alias("project_id"), pl.col("code").alias("project_code"),
        pl.col("name").alias("project_name"), pl.col("methodology").alias("q_methodology"),
        pl.col("department_id").alias("q_department_id"))
    method = pl.col("q_methodology") == pl.col("p_methodology")
    dept = pl.col("q_department_id") == pl.col("p_department_id")
    phase = pl.col("phase") == pl.col("p_phase")
    shared = pl.col("shared_tags")
    return (
        lessons.filter(pl.col("project_id").is_null() | (pl.col("project_id") != project_id))
        .join(sources, on="project_id", how="left")
        .join(target, how="cross").join(own, how="cross")
        .with_columns(tag_list().list.set_intersection(pl.col("own_tags")).list.sort()
                      .alias("shared_tags"))
        .with_columns(
            (_points(method, METHODOLOGY_POINTS) + _points(dept, DEPARTMENT_POINTS)
             + _points(phase, PHASE_POINTS)
             + shared.list.len().cast(pl.Int64) * TAG_POINTS).alias("score"),
            pl.concat_str([
                _reason(method, pl.format("same methodology ({})",
                                          pl.col("p_methodology").str.replace_all("_", " "))),
                _reason(dept, pl.format("same department ({})", pl.col("p_department"))),
                _reason(phase, pl.format("learned in the {} phase, where this project is",
                                         pl.col("phase"))),
                _reason(shared.list.len() > 0, pl.lit("shared tags: ") + shared.list.join(", ")),
            ], separator=" · ", ignore_nulls=True).alias("reason"))
        .filter(pl.col("score") > 0)
        .sort(["score", "recorded_on", "id"], descending=[True, True, False], nulls_last=True)
        .head(top)
        .select(pl.col("id").alias("lesson_id"), *SIMILAR_COLUMNS[1:]))
