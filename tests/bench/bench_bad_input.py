"""Run the corpus of bad inputs (tests/bad_inputs.py), each case in a process of its own under
a memory limit, and report how many were handled cleanly, the slowest and the most memory.

A case is clean when the loader succeeds or raises a PlaygroundError with a one-line message,
or the command line exits 0 or 2 with no traceback and no raw escape character. Each case's
time is that of the loader or command alone (its files are built and the app's modules
imported first), as wall-clock and CPU seconds (the CPU time is what a busy machine does not
stretch); its memory is the child's peak resident size, imports included. The baseline is
the same child saving and loading a valid project: its memory is what importing the app
(torch included) costs, shown beside the cases.

    PYTHONPATH=. python tests/bench/bench_bad_input.py [--only SUBSTRING]

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEMORY_LIMIT = 3 << 30  # address space per case; torch alone reserves about 1 GB of it
TIME_LIMIT = 120  # seconds per case before it counts as a hang
TARGET_SECONDS = 10.0
TARGET_MB = 1024.0

_CHILD = """
import json, resource, sys, time
from pathlib import Path
from tests.bad_inputs import CASES, run, small_project
from playground.core.project import save_project
import playground.cli, playground.core.training.factory, playground.core.export  # noqa
folder = Path(sys.argv[2])
if sys.argv[1] == "baseline":
    from playground.core.project import load_project
    started, cpu = time.perf_counter(), time.process_time()
    load_project(save_project(small_project(), folder / "valid.playground"))
    print(json.dumps({"outcome": "ok", "message": "",
                      "seconds": time.perf_counter() - started,
                      "cpu_seconds": time.process_time() - cpu,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
else:
    spec = CASES[sys.argv[1]].build(folder)
    started, cpu = time.perf_counter(), time.process_time()
    outcome, message = run(spec)
    print(json.dumps({"outcome": outcome, "message": message,
                      "seconds": time.perf_counter() - started,
                      "cpu_seconds": time.process_time() - cpu,
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_case(name: str) -> dict[str, object]:
    """One case in a fresh process: its outcome, wall and CPU seconds, peak resident MB."""
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", _CHILD, name, folder], cwd=folder,
                                 env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 preexec_fn=_limit_memory)
        try:
            out, err = child.communicate(timeout=TIME_LIMIT)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            return {"case": name, "outcome": "FAILED", "message": "timed out"}
        wall = time.perf_counter() - started
    try:
        result = json.loads(out.decode().strip().splitlines()[-1])
    except (ValueError, IndexError):
        tail = err.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        result = {"outcome": "FAILED", "message": f"status {child.returncode}: {tail[0]}",
                  "peak_mb": float(MEMORY_LIMIT >> 20)}
    result.update(case=name, wall_s=round(wall, 2), peak_mb=round(float(result["peak_mb"]), 1))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run only cases whose name contains this")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.bad_inputs import CASES

    baseline = run_case("baseline")
    print(f"baseline (save and load a valid project): {baseline.get('seconds', 0):.2f} s, "
          f"{baseline['peak_mb']} MB")
    results = []
    for name in CASES:
        if args.only.lower() not in name.lower():
            continue
        result = run_case(name)
        results.append(result)
        print(f"{result['outcome']:>6}  {result.get('seconds', 0):6.2f} s  "
              f"{result.get('cpu_seconds', 0):6.2f} s CPU  "
              f"{result['peak_mb']:7.1f} MB  {name}: {str(result['message'])[:150]!r}")
    clean = [r for r in results if r["outcome"] != "FAILED"]
    slowest = max(results, key=lambda r: float(r.get("seconds", TIME_LIMIT)))
    fattest = max(results, key=lambda r: float(r["peak_mb"]))
    summary = {
        "cases": len(results),
        "clean": len(clean),
        "failed": [r["case"] for r in results if r["outcome"] == "FAILED"],
        "worst_seconds": round(float(slowest.get("seconds", TIME_LIMIT)), 2),
        "worst_seconds_case": slowest["case"],
        "worst_cpu_seconds": round(max(float(r.get("cpu_seconds", TIME_LIMIT))
                                       for r in results), 2),
        "peak_mb": fattest["peak_mb"],
        "peak_mb_case": fattest["case"],
        "baseline_seconds": round(float(baseline.get("seconds", 0)), 2),
        "baseline_peak_mb": baseline["peak_mb"],
        "within_targets": len(clean) == len(results)
        and float(slowest.get("seconds", TIME_LIMIT)) <= TARGET_SECONDS
        and float(fattest["peak_mb"]) <= TARGET_MB,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
