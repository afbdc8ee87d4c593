"""bench/load.py's pure helpers: percentiles, think times, CPU readings, option bounds; and
bench/loadavg.py, the load average printed beside every benchmark figure."""

from __future__ import annotations

import argparse
import os
import re
import time

import pytest

from bench import load, load_os, loadavg


@pytest.mark.parametrize(("values", "q", "expected"), [
    ([5.0], 50, 5.0),
    ([1.0, 2.0, 3.0, 4.0], 50, 2.0),        # nearest rank: ceil(4 x 0.5) = 2nd
    ([1.0, 2.0, 3.0, 4.0], 95, 4.0),        # ceil(4 x 0.95) = 4th
    ([4.0, 1.0, 3.0, 2.0], 75, 3.0),        # order does not matter: ceil(3) = 3rd
    (list(map(float, range(1, 21))), 95, 19.0),  # ceil(20 x 0.95) = 19th
])
def test_nearest_rank_percentile(values, q, expected):
    assert load.percentile(values, q) == expected


def test_think_times_are_seeded_and_within_half_to_one_and_a_half_the_mean():
    first = [t for t, _ in zip(load.think_times(10.0, seed=3), range(200), strict=False)]
    again = [t for t, _ in zip(load.think_times(10.0, seed=3), range(200), strict=False)]
    other = [t for t, _ in zip(load.think_times(10.0, seed=4), range(200), strict=False)]
    assert first == again and first != other
    assert all(5.0 <= t <= 15.0 for t in first)
    assert 9.0 < sum(first) / len(first) < 11.0
    assert {next(load.think_times(0.0, seed=1))} == {0.0}


def test_cpu_seconds_of_a_process_grow_with_its_work():
    before = load_os.cpu_seconds(os.getpid())
    end = time.process_time() + 0.3
    while time.process_time() < end:
        pass
    assert load_os.cpu_seconds(os.getpid()) - before >= 0.2


def test_the_low_priority_chromium_wrapper(tmp_path):
    assert load_os.low_priority_chromium(tmp_path, 0, None) == load_os.CHROMIUM
    plain = load_os.low_priority_chromium(tmp_path, 10, None)
    assert os.access(plain, os.X_OK)
    assert open(plain).read() == f'#!/bin/sh\nexec nice -n 10 {load_os.CHROMIUM} "$@"\n'
    grouped = load_os.low_priority_chromium(tmp_path, 5, tmp_path / "grp")
    assert open(grouped).read() == (f"#!/bin/sh\necho $$ > {tmp_path / 'grp' / 'cgroup.procs'}\n"
                                    f'exec nice -n 5 {load_os.CHROMIUM} "$@"\n')


@pytest.mark.parametrize(("parse", "text", "expected"), [
    (load._levels, "10,25", [10, 25]),
    (load._minutes, "2", 2.0),
    (load._think, "0", 0.0),
    (load._nice, "19", 19),
])
def test_option_values_within_bounds(parse, text, expected):
    assert parse(text) == expected


@pytest.mark.parametrize(("parse", "text", "message"), [
    (load._levels, "10,31", "--users: 1 to 30 each"),
    (load._levels, "0", "--users: 1 to 30 each"),
    (load._minutes, "5.5", "--minutes: more than 0, at most 5"),
    (load._think, "121", "--think: 0 to 120 seconds"),
    (load._nice, "-1", "--nice: 0 (the server's priority) to 19"),
])
def test_option_values_out_of_bounds_are_refused_by_name(parse, text, message):
    with pytest.raises(argparse.ArgumentTypeError, match=re.escape(message)):
        parse(text)


def test_the_load_average_line_and_range(monkeypatch):
    monkeypatch.setattr(loadavg.os, "getloadavg", lambda: (1.071, 0.466, 0.19))
    snap = loadavg.snapshot()
    assert (snap["load_1m"], snap["load_5m"], snap["load_15m"]) == (1.07, 0.47, 0.19)
    assert snap["cpus"] == loadavg.cpus() >= 1
    assert re.fullmatch(r"start: load average \(1/5/15 min\) 1\.07 / 0\.47 / 0\.19 on \d+ CPUs "
                        r"at \d\d:\d\d:\d\d UTC", loadavg.line("start", snap))
    assert loadavg.line().startswith("load average (1/5/15 min) 1.07 / ")
    assert loadavg.span(snap) == "1.07"
    assert loadavg.span({"load_1m": 4.25}, snap, {"load_1m": 3.1}) == "1.07-4.25"
