"""Native scheduling files (Microsoft Project .mpp/.mpx/MSPDI .xml, Primavera .xer/.pmxml and
the other formats mpxj reads) mapped into ONE project's milestones (gates when the name says
G0..G4), costs per month, progress and assignments per role and month.

mpxj is a Java library reached through JPype: the JVM is started lazily, once per process, on
the first scheduling file (never at import time). Without Java the error says what to install.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from data_access.imports.parse import RawTable
from data_access.imports.problems import FileRejected
from data_access.imports.values import norm_key

SCHEDULE_SUFFIXES = frozenset({".mpp", ".mpt", ".mpx", ".xml", ".xer", ".pmxml", ".pp", ".gan",
                               ".planner", ".pod", ".mpd", ".prx", ".stx", ".sp", ".ppx", ".fts",
                               ".cdpx", ".cdpz", ".gnt"})
JAVA_MISSING = ("reading scheduling files needs a Java runtime, and none was found: install a "
                "Java runtime (e.g. apt install default-jre-headless) or set JAVA_HOME")
MPXJ_MISSING = "reading scheduling files needs the mpxj package: pip install mpxj jpype1"
GATE_RE = re.compile(r"(?:^|[^A-Za-z0-9])(?:G|gate\s*)([0-4])(?![0-9])", re.IGNORECASE)
_lock = threading.Lock()


class JavaUnavailable(RuntimeError):
    """No JVM or no mpxj: the message says what to install."""


def find_jvm() -> str:
    """The JVM library JPype would start; JavaUnavailable with an install hint otherwise."""
    try:
        import jpype
    except ImportError:
        raise JavaUnavailable(MPXJ_MISSING) from None
    try:
        return jpype.getDefaultJVMPath()
    except (jpype.JVMNotFoundException, jpype.JVMNotSupportedException):
        raise JavaUnavailable(JAVA_MISSING) from None


def start_jvm():
    """Start the JVM with mpxj on its class path, once per process; returns ``jpype``."""
    with _lock:
        try:
            import jpype
            import jpype.imports  # noqa: F401  (Java packages importable as Python modules)
        except ImportError:
            raise JavaUnavailable(MPXJ_MISSING) from None
        if jpype.isJVMStarted():
            return jpype
        path = find_jvm()
        try:
            import mpxj  # noqa: F401  (puts mpxj's jars on the class path)
        except ImportError:
            raise JavaUnavailable(MPXJ_MISSING) from None
        jpype.startJVM(path, "-Dlog4j2.loggerContextFactory="
                             "org.apache.logging.log4j.simple.SimpleLoggerContextFactory",
                       convertStrings=True)
        return jpype


def read_project_file(data: bytes, filename: str):
    """The mpxj ProjectFile of ``data`` (FileRejected when mpxj cannot read it)."""
    start_jvm()
    from org.mpxj.reader import UniversalProjectReader

    suffix = Path(filename.replace("\\", "/")).suffix.lower() or ".mpp"
    with tempfile.TemporaryDirectory(prefix="pmo-import-") as folder:
        path = Path(folder) / f"schedule{suffix}"       # never the uploaded name (../, CRLF)
        path.write_bytes(data)
        try:
            project = UniversalProjectReader().read(str(path))
        except Exception as exc:  # noqa: BLE001 - any Java exception: the file is unreadable
            raise FileRejected("unreadable_schedule", f"mpxj could not read this scheduling "
                               f"file: {str(exc).splitlines()[0][:300]}") from None
    if project is None:
        raise FileRejected("unreadable_schedule", f"{suffix} file not recognised as a "
                                                  f"scheduling file mpxj reads")
    return project


def _date(value) -> dt.date | None:
    return None if value is None else dt.date(value.getYear(), value.getMonthValue(),
                                              value.getDayOfMonth())


def _num(value) -> float:
    return 0.0 if value is None else float(value.doubleValue() if hasattr(value, "doubleValue")
                                           else value)


def gate_type(name: str) -> str | None:
    """'G2 Go decision' / 'Gate 3 review' -> the gate type; None for any other milestone."""
    from data_access.models.enums import GATE_TYPES

    m = GATE_RE.search(name or "")
    return GATE_TYPES[int(m[1])] if m else None


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return out


def _spread(amount: float, start: dt.date, end: dt.date) -> dict[dt.date, float]:
    """``amount`` shared over the months of start..end in proportion to their calendar days."""
    end = max(end, start)
    days = (end - start).days + 1
    out: dict[dt.date, float] = {}
    for month in _months(start, end):
        nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        share = (min(end, nxt - dt.timedelta(days=1)) - max(start, month)).days + 1
        out[month] = out.get(month, 0.0) + amount * share / days
    return out


def read_schedule(data: bytes, filename: str, project: str, *,
                  progress: Callable[[str, int, int], None] | None = None) -> dict[str, RawTable]:
    """The file's records as template tables (kind -> RawTable) for ``project``."""
    if progress:
        progress("read", 0, 1)
    pf = read_project_file(data, filename)
    tasks = [t for t in pf.getTasks() if t.getName() is not None]
    prefix = norm_key(project).upper()[:48]
    tables: dict[str, RawTable] = {}
    milestones = [[project, f"{prefix}/T{int(t.getUniqueID())}", str(t.getName()),
                   "gate" if gate_type(str(t.getName())) else "milestone",
                   gate_type(str(t.getName())),
                   _date(t.getBaselineFinish()) or _date(t.getBaselineStart())
                   or _date(t.getFinish()), _date(t.getFinish()), _date(t.getActualFinish())]
                  for t in tasks if t.getMilestone() and not t.getSummary()]
    tables["milestones"] = _table(["project", "key", "name", "kind", "gate_type", "baseline_date",
                                   "forecast_date", "actual_date"], milestones,
                                  [int(t.getID()) for t in tasks
                                   if t.getMilestone() and not t.getSummary()])
    costs = _costs(tasks)
    if costs:
        rows = [[project, month, round(planned, 2), None if actual is None else round(actual, 2)]
                for month, (planned, actual) in sorted(costs.items())]
        tables["costs"] = _table(["project", "month", "planned", "actual"], rows)
    as_of = _status_date(pf)
    if as_of is not None:
        tables["progress"] = _table(["project", "as_of", "percent_complete"],
                                    [[project, as_of, _percent(pf, tasks)]])
    hours = _hours(pf)
    if hours:
        tables["assignments"] = _table(
            ["project", "role", "month", "hours"],
            [[project, role, month, round(h, 2)] for (role, month), h in sorted(hours.items())])
    if progress:
        progress("read", 1, 1)
    return tables


