"""``pmo import``: dry run, import, re-import unchanged, and one clear line with exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from cli.imports import register
from data_access.engine import get_engine
from data_access.models import AuditEntry, Project
from fixtures.imports.files import csv_bytes, row, table
from fixtures.imports.seeded import clone_sqlite, seeded_sqlite  # noqa: F401  (fixture)

runner = CliRunner()
app = typer.Typer(pretty_exceptions_enable=False)
register(app)


@app.command()
def _placeholder() -> None:  # a second command, so that "import" is a sub-command
    """unused"""


@pytest.fixture
def seeded(tmp_path, monkeypatch, seeded_sqlite):
    """A copy of the demo portfolio (seed 7) as PMO_DATABASE_URL."""
    clone_sqlite(seeded_sqlite, tmp_path / "cli.db")
    monkeypatch.setenv("PMO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    return tmp_path


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_dry_run_then_import_then_unchanged(seeded):
    path = write(seeded, "projects.csv", csv_bytes(table([row("projects")])))
    dry = runner.invoke(app, ["import", path, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would import projects.csv: 1 created, 0 updated, 0 unchanged" in dry.output
    with get_engine().connect() as conn:
        assert conn.execute(select(Project.id).where(Project.code == "IMP-001")).first() is None
    done = runner.invoke(app, ["import", path])
    assert done.exit_code == 0, done.output
    assert "imported projects.csv: 1 created, 0 updated, 0 unchanged" in done.output
    again = runner.invoke(app, ["import", path, "--kind", "projects"])
    assert "imported projects.csv: 0 created, 0 updated, 1 unchanged" in again.output
    with get_engine().connect() as conn:
        actors = conn.execute(select(AuditEntry.actor).where(AuditEntry.action == "import.batch")
                              ).scalars().all()
    assert len(actors) == 2 and all(a.startswith("cli:") for a in actors)


def test_problems_are_listed_and_nothing_is_written(seeded):
    rows = table([row("projects"), row("projects", key="IMP-2", code="IMP-2", bac="-1",
                                       baseline_end="03/04/2026")])
    path = write(seeded, "bad.csv", csv_bytes(rows))
    result = runner.invoke(app, ["import", path])
    assert result.exit_code == 1
    assert "error: 2 problem(s): nothing was imported" in result.output
    assert "ambiguous_date" in result.output and "negative" in result.output
    assert "Traceback" not in result.output
    with get_engine().connect() as conn:
        assert conn.execute(select(Project.id).where(Project.code == "IMP-001")).first() is None


@pytest.mark.parametrize(("args", "message"), [
    (["import", "{dir}/nope.csv"], "no such file"),
    (["import", "{dir}/x.csv", "--kind", "people"], "unknown --kind 'people'"),
    (["import", "{dir}/plan.mpp"], "give --project CODE"),
])
def test_bad_arguments_are_one_clear_line(seeded, args, message):
    result = runner.invoke(app, [a.format(dir=seeded) for a in args])
    assert result.exit_code == 1 and message in result.output
    assert "Traceback" not in result.output


def test_the_real_schedule_through_the_command(seeded):
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "schedules" / \
        "software-development.mpp"
    result = runner.invoke(app, ["import", str(fixture), "--project", "PRJ-00002"])
    assert result.exit_code == 0, result.output
    assert "imported software-development.mpp: 33 created, 0 updated, 0 unchanged" in result.output
