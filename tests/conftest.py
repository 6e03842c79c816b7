"""Shared test settings: offscreen Qt, one torch thread, small helpers; and a check, after
the whole run, that no training process or helper thread was left behind."""

import multiprocessing
import os
import threading

import pytest

if not os.environ.get("QT_QPA_PLATFORM", "").strip():  # unset, or set to nothing
    os.environ["QT_QPA_PLATFORM"] = "offscreen"


def leftovers() -> list[str]:
    """Child processes still running and non-daemon or playground threads still alive."""
    processes = [f"process {p.name} (pid {p.pid})" for p in multiprocessing.active_children()]
    threads = [f"thread {t.name}" for t in threading.enumerate()
               if t is not threading.main_thread() and
               (t.name.startswith("playground") or not t.daemon)]
    return processes + threads


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    left = leftovers()
    if left:
        print("\nleft running after the tests: " + ", ".join(left))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