def _table(headers: list[str], rows: list[list], numbers: list[int] | None = None) -> RawTable:
    numbers = numbers or list(range(1, len(rows) + 1))
    return RawTable(headers=headers, rows=list(zip(numbers, rows)))


def _costs(tasks) -> dict[dt.date, tuple[float, float | None]]:
    planned: dict[dt.date, float] = {}
    actual: dict[dt.date, float] = {}
    for t in tasks:
        if t.getSummary():
            continue
        start, finish = _date(t.getStart()), _date(t.getFinish())
        amount = _num(t.getBaselineCost()) or _num(t.getCost())
        if amount > 0 and start:
            base_start = _date(t.getBaselineStart()) or start
            base_end = _date(t.getBaselineFinish()) or finish or base_start
            for m, x in _spread(amount, base_start, base_end).items():
                planned[m] = planned.get(m, 0.0) + x
        spent = _num(t.getActualCost())
        a_start = _date(t.getActualStart()) or start
        if spent > 0 and a_start:
            for m, x in _spread(spent, a_start, _date(t.getActualFinish()) or finish
                                or a_start).items():
                actual[m] = actual.get(m, 0.0) + x
    months = sorted(set(planned) | set(actual))
    return {m: (planned.get(m, 0.0), actual.get(m) if actual else None) for m in months}


def _status_date(pf) -> dt.date | None:
    """The file's status date, else the date it was last saved (None: no progress imported)."""
    props = pf.getProjectProperties()
    return _date(props.getStatusDate()) or _date(props.getLastSaved())


def _percent(pf, tasks) -> float:
    """The project summary task's percent complete, else the duration-weighted leaf average."""
    summary = next((t for t in tasks if t.getOutlineLevel() is not None
                    and int(t.getOutlineLevel()) == 0), None)
    if summary is not None and summary.getPercentageComplete() is not None:
        return round(_num(summary.getPercentageComplete()), 2)
    weights = [(max((_date(t.getFinish()) - _date(t.getStart())).days, 1),
                _num(t.getPercentageComplete())) for t in tasks
               if not t.getSummary() and t.getStart() is not None and t.getFinish() is not None]
    total = sum(w for w, _ in weights)
    return round(sum(w * p for w, p in weights) / total, 2) if total else 0.0


def _hours(pf) -> dict[tuple[str, dt.date], float]:
    """Work hours per resource (taken as the role) and month, from mpxj's timephased work."""
    from java.time import LocalDateTime
    from java.util import ArrayList
    from org.mpxj import LocalDateTimeRange, TimeUnit

    work = [a for a in pf.getResourceAssignments()
            if a.getResource() is not None and a.getResource().getName() is not None
            and a.getStart() is not None and a.getFinish() is not None]
    if not work:
        return {}
    first = min(_date(a.getStart()) for a in work)
    last = max(_date(a.getFinish()) for a in work)
    months = _months(first, last)
    ranges = ArrayList()
    for month in months:
        nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        ranges.add(LocalDateTimeRange(LocalDateTime.of(month.year, month.month, 1, 0, 0),
                                      LocalDateTime.of(nxt.year, nxt.month, 1, 0, 0)))
    out: dict[tuple[str, dt.date], float] = {}
    for a in work:
        role = str(a.getResource().getName()).strip()[:64]
        for month, value in zip(months, a.getTimephasedWork(ranges, TimeUnit.HOURS)):
            hours = 0.0 if value is None else float(value.getDuration())
            if hours > 0:
                out[(role, month)] = out.get((role, month), 0.0) + hours
    return out
