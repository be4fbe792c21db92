"""The least-privilege judge reuses this session's recordings when the workload ran whole.

Re-running the integration and end-to-end suites in a subprocess costs minutes; it is needed
only when this session did not run every workload test. The judge's own file sits among the
workload folders but is no workload, so it must not count as a workload file left out.
"""

from __future__ import annotations

from tests.support.call_log import TESTS, WORKLOAD_DIRS, Workload

JUDGE = "tests/integration/test_least_privilege.py"


def _every_workload_file() -> set[str]:
    return {
        "tests/" + str(path.relative_to(TESTS))
        for folder in WORKLOAD_DIRS
        for path in folder.glob("test_*.py")
    }


def test_a_whole_workload_with_its_judge_set_aside_is_complete() -> None:
    files = _every_workload_file()
    assert JUDGE in files
    workload = Workload(collected={f"{path}::test_x" for path in files - {JUDGE}}, judges={JUDGE})
    assert workload.missing_files() == []
    assert workload.complete()


def test_a_workload_file_left_out_or_a_failure_makes_it_incomplete() -> None:
    files = sorted(_every_workload_file() - {JUDGE})
    left_out = Workload(collected={f"{path}::test_x" for path in files[1:]}, judges={JUDGE})
    assert left_out.missing_files() == [files[0].removeprefix("tests/")]
    assert not left_out.complete()
    failed = Workload(collected={f"{path}::test_x" for path in files}, judges={JUDGE}, failed=["x"])
    assert not failed.complete()
