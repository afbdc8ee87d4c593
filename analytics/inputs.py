"""The columns analytics reads from each input frame, and a check with a clear message."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

Frame = pl.DataFrame | pl.LazyFrame

_INT, _FLOAT, _STR, _DATE = "integer", "number", "text", "date"

#: frame name -> column -> kind of dtype analytics needs (a subset of data_access' contract)
REQUIRED: dict[str, dict[str, str]] = {
    "projects": {"id": _INT, "code": _STR, "name": _STR, "department_code": _STR,
                 "department": _STR, "manager": _STR, "phase": _STR, "status": _STR,
                 "bac": _FLOAT},
    "costs": {"project_id": _INT, "month": _DATE, "planned": _FLOAT, "actual": _FLOAT},
    "progress": {"project_id": _INT, "as_of": _DATE, "percent_complete": _FLOAT},
    "milestones": {"id": _INT, "project_id": _INT, "name": _STR, "kind": _STR, "gate_type": _STR,
                   "baseline_date": _DATE, "forecast_date": _DATE, "actual_date": _DATE,
                   "validation_state": _STR},
    "risks": {"id": _INT, "project_id": _INT, "title": _STR, "category": _STR,
              "probability": _INT, "impact": _INT, "cost_impact": _FLOAT, "owner": _STR,
              "status": _STR, "due_date": _DATE, "identified_on": _DATE, "closed_on": _DATE},
    "status_reports": {"id": _INT, "project_id": _INT, "period": _DATE, "reported_on": _DATE,
                       "scope_rag": _STR, "quality_rag": _STR},
    "deliverables": {"id": _INT, "milestone_id": _INT, "name": _STR},
    "assignments": {"project_id": _INT, "person_id": _INT, "role": _STR, "month": _DATE,
                    "hours": _FLOAT},
    "people": {"id": _INT, "name": _STR, "role": _STR, "team": _STR,
               "monthly_capacity_hours": _FLOAT},
    "objectives": {"id": _INT, "code": _STR, "name": _STR, "weight": _FLOAT,
                   "target_share": _FLOAT},
    "contributions": {"project_id": _INT, "objective_id": _INT, "contribution": _FLOAT},
}


def _fits(dtype: pl.DataType, kind: str) -> bool:
    if kind == _INT:
        return dtype.is_integer()
    if kind == _FLOAT:
        return dtype.is_numeric()
    if kind == _STR:
        return dtype == pl.String
    return dtype == pl.Date


def checked(name: str, frame: Frame) -> pl.LazyFrame:
    """frame as a LazyFrame once it has REQUIRED[name] with fitting dtypes, else a clear error."""
    if not isinstance(frame, (pl.DataFrame, pl.LazyFrame)):
        raise TypeError(
            f"{name} must be a polars DataFrame or LazyFrame, got {type(frame).__name__}")
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    missing = [c for c in REQUIRED[name] if c not in schema]
    if missing:
        raise ValueError(f"{name} frame lacks columns: {', '.join(missing)}")
    wrong = [f"{c} must be {kind}, got {schema[c]}" for c, kind in REQUIRED[name].items()
             if not _fits(schema[c], kind)]
    if wrong:
        raise ValueError(f"{name} frame has wrong column types: {'; '.join(wrong)}")
    return lazy


def checked_date(as_of: object) -> date:
    """as_of if it is a date (not a datetime), else TypeError."""
    if not isinstance(as_of, date) or isinstance(as_of, datetime):
        raise TypeError(f"as_of must be a datetime.date, got {type(as_of).__name__}")
    return as_of
