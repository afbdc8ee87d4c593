"""Load: N concurrent browser sessions against ONE app server, on loopback only, bounded.

    .venv/bin/python -m bench.load --users 10,25 --minutes 2 [--think 10] [--nice 10] [--pg]

Seeds a demo database (SQLite in a temporary directory, or a throwaway PostgreSQL with
``--pg``); for each N in ``--users`` starts ONE ``streamlit run app.py`` on a free 127.0.0.1
port (a fresh one per level, so that no level inherits the previous one's sessions) and drives N headless Chromium contexts (one browser, asyncio Playwright): each signs in
as a demo user (exec, pmo, head, manager, viewer in turn) and clicks through its role's pages
in the sidebar for ``--minutes``, reading each page for a think time drawn uniformly from
0.5-1.5 x ``--think`` seconds (seeded) before the next click, as people do. A page is *finished*
when its title heading is visible and Streamlit's running indicator is gone; the time from the
click to that is one sample. An error is any exception element, any error alert or a page that
does not finish within 60 s.
The browsers run at ``--nice`` (a lower CPU priority than the server): on one 2-CPU machine
they share the CPUs with the server, where in production they run on the users' machines.
Server CPU per page = (the server's user + system CPU seconds during the run, from
/proc/PID/stat) / pages finished: the server's own cost, whatever the browsers cost.
Server memory per session = (server RSS with N sessions signed in - RSS before them) / N, with
the RSS read from /proc (mean of samples taken every 2 s during the run).

Prints a markdown table and writes bench/results/load-<date>.json. Bounded: at most 30 users
and 5 minutes per run.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT, ROOT / "tests"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from components.access import pages_for  # noqa: E402
from support.servers import (CHROMIUM, CHROMIUM_ARGS, RestartablePostgres, seed_demo,  # noqa: E402
                             start_app)

MAX_USERS, MAX_MINUTES, MAX_THINK = 30, 5.0, 120.0
ACCOUNTS = (("exec", "executive"), ("pmo", "pmo"), ("head", "executive"),
            ("manager", "manager"), ("viewer", "viewer"))
PAGE_TIMEOUT_MS = 60_000
RAMP_S = 3.0  # one user arrives every 3 s (a browser context starting is heavy)
RUNNING = "[data-testid='stStatusWidget']"
ERRORS = "[data-testid='stException'], [data-testid='stAlertContentError']"


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


def think_times(mean_s: float, seed: int):
    """Endless think times, uniform in [0.5, 1.5] x mean_s (none when mean_s is 0), seeded."""
    rng = random.Random(seed)
    while True:
        yield mean_s * rng.uniform(0.5, 1.5)


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


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of ``values``."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


async def _finished(page, title: str) -> None:
    await page.get_by_role("heading", name=title, exact=True).wait_for(timeout=PAGE_TIMEOUT_MS)
    await page.locator(RUNNING).wait_for(state="hidden", timeout=PAGE_TIMEOUT_MS)


async def _check_errors(page, where: str, errors: list[str]) -> None:
    found = page.locator(ERRORS)
    if await found.count():
        text = (await found.first.inner_text())[:300]
        errors.append(f"{where}: {text}")


async def _screenshot(page, shots: Path | None, name: str) -> None:
    """Keep what the user saw when a page failed (at most 10 a level)."""
    if shots is None or page is None or len(list(shots.glob("*.png"))) >= 10:
        return
    try:
        shots.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=shots / f"{name}.png", timeout=10_000)
    except Exception as exc:  # the page may be dead: the error is already counted
        print(f"no screenshot {name}: {type(exc).__name__}", file=sys.stderr)


async def _session(browser, base: str, n: int, deadline: list[float], times: dict[str, list],
                   errors: list[str], signed_in: asyncio.Event, ready: list[int],
                   think_s: float, shots: Path | None) -> None:
    username, role = ACCOUNTS[n % len(ACCOUNTS)]
    pauses = think_times(think_s, seed=n)
    titles = [spec.title for spec in pages_for(role)]
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = None
    try:
        page = await context.new_page()
        await asyncio.sleep(RAMP_S * n)  # users arrive one after another, not in one instant
        await page.goto(base, wait_until="commit", timeout=PAGE_TIMEOUT_MS)
        await page.wait_for_selector("text=Sign in to PMO Cockpit", timeout=PAGE_TIMEOUT_MS)
        await page.get_by_label("Username").fill(username)
        await page.get_by_label("Password", exact=True).and_(
            page.get_by_role("textbox")).fill(f"{username}-demo-2026")
        await page.get_by_role("button", name="Sign in").click()
        await _finished(page, titles[0])
        ready.append(n)
        await signed_in.wait()  # every session is signed in before the clock starts
        i = 0
        while time.monotonic() < deadline[0]:
            i += 1
            await asyncio.sleep(min(next(pauses), max(0.0, deadline[0] - time.monotonic())))
            if time.monotonic() >= deadline[0]:
                break
            title = titles[i % len(titles)]
            where = f"{username}#{n} {title}"
            started = time.perf_counter()
            try:
                if len(titles) == 1:
                    await page.reload()
                else:
                    nav = page.get_by_test_id("stSidebarNav")
                    await nav.get_by_role("link", name=title, exact=True).click(
                        timeout=PAGE_TIMEOUT_MS)
                await _finished(page, title)
                times.setdefault(title, []).append(time.perf_counter() - started)
            except Exception as exc:  # a timeout or a dead page: counted, then go on
                errors.append(f"{where}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
                await _screenshot(page, shots, f"{username}-{n}-{i}")
            await _check_errors(page, where, errors)
    except Exception as exc:
        errors.append(f"{username}#{n} sign-in: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        await _screenshot(page, shots, f"{username}-{n}-sign-in")
        ready.append(n)
    finally:
        await context.close()


async def _sample_rss(pid: int, stop: asyncio.Event, out: list[float]) -> None:
    while not stop.is_set():
        out.append(rss_mb(pid))
        try:
            await asyncio.wait_for(stop.wait(), timeout=2)
        except asyncio.TimeoutError:
            pass


async def run_level(base: str, pid: int, users: int, minutes: float, *, think_s: float = 10.0,
                    chromium: str = CHROMIUM, shots: Path | None = None) -> dict:
    """One load level: ``users`` sessions for ``minutes``; the row of the table."""
    from playwright.async_api import async_playwright

    by_page: dict[str, list[float]] = {}
    errors: list[str] = []
    idle = rss_mb(pid)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            signed_in, ready = asyncio.Event(), []
            deadline = [time.monotonic() + 3600]  # set when every session is signed in
            tasks = [asyncio.create_task(_session(browser, base, n, deadline, by_page, errors,
                                                  signed_in, ready, think_s, shots))
                     for n in range(users)]
            login_started = time.monotonic()
            while len(ready) < users:
                await asyncio.sleep(0.2)
            login_s = time.monotonic() - login_started
            deadline[0] = time.monotonic() + minutes * 60
            cpu_before = cpu_seconds(pid)
            stop, samples = asyncio.Event(), []
            sampler = asyncio.create_task(_sample_rss(pid, stop, samples))
            signed_in.set()
            await asyncio.gather(*tasks)
            server_cpu = cpu_seconds(pid) - cpu_before
            stop.set()
            await sampler
        finally:
            await browser.close()
    loaded = statistics.fmean(samples) if samples else idle
    times = [t for page_times in by_page.values() for t in page_times]
    return {
        "users": users, "minutes": minutes, "think_s": think_s, "pages": len(times),
        "errors": len(errors),
        "error_samples": errors[:20], "sign_in_all_s": round(login_s, 1),
        "p50_s": round(percentile(times, 50), 3) if times else None,
        "p95_s": round(percentile(times, 95), 3) if times else None,
        "max_s": round(max(times), 3) if times else None,
        "rss_idle_mb": round(idle, 1), "rss_loaded_mb": round(loaded, 1),
        "rss_peak_mb": round(max(samples, default=idle), 1),
        "mb_per_session": round((loaded - idle) / users, 1),
        "server_cpu_s": round(server_cpu, 1),
        "server_cpu_per_page_s": round(server_cpu / len(times), 3) if times else None,
        "p50_by_page_s": {title: round(statistics.median(ts), 3)
                          for title, ts in sorted(by_page.items())},
    }



def _table(rows: list[dict], backend: str) -> str:
    lines = [f"Load on one server ({backend} demo database, loopback, headless Chromium)", "",
             "| users | minutes | think s | pages | p50 s | p95 s | max s | errors "
             "| server CPU s / page | RSS idle MiB | RSS loaded MiB | MiB / session |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['users']} | {r['minutes']:g} | {r['think_s']:g} | {r['pages']} "
                     f"| {r['p50_s']} | {r['p95_s']} | {r['max_s']} | {r['errors']} "
                     f"| {r['server_cpu_per_page_s']} | {r['rss_idle_mb']} "
                     f"| {r['rss_loaded_mb']} | {r['mb_per_session']} |")
    return "\n".join(lines)


def _levels(text: str) -> list[int]:
    levels = [int(x) for x in text.split(",") if x.strip()]
    if not levels or any(not 1 <= n <= MAX_USERS for n in levels):
        raise argparse.ArgumentTypeError(f"--users: 1 to {MAX_USERS} each, e.g. 10,25")
    return levels


def _minutes(text: str) -> float:
    value = float(text)
    if not 0 < value <= MAX_MINUTES:
        raise argparse.ArgumentTypeError(f"--minutes: more than 0, at most {MAX_MINUTES:g}")
    return value


def _think(text: str) -> float:
    value = float(text)
    if not 0 <= value <= MAX_THINK:
        raise argparse.ArgumentTypeError(f"--think: 0 to {MAX_THINK:g} seconds")
    return value


def _nice(text: str) -> int:
    value = int(text)
    if not 0 <= value <= 19:
        raise argparse.ArgumentTypeError("--nice: 0 (the server's priority) to 19")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=_levels, default=[10, 25])
    parser.add_argument("--minutes", type=_minutes, default=2.0)
    parser.add_argument("--think", type=_think, default=10.0,
                        help="mean seconds a user reads a page before the next click (0: none)")
    parser.add_argument("--nice", type=_nice, default=10,
                        help="CPU priority of the browsers (0 = the server's)")
    parser.add_argument("--pg", action="store_true", help="a throwaway PostgreSQL, not SQLite")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if not Path(CHROMIUM).exists():
        parser.error(f"{CHROMIUM} is missing: install the OS chromium package")
    pg, group = None, None
    with tempfile.TemporaryDirectory(prefix="pmo-load-") as tmp:
        try:
            if args.pg:
                pg = RestartablePostgres()
                url = pg.create_database("pmo_load")
            else:
                url = f"sqlite:///{Path(tmp) / 'demo.db'}"
            seed_demo(url)
            group = browser_group(args.nice) if args.nice else None
            if args.nice and group is None:
                print("no CPU cgroup for the browsers (needs root and cgroup v1's cpu "
                      "controller): nice alone, which Chromium partly undoes", file=sys.stderr)
            chromium = low_priority_chromium(Path(tmp), args.nice, group)
            rows = []
            for users in args.users:  # a fresh server per level: no level inherits another's
                app = start_app(url, log=args.out / f"load-{users}-server.log")  # sessions, caches
                try:
                    rows.append(asyncio.run(run_level(app.url, app.pid, users, args.minutes,
                                                      think_s=args.think, chromium=chromium,
                                                      shots=args.out / f"load-{users}-failures")))
                finally:
                    app.stop()
                print(f"{users} users: {rows[-1]['pages']} pages, p95 {rows[-1]['p95_s']} s, "
                      f"{rows[-1]['errors']} errors", file=sys.stderr)
        finally:
            if pg is not None:
                pg.stop()
            remove_group(group)
    backend = "PostgreSQL" if args.pg else "SQLite"
    print(_table(rows, backend))
    args.out.mkdir(parents=True, exist_ok=True)
    out = args.out / f"load-{dt.date.today().isoformat()}.json"
    out.write_text(json.dumps({"backend": backend, "cpus": _cpus(), "browser_nice": args.nice,
                               "browser_cgroup": group is not None,
                               "levels": rows}, indent=2))
    print(f"\nwritten {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 1 if any(r["errors"] for r in rows) else 0


def _cpus() -> int:
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    sys.exit(main())
