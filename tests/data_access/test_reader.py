"""read_frame: every strategy returns exactly the requested schema and the same values."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

from data_access.models import Project, Risk
from data_access.reader import _choose, read_frame, read_frames
from data_access.settings import get_settings
from support.factories import make_department, make_project, make_risk

HOSTILE = "O'Brien; DROP TABLE projects;--"
# accents, a right-to-left override, an emoji and a zero-width space
UNICODE = "\u00dcn\u00efc\u00f8d\u00e9 \u202eltr \U0001f680 \u200b"
# connectorx is never run on SQLite inside the app (it links a second SQLite library; see the
# reader's docstring), so it is exercised on PostgreSQL only.
STRATEGIES = {"sqlite": ["dbapi", "sqlalchemy"],
              "postgresql": ["dbapi", "sqlalchemy", "connectorx", "adbc"]}
CASES = [pytest.param(b, s, id=f"{b}-{s}",
                      marks=[pytest.mark.postgres] if b == "postgresql" else [])
         for b, strategies in STRATEGIES.items() for s in strategies]

SCHEMA = {
    "id": pl.Int64, "code": pl.String, "name": pl.String, "bac": pl.Float64,
    "mandatory": pl.Boolean, "baseline_start": pl.Date, "actual_start": pl.Date,
    "actual_end": pl.Date, "urgency": pl.Int64,
}
COLUMNS = [Project.id, Project.code, Project.name, Project.bac, Project.mandatory,
           Project.baseline_start, Project.actual_start, Project.actual_end, Project.urgency]
EXPECTED = pl.DataFrame(
    {
        "code": ["A", "B", "C"],
        "name": [HOSTILE, UNICODE, "Plain"],
        "bac": [1234.56, 0.01, 12_345_678_901.23],
        "mandatory": [True, False, False],
        "baseline_start": [date(2026, 1, 1), date(2025, 12, 31), date(2024, 2, 29)],
        "actual_start": [date(2026, 1, 5), None, None],
        "actual_end": [None, None, None],
        "urgency": [5, 1, 3],
    },
    schema={k: v for k, v in SCHEMA.items() if k != "id"},
)


@pytest.fixture
def projects(engine: Engine) -> Engine:
    with Session(engine) as s:
        dept = make_department(s)
        for row in EXPECTED.iter_rows(named=True):
            make_project(s, department=dept, baseline_end=date(2026, 12, 31), **row)
        s.commit()
    return engine


def _read(engine: Engine, stmt, strategy: str) -> pl.DataFrame:
    return read_frame(engine, stmt, SCHEMA, strategy=strategy)


def _all() -> Select:
    return select(*COLUMNS).order_by(Project.code)


@pytest.mark.parametrize(("backend", "strategy"), CASES, indirect=["backend"])
def test_schema_and_values(projects: Engine, backend: str, strategy: str) -> None:
    assert _choose(projects, strategy, explicit=True) == strategy  # no silent fallback
    frame = _read(projects, _all(), strategy)
    assert frame.schema == pl.Schema(SCHEMA)
    assert_frame_equal(frame.drop("id"), EXPECTED)
    assert frame["id"].is_unique().all() and frame["id"].null_count() == 0


@pytest.mark.parametrize(("backend", "strategy"), CASES, indirect=["backend"])
def test_empty_result_keeps_the_schema(projects: Engine, strategy: str) -> None:
    stmt = _all().where(Project.urgency > 5)
    frame = _read(projects, stmt, strategy)
    assert frame.schema == pl.Schema(SCHEMA)
    assert frame.height == 0


@pytest.mark.parametrize(("backend", "strategy"), CASES, indirect=["backend"])
def test_empty_table_keeps_the_schema(engine: Engine, strategy: str) -> None:
    frame = _read(engine, _all(), strategy)
    assert frame.schema == pl.Schema(SCHEMA)
    assert frame.height == 0


@pytest.mark.parametrize(("backend", "strategy"), CASES, indirect=["backend"])
def test_literal_safe_parameters(projects: Engine, strategy: str) -> None:
    """int, bool and date parameters are rendered (connectorx) or bound, never lost."""
    stmt = (select(Project.code, Project.baseline_start)
            .where(Project.urgency >= 3, Project.mandatory.is_(True),
                   Project.baseline_start >= date(2025, 6, 1), Project.id.in_([1, 2, 3, 4])))
    frame = read_frame(projects, stmt, {"code": pl.String, "start": pl.Date}, strategy=strategy)
    assert frame.rows() == [("A", date(2026, 1, 1))]


@pytest.mark.parametrize(("backend", "strategy"), CASES, indirect=["backend"])
def test_dates_null_first_booleans_and_integers(projects: Engine, strategy: str) -> None:
    """Dates (NULL first), booleans and integers through every reader."""
    stmt = (select(Project.actual_start, Project.mandatory, Project.urgency)
            .order_by(Project.code.desc()))
    schema = {"actual_start": pl.Date, "mandatory": pl.Boolean, "urgency": pl.Int64}
    frame = read_frame(projects, stmt, schema, strategy=strategy)
    assert frame.schema == pl.Schema(schema)
    assert frame.rows() == [(None, False, 3), (None, False, 1), (date(2026, 1, 5), True, 5)]


@pytest.mark.parametrize(("backend", "strategy"), CASES, indirect=["backend"])
def test_money_whole_then_fractional_and_null_first(engine: Engine, strategy: str) -> None:
    """SQLite stores 300.00 as INTEGER and 1000.50 as REAL in a NUMERIC column: every reader
    must still return float64 amounts to the cent, a NULL first included."""
    with Session(engine) as s:
        project = make_project(s, code="M", bac=300.0)
        make_risk(s, project=project, title="a", cost_impact=None)
        make_risk(s, project=project, title="b", cost_impact=1000.5)
        make_risk(s, project=project, title="c", cost_impact=7.0)
        s.commit()
    stmt = select(Risk.title, Risk.cost_impact, Project.bac).join(Project).order_by(Risk.title)
    schema = {"title": pl.String, "cost_impact": pl.Float64, "bac": pl.Float64}
    frame = read_frame(engine, stmt, schema, strategy=strategy)
    assert frame.rows() == [("a", None, 300.0), ("b", 1000.5, 300.0), ("c", 7.0, 300.0)]


@pytest.mark.parametrize(("backend", "strategy"), CASES, indirect=["backend"])
@pytest.mark.parametrize(("text", "code"), [(HOSTILE, "A"), (UNICODE, "B"), ("'; --", None)])
def test_text_parameter_is_bound_literally(projects: Engine, strategy: str, text: str,
                                           code: str | None) -> None:
    stmt = _all().where(Project.name == text)  # connectorx cannot bind: it reads through dbapi
    frame = _read(projects, stmt, strategy)
    assert frame.schema == pl.Schema(SCHEMA)
    assert frame["code"].to_list() == ([code] if code else [])
    assert _read(projects, _all(), strategy).height == 3  # the table is still there


def test_all_strategies_return_equal_frames(projects: Engine, backend: str) -> None:
    frames = {s: _read(projects, _all(), s) for s in STRATEGIES[backend]}
    reference = frames.pop("sqlalchemy")
    assert len(frames) == len(STRATEGIES[backend]) - 1
    for frame in frames.values():
        assert_frame_equal(frame, reference)


@pytest.mark.parametrize(("backend", "requested", "explicit", "used"), [
    pytest.param("sqlite", "auto", False, "dbapi", id="sqlite-auto"),
    pytest.param("sqlite", "adbc", False, "dbapi", id="sqlite-adbc-unsupported"),
    pytest.param("sqlite", "connectorx", False, "dbapi", id="sqlite-connectorx-never-configured"),
    pytest.param("sqlite", "connectorx", True, "connectorx", id="sqlite-connectorx-bench-only"),
    pytest.param("postgresql", "auto", False, "adbc", id="postgresql-auto", marks=pytest.mark.postgres),
    pytest.param("postgresql", "connectorx", False, "connectorx", id="postgresql-connectorx",
                 marks=pytest.mark.postgres),
], indirect=["backend"])
def test_strategy_choice(engine: Engine, requested: str, explicit: bool, used: str) -> None:
    assert _choose(engine, requested, explicit=explicit) == used


def test_unknown_strategy_is_refused(sqlite_engine: Engine) -> None:
    with pytest.raises(ValueError, match="unknown reader strategy 'pandas'"):
        read_frame(sqlite_engine, _all(), SCHEMA, strategy="pandas")


def test_in_memory_sqlite_never_goes_to_connectorx() -> None:
    from data_access.engine import create_pmo_engine

    engine = create_pmo_engine("sqlite://")
    try:
        assert _choose(engine, "connectorx", explicit=True) == "dbapi"
    finally:
        engine.dispose()


def test_read_frames_share_one_snapshot(projects: Engine) -> None:
    frames = read_frames(projects, {"all": (_all(), SCHEMA),
                                    "codes": (select(Project.code).order_by(Project.code),
                                              {"code": pl.String})})
    assert frames["all"].height == 3
    assert frames["codes"]["code"].to_list() == ["A", "B", "C"]


def test_configured_reader_is_used(projects: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_READER", "sqlalchemy")
    get_settings.cache_clear()

    def forbidden(*_a, **_k):
        raise AssertionError("an Arrow reader was used although PMO_READER=sqlalchemy")

    monkeypatch.setattr("data_access.reader._read_connectorx", forbidden)
    monkeypatch.setattr("data_access.reader._adbc_frames", forbidden)
    monkeypatch.setattr("data_access.reader._read_dbapi", forbidden)
    assert read_frame(projects, _all(), SCHEMA).height == 3
