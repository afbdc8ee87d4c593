"""Column names and polars dtypes of every frame data_access returns (the contract with analytics)."""

from __future__ import annotations

import polars as pl

DEPARTMENTS = {"id": pl.Int64, "code": pl.String, "name": pl.String}

PROJECTS = {
    "id": pl.Int64, "code": pl.String, "name": pl.String, "department_id": pl.Int64,
    "department_code": pl.String, "department": pl.String, "sponsor": pl.String,
    "manager_id": pl.Int64, "manager": pl.String, "methodology": pl.String, "phase": pl.String,
    "status": pl.String, "baseline_start": pl.Date, "baseline_end": pl.Date,
    "forecast_start": pl.Date, "forecast_end": pl.Date, "actual_start": pl.Date,
    "actual_end": pl.Date, "bac": pl.Float64, "mandatory": pl.Boolean,
    "financial_value": pl.Float64, "strategic_fit": pl.Int64, "urgency": pl.Int64,
    "compliance": pl.Int64, "risk_level": pl.Int64,
}

COSTS = {"project_id": pl.Int64, "month": pl.Date, "planned": pl.Float64, "actual": pl.Float64}

PROGRESS = {"project_id": pl.Int64, "as_of": pl.Date, "percent_complete": pl.Float64}

MILESTONES = {
    "id": pl.Int64, "project_id": pl.Int64, "name": pl.String, "kind": pl.String,
    "gate_type": pl.String, "baseline_date": pl.Date, "forecast_date": pl.Date,
    "actual_date": pl.Date, "validation_state": pl.String,
}

DELIVERABLES = {
    "id": pl.Int64, "milestone_id": pl.Int64, "name": pl.String, "required": pl.Boolean,
    "validated": pl.Boolean,
}

RISKS = {
    "id": pl.Int64, "project_id": pl.Int64, "title": pl.String, "category": pl.String,
    "probability": pl.Int64, "impact": pl.Int64, "cost_impact": pl.Float64, "owner": pl.String,
    "mitigation": pl.String, "due_date": pl.Date, "status": pl.String,
    "identified_on": pl.Date, "closed_on": pl.Date,
}

STATUS_REPORTS = {
    "id": pl.Int64, "project_id": pl.Int64, "period": pl.Date, "reported_on": pl.Date,
    "schedule_rag": pl.String, "cost_rag": pl.String, "scope_rag": pl.String,
    "quality_rag": pl.String, "comment": pl.String, "percent_complete": pl.Float64,
    "forecast_end": pl.Date, "eac": pl.Float64,
}

PEOPLE = {
    "id": pl.Int64, "name": pl.String, "role": pl.String, "team": pl.String,
    "department_id": pl.Int64, "monthly_capacity_hours": pl.Float64,
}

ASSIGNMENTS = {
    "project_id": pl.Int64, "person_id": pl.Int64, "role": pl.String, "month": pl.Date,
    "hours": pl.Float64,
}

OBJECTIVES = {
    "id": pl.Int64, "code": pl.String, "name": pl.String, "weight": pl.Float64,
    "target_share": pl.Float64,
}

CONTRIBUTIONS = {"project_id": pl.Int64, "objective_id": pl.Int64, "contribution": pl.Float64}

DEPENDENCIES = {
    "predecessor_id": pl.Int64, "successor_id": pl.Int64, "kind": pl.String, "lag_days": pl.Int64,
}

THRESHOLDS = {"metric": pl.String, "amber": pl.Float64, "red": pl.Float64, "higher_is_worse": pl.Boolean}

LESSONS = {
    "id": pl.Int64, "project_id": pl.Int64, "title": pl.String, "went_well": pl.String,
    "went_badly": pl.String, "recommendation": pl.String, "category": pl.String,
    "phase": pl.String, "tags": pl.String, "recorded_on": pl.Date,
}
