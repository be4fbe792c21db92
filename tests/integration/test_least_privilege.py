"""Least privilege: each function's IAM policy in template.yaml is exactly what its code calls.

The evidence is every AWS call the functions made during the integration and end-to-end tests
(botocore's before-call event, as IAM authorizes it: tests/support/call_log.py). Each call
must be allowed by its function's policy (nothing missing), and each action-resource pair a
policy grants must have been used by some call (nothing unused). Functions, statements and
resources all come from the template, so a new function or permission is checked as it lands.

When this session did not run the whole workload (a single file, ``-k``, a failure), the
integration and end-to-end suites are run again in a subprocess to record the calls.

Permissions the Lambda service uses on the function's behalf (writing logs and traces,
polling the SQS event source, sending to the on-failure destination) are added by SAM outside
``Policies`` and are not the code's to prove; the KMS statements that exist only with a
customer-managed key are checked against the SQS use recorded here.
"""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from moto import mock_aws
from newsbrief_local.aws_calls import UNKNOWN_RESOURCE, AwsCall, read_calls
from newsbrief_local.template import DEFAULT_STACK_NAME, Stack

from tests.conftest import REPO_ROOT
from tests.support import call_log

pytestmark = pytest.mark.after_workload

KEY = "arn:aws:kms:us-east-1:123456789012:key/1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"
WORKLOAD_TIMEOUT_S = 1800  # the e2e suite starts several local stacks on a busy machine


@cache
def _pattern(text: str) -> re.Pattern[str]:
    # IAM wildcards: * any run of characters, ? one character; actions are case-insensitive.
    body = re.escape(text).replace(r"\*", ".*").replace(r"\?", ".")
    return re.compile(f"^{body}$", re.IGNORECASE)


def _matches(pattern: str, value: str) -> bool:
    return bool(_pattern(pattern).match(value))


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _grants(stack: Stack, function: str) -> list[tuple[str, str]]:
    """Every (action, resource) pair the function's policy statements allow."""
    pairs = []
    for statement in stack.policy_statements(function):
        assert statement.get("Effect") == "Allow", f"{function}: only Allow statements: {statement}"
        assert "NotAction" not in statement and "NotResource" not in statement, statement
        for action in _listed(statement["Action"]):
            for resource in _listed(statement["Resource"]):
                pairs.append((str(action), str(resource)))
    return pairs


def _workload_calls(tmp_path: Path) -> set[AwsCall]:
    """The calls recorded by this session, or by a recording run of the workload."""
    workload = call_log.WORKLOAD
    if workload.failed:
        pytest.fail("incomplete evidence, workload tests failed: " + ", ".join(workload.failed))
    if workload.collected and workload.complete():
        return set(call_log.CALLS)
    out = tmp_path / "calls.jsonl"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/integration", "tests/e2e", "-q",
         "-p", "no:cacheprovider", "-m", f"not {call_log.AFTER_WORKLOAD}"],
        cwd=REPO_ROOT,
        env={**os.environ, call_log.OUT_ENV: str(out)},
        capture_output=True,
        text=True,
        timeout=WORKLOAD_TIMEOUT_S,
        check=False,
    )  # fmt: skip
    assert run.returncode == 0, f"the recording run failed:\n{run.stdout[-4000:]}"
    return set(read_calls(tmp_path))


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> set[AwsCall]:
    return _workload_calls(tmp_path_factory.mktemp("calls"))


@dataclass(frozen=True)
class Policies:
    """What the template grants each function, without and with a customer-managed key."""

    grants: dict[str, list[tuple[str, str]]]
    keyed: dict[str, list[tuple[str, str]]]
    sqs_fed: set[str]  # functions an SQS event source invokes
    with_destination: set[str]  # functions Lambda sends failed invocations for


def _resolve(template: dict[str, Any], **parameters: str) -> Stack:
    # The stack name the integration fixtures and the local stack both use, so the policies'
    # ARNs are the ones the recorded calls name.
    return Stack(copy.deepcopy(template), stack_name=DEFAULT_STACK_NAME, parameters=parameters)


@pytest.fixture(scope="module")
def policies(template: dict[str, Any]) -> Policies:
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_DEFAULT_REGION": "us-east-1"}  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        patch.delenv("AWS_ENDPOINT_URL", raising=False)
        with mock_aws():
            plain = _resolve(template).deploy()
            grants = {f: _grants(plain, f) for f in plain.functions()}
            sqs_fed = {source.function for source in plain.sqs_sources()}
            with_destination = {
                f for f in grants
                if "DestinationConfig" in (plain.function_property(f, "EventInvokeConfig") or {})
            }  # fmt: skip
        with mock_aws():  # a second account: the same names, another key
            keyed_stack = _resolve(template, KmsKeyArn=KEY).deploy()
            keyed = {f: _grants(keyed_stack, f) for f in keyed_stack.functions()}
    return Policies(grants, keyed, sqs_fed, with_destination)


def _of(calls: Iterable[AwsCall], function: str) -> list[AwsCall]:
    return [c for c in calls if c.function == function]


def test_every_call_the_code_makes_is_allowed(recorded, policies):
    grants = policies.grants
    ours = [c for c in recorded if c.function in grants]
    assert {c.function for c in ours} == set(grants), "a function made no AWS call at all"
    unknown = sorted({(c.function, c.action) for c in ours if c.resource == UNKNOWN_RESOURCE})
    assert not unknown, f"teach newsbrief_local.aws_calls the resources of {unknown}"
    missing = sorted(
        (c.function, c.action, c.resource)
        for c in ours
        if not any(_matches(a, c.action) and _matches(r, c.resource) for a, r in grants[c.function])
    )
    assert not missing, "calls the policies do not allow:\n" + "\n".join(map(str, missing))


def test_every_permission_granted_is_used(recorded, policies):
    grants = policies.grants
    unused = sorted(
        (function, action, resource)
        for function, pairs in grants.items()
        for action, resource in pairs
        if not any(
            _matches(action, c.action) and _matches(resource, c.resource)
            for c in _of(recorded, function)
        )
    )
    assert not unused, "granted but never used:\n" + "\n".join(map(str, unused))


def test_a_customer_key_adds_only_what_encrypted_queues_need(recorded, policies):
    """With KmsKeyArn, a function that sends to a queue (itself, or Lambda for its failure
    destination) may encrypt with the key, one an SQS event source feeds may decrypt with it;
    nothing else changes."""
    for function, granted in policies.grants.items():
        keyed = set(policies.keyed[function])
        assert set(granted) <= keyed
        sends = function in policies.with_destination or any(
            c.action == "sqs:SendMessage" for c in _of(recorded, function)
        )
        expected = set()
        if sends:
            expected |= {("kms:GenerateDataKey", KEY), ("kms:Decrypt", KEY)}
        if function in policies.sqs_fed:
            expected.add(("kms:Decrypt", KEY))
        assert keyed - set(granted) == expected, function
