"""Declarative portfolio filters: one value object that filters projects and says itself in words."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

Frame = pl.DataFrame | pl.LazyFrame


@dataclass(frozen=True)
class PortfolioFilter:
    """Projects kept = all conditions that are set (an empty tuple means "any")."""

    departments: tuple[str, ...] = ()   # department codes
    objectives: tuple[str, ...] = ()    # objective codes (project serves at least one)
    phases: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    managers: tuple[str, ...] = ()      # manager names

    @property
    def is_empty(self) -> bool:
        return not any((self.departments, self.objectives, self.phases, self.statuses,
                        self.managers))

    def project_ids(self, projects: Frame, contributions: Frame | None = None,
                    objectives: Frame | None = None) -> pl.LazyFrame:
        """(project_id) of the projects kept: department ∧ phase ∧ status ∧ manager ∧ objective."""
        conditions = [pl.lit(True)]
        for column, values in (("department_code", self.departments), ("phase", self.phases),
                               ("status", self.statuses), ("manager", self.managers)):
            if values:
                conditions.append(pl.col(column).is_in(list(values)))
        kept = projects.lazy().filter(pl.all_horizontal(conditions)).select(
            pl.col("id").alias("project_id"))
        if self.objectives and contributions is not None and objectives is not None:
            serving = (contributions.lazy().filter(pl.col("contribution") > 0)
                       .join(objectives.lazy().select(pl.col("id").alias("objective_id"), "code"),
                             on="objective_id")
                       .filter(pl.col("code").is_in(list(self.objectives)))
                       .select("project_id").unique())
            kept = kept.join(serving, on="project_id", how="semi")
        return kept

    def describe(self, labels: dict[str, dict[str, str]] | None = None) -> str:
        """'All projects' or 'Projects in Finance or IT, in phase execution, managed by Ann'."""
        labels = labels or {}
        parts = []
        for key, values, lead in (("departments", self.departments, "in"),
                                  ("objectives", self.objectives, "serving"),
                                  ("phases", self.phases, "in phase"),
                                  ("statuses", self.statuses, "with status"),
                                  ("managers", self.managers, "managed by")):
            if values:
                names = [labels.get(key, {}).get(v, v).replace("_", " ") for v in values]
                parts.append(f"{lead} {_either(names)}")
        return "All projects" if not parts else "Projects " + ", ".join(parts)


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
