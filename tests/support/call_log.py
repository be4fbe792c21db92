"""The AWS calls the functions made during this test session: the least-privilege evidence.

The integration tests run the handlers in this process; the end-to-end tests run them in the
local stack's processes, which record into a folder the e2e fixtures read back. Both end up
in :data:`CALLS`. :class:`Workload` tracks whether this session ran every integration and
end-to-end test and all of them passed: only then are the recordings complete enough to say
that a permission nothing used is unused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from newsbrief_local.aws_calls import (
    AwsCall,
    caller_in_stack,
    function_dirs,
    install,
    read_calls,
    write_calls,
)
from newsbrief_local.template import Stack, load_template

TESTS = Path(__file__).resolve().parents[1]
WORKLOAD_DIRS = (TESTS / "integration", TESTS / "e2e")
# A session run only to record (see test_least_privilege) writes its calls here at the end.
OUT_ENV = "NEWSBRIEF_TEST_AWS_CALLS_OUT"
# Tests that judge the recordings run after everything else and are not part of the workload.
AFTER_WORKLOAD = "after_workload"

CALLS: set[AwsCall] = set()


@dataclass
class Workload:
    """What of the integration and end-to-end suites this session collected, skipped or failed."""

    collected: set[str] = field(default_factory=set)
    deselected: set[str] = field(default_factory=set)
    failed: list[str] = field(default_factory=list)
    # Files of the tests that judge the recordings (tests/...): on disk, but no workload.
    judges: set[str] = field(default_factory=set)

    def missing_files(self) -> list[str]:
        """Workload test files this session did not collect (relative to tests/)."""
        on_disk = {
            str(path.relative_to(TESTS))
            for folder in WORKLOAD_DIRS
            for path in folder.glob("test_*.py")
        }
        judges = {path.removeprefix("tests/") for path in self.judges}
        collected = {nodeid.split("::")[0].removeprefix("tests/") for nodeid in self.collected}
        return sorted(on_disk - collected - judges)

    def complete(self) -> bool:
        """Every workload test was collected, none deselected, none failed."""
        return not (self.missing_files() or self.deselected or self.failed)


WORKLOAD = Workload()


def in_workload(nodeid: str, judges: set[str]) -> bool:
    """Whether a test id belongs to the integration or end-to-end suites (and is no judge)."""
    path = nodeid.split("::")[0]
    return path.startswith(("tests/integration/", "tests/e2e/")) and path not in judges


def start() -> None:
    """Record the calls of in-process handlers from now on."""
    dirs = function_dirs(Stack(load_template()).code_uris())
    install(caller_in_stack(dirs), CALLS.add)


def collect_stack_folder(folder: Path) -> None:
    """Add what a local stack's function processes recorded."""
    CALLS.update(read_calls(folder))


def finish() -> None:
    """At the end of a recording session, hand the calls over (see OUT_ENV)."""
    out = os.environ.get(OUT_ENV)
    if out:
        write_calls(Path(out), CALLS)
