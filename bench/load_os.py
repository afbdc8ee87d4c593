"""What bench/load.py reads from and asks of the operating system: a process's memory and CPU
time (/proc), and a lower CPU priority for the browsers it starts."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from support.servers import CHROMIUM


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MiB (/proc/PID/status VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its threads so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


CGROUP_CPU = Path("/sys/fs/cgroup/cpu")  # cgroup v1 CPU controller (as on this machine)


def browser_group(nice: int) -> Path | None:
    """A CPU cgroup whose share matches ``nice`` (1024 / 1.25^nice, as the kernel weighs nice
    levels), for the browsers; None when it cannot be made (no cgroup v1 CPU controller, not
    root). Chromium renices its own processes, so nice alone does not hold them back."""
    group = CGROUP_CPU / f"pmo-load-{os.getpid()}"
    try:
        group.mkdir(exist_ok=True)
        (group / "cpu.shares").write_text(str(max(2, round(1024 / 1.25 ** nice))))
    except OSError:
        return None
    return group


def low_priority_chromium(directory: Path, nice: int, group: Path | None) -> str:
    """An executable that starts Chromium at CPU priority ``nice`` and, when ``group`` is given,
    in that CPU cgroup (the plain path for nice 0)."""
    if nice == 0:
        return CHROMIUM
    join = f"echo $$ > {group / 'cgroup.procs'}\n" if group is not None else ""
    wrapper = directory / "chromium-low-priority"
    wrapper.write_text(f'#!/bin/sh\n{join}exec nice -n {nice} {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


def remove_group(group: Path | None) -> None:
    """Remove the browsers' cgroup (once its processes are gone)."""
    if group is not None:
        try:
            group.rmdir()
        except OSError as exc:
            print(f"could not remove {group}: {exc}", file=sys.stderr)
