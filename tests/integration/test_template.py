"""template.yaml's promises about data safety, delivery and what a platform team checks.

Most tests read what moto built from the template (or the template resolved with some
parameters overridden); the checkov test runs the scanner platform teams run on it.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from moto import mock_aws
from newsbrief_aws.cursors import KEY_PK
from newsbrief_local.template import Stack, TemplateError, deploy_template

from tests.conftest import REPO_ROOT
from tests.integration.conftest import REGION

KEY = "arn:aws:kms:us-east-1:123456789012:key/1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"
# Properties naming a resource's physical name: a retained resource with one blocks a
# redeploy after the stack is deleted (the name is taken by the orphan).
NAME_PROPERTIES = {
    "TableName", "QueueName", "LogGroupName", "RoleName", "FunctionName", "TopicName",
    "BucketName", "Name", "AlarmName", "RuleName",
}  # fmt: skip
# Where each resource type takes the customer-managed key.
KEY_PROPERTY = {
    "AWS::DynamoDB::Table": ("SSESpecification", "KMSMasterKeyId"),
    "AWS::SQS::Queue": ("KmsMasterKeyId",),
    "AWS::Logs::LogGroup": ("KmsKeyId",),
    "AWS::SNS::Topic": ("KmsMasterKeyId",),
}
CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"
# The only checks a resource may skip, each for the reason written beside the skip:
# functions outside a VPC, no API cache, and no DLQ where none can receive anything (synchronous
# and SQS-driven functions; the scheduler's on-failure destination, which checkov cannot see).
ACCEPTED_SKIPS = {"CKV_AWS_116", "CKV_AWS_117", "CKV_AWS_120"}
READS = {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"}


@pytest.fixture
def stack_with(template: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable]:
    """Deploy the template into a fresh mocked account with some parameters overridden."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        made = 0

        def make(**parameters: str) -> Stack:
            nonlocal made
            made += 1  # each stack its own names: one mocked account holds them all
            return deploy_template(
                template=copy.deepcopy(template), parameters=parameters, stack_name=f"s{made}"
            )

        yield make


def _props(stack: Stack, logical_id: str) -> dict[str, Any]:
    return stack.resolve(stack.resources[logical_id].get("Properties") or {})


def _of_type(stack: Stack, kind: str) -> list[str]:
    return [lid for lid, r in stack.resources.items() if r["Type"] == kind and stack.exists(lid)]


def test_table_is_on_demand_recoverable_and_expires_only_opted_in_items(aws):
    table = aws.dynamodb.describe_table(TableName=aws.table_name)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} >= {"ByRecency", "BySource"}
    backups = aws.dynamodb.describe_continuous_backups(TableName=aws.table_name)
    pitr = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"
    ttl = aws.dynamodb.describe_time_to_live(TableName=aws.table_name)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"
    assert aws.stack.function("ApiFunction").environment["BRIEF_TTL_DAYS"] == "0"


def test_stored_data_survives_a_stack_deletion_unless_the_stack_is_throwaway(stack_with):
    data = ("Table", "BriefDeadLetterQueue")  # the briefs, and the URLs that failed for good
    kept = stack_with()
    for logical_id in data:
        assert kept.deletion_policy(logical_id) == "Retain"  # `sam delete` never takes data
        assert kept.deletion_policy(logical_id, "UpdateReplacePolicy") == "Retain"
    throwaway = stack_with(DataDeletionPolicy="Delete")
    for logical_id in data:
        assert throwaway.deletion_policy(logical_id) == "Delete"


def test_nothing_retained_has_a_fixed_name_so_a_redeploy_after_deletion_works(stack_with):
    stack = stack_with()
    policies = ("DeletionPolicy", "UpdateReplacePolicy")
    retained = [
        lid
        for lid in stack.resources
        if stack.exists(lid) and "Retain" in {stack.deletion_policy(lid, p) for p in policies}
    ]
    assert {"Table", "BriefDeadLetterQueue"} <= set(retained)
    for logical_id in retained:
        named = NAME_PROPERTIES & set(stack.resources[logical_id].get("Properties") or {})
        assert not named, f"{logical_id} is retained but named by {named}"


def test_log_groups_keep_a_retention_go_with_the_stack_and_exist_before_their_function(
    stack_with,
):
    stack = stack_with()
    for logical_id in _of_type(stack, "AWS::Logs::LogGroup"):
        assert _props(stack, logical_id)["RetentionInDays"] in (14, 90)
        assert stack.deletion_policy(logical_id) == "Delete"
    assert _props(stack_with(Stage="prod"), "ApiAccessLogGroup")["RetentionInDays"] == 90
    for logical_id in stack.functions():
        props = stack.resources[logical_id]["Properties"]
        # A reference (not a name built from the function) makes CloudFormation create the
        # group first; a group named after the function could only come after it.
        group = props["LoggingConfig"]["LogGroup"]
        assert set(group) == {"Ref"}, logical_id
        assert stack.resources[group["Ref"]]["Type"] == "AWS::Logs::LogGroup"


def test_queue_redrives_to_a_dead_letter_queue_and_worker_reports_partial_failures(aws):
    attributes = aws.sqs.get_queue_attributes(QueueUrl=aws.queue_url, AttributeNames=["All"])
    policy = json.loads(attributes["Attributes"]["RedrivePolicy"])
    assert policy["deadLetterTargetArn"].endswith("BriefDeadLetterQueue")
    assert 1 < int(policy["maxReceiveCount"]) <= 5
    worker = aws.stack.function("WorkerFunction")
    # Visibility must outlast the worker's timeout, or messages are redelivered mid-batch.
    assert int(attributes["Attributes"]["VisibilityTimeout"]) >= 6 * worker.timeout
    (source,) = [s for s in aws.stack.sqs_sources() if s.function == "WorkerFunction"]
    assert source.report_batch_item_failures
    queue_arn = aws.sqs.get_queue_attributes(QueueUrl=aws.queue_url, AttributeNames=["QueueArn"])
    assert source.queue_arn == queue_arn["Attributes"]["QueueArn"]


def test_the_asynchronous_scheduler_has_a_failure_destination(aws):
    props = aws.stack.resolve(aws.stack.resources["SchedulerFunction"]["Properties"])
    config = props["EventInvokeConfig"]
    assert config["MaximumRetryAttempts"] == 0  # a stale tick is worthless
    on_failure = config["DestinationConfig"]["OnFailure"]
    assert on_failure["Type"] == "SQS"
    assert on_failure["Destination"] == aws.stack.get_att("SchedulerDeadLetterQueue", "Arn")


def test_every_function_has_a_reserved_concurrency_parameter_reserving_none_by_default(
    stack_with, template
):
    functions = stack_with().functions()
    assert all(spec.reserved_concurrency is None for spec in functions.values())
    knobs = [p for p in template["Parameters"] if p.endswith("ReservedConcurrency")]
    assert all(template["Parameters"][p]["Default"] == -1 for p in knobs)
    reserved = stack_with(**dict.fromkeys(knobs, "3")).functions()
    assert {lid: spec.reserved_concurrency for lid, spec in reserved.items()} == dict.fromkeys(
        functions, 3
    )


def test_without_a_key_everything_uses_aws_managed_encryption(stack_with):
    stack = stack_with()
    for kind, path in KEY_PROPERTY.items():
        for logical_id in _of_type(stack, kind):
            props = _props(stack, logical_id)
            for step in path[:-1]:
                props = props[step]
            assert path[-1] not in props, f"{logical_id} names a key without KmsKeyArn"
    for queue in _of_type(stack, "AWS::SQS::Queue"):
        assert _props(stack, queue)["SqsManagedSseEnabled"] is True
    table = _props(stack, "Table")["SSESpecification"]
    assert table["SSEEnabled"] is True
    for function in stack.functions():
        assert stack.function_property(function, "KmsKeyArn") is None


def test_a_customer_managed_key_encrypts_table_queues_environment_logs_and_alarms(stack_with):
    stack = stack_with(KmsKeyArn=KEY)
    for kind, path in KEY_PROPERTY.items():
        resources = _of_type(stack, kind)
        assert resources, kind
        for logical_id in resources:
            value: Any = _props(stack, logical_id)
            for step in path:
                value = value[step]
            assert value == KEY, logical_id
    for queue in _of_type(stack, "AWS::SQS::Queue"):
        assert "SqsManagedSseEnabled" not in _props(stack, queue)  # one or the other
    for function in stack.functions():
        assert stack.function_property(function, "KmsKeyArn") == KEY


def test_alarm_topic_is_not_encrypted_with_a_key_cloudwatch_cannot_use(stack_with):
    # alias/aws/sns's key policy does not let CloudWatch alarms publish: every alarm would be
    # silently dropped.
    for stack in (stack_with(), stack_with(KmsKeyArn=KEY)):
        for topic in _of_type(stack, "AWS::SNS::Topic"):
            assert "alias/aws/" not in str(_props(stack, topic).get("KmsMasterKeyId", ""))


def test_the_account_wide_api_gateway_setting_is_optional(stack_with):
    owner = stack_with()
    assert owner.exists("ApiGatewayAccount") and owner.exists("ApiGatewayLogsRole")
    # The role outlives the stack: another stack's access logs in the account keep working.
    assert owner.deletion_policy("ApiGatewayLogsRole") == "Retain"
    second = stack_with(ManageApiGatewayAccount="false")
    assert not second.exists("ApiGatewayAccount") and not second.exists("ApiGatewayLogsRole")
    # The API still deploys: what it waits for exists either way.
    for stack in (owner, second):
        depends = stack.resources["NewsbriefApi"]["DependsOn"]
        for target in [depends] if isinstance(depends, str) else depends:
            assert stack.exists(target), target
            assert "Condition" not in stack.resources[target]


def test_functions_run_python313_on_arm64_with_both_layers(template):
    function_globals = template["Globals"]["Function"]
    assert function_globals["Runtime"] == "python3.13"
    assert function_globals["Architectures"] == ["arm64"]
    layers = [layer["Ref"] for layer in function_globals["Layers"]]
    assert set(layers) == {"NewsbriefLayer", "DepsLayer"}
    assert template["Resources"]["NewsbriefLayer"]["Properties"]["ContentUri"] == "layers/newsbrief"


def test_api_keys_are_throttled_and_capped(template):
    plan = template["Resources"]["NewsbriefApi"]["Properties"]["Auth"]["UsagePlan"]
    assert plan["CreateUsagePlan"] == "PER_API"
    assert set(plan["Throttle"]) == {"RateLimit", "BurstLimit"}
    assert plan["Quota"]["Period"] == "DAY"


def test_every_published_route_reaches_its_function(aws):
    """Each route of the OpenAPI document is routed by the template's API Gateway resources:
    reads (GET) to the lean read function, everything else to the API function.

    API Gateway never falls back from a matching resource to {proxy+}, so a write on a path
    the read function owns must be declared on the API function itself; this catches one
    forgotten on either side.
    """
    from newsbrief_local.gateway import Gateway

    spec = json.loads((REPO_ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    gateway = Gateway(aws.stack.routes(), invoke=None, api_key="k", stage="v1", responses={})
    checked = 0
    for template_path, operations in spec["paths"].items():
        path = template_path.replace("{article_id}", "0" * 24).replace("{feed_id}", "1" * 24)
        for method in operations:
            found = gateway.match(method.upper(), path)
            assert found is not None, f"{method.upper()} {template_path} reaches no function"
            route, _ = found
            expected = "ReadFunction" if method == "get" else "ApiFunction"
            assert route.function == expected, f"{method.upper()} {template_path}"
            assert route.api_key_required == (template_path != "/health")
            checked += 1
    assert checked >= 10
    docs = gateway.match("GET", "/docs")
    assert docs is not None and docs[0].function == "ApiFunction"


def test_read_function_may_only_read_the_table(aws, template):
    statements = aws.stack.policy_statements("ReadFunction")
    writes = [s for s in statements if set(_listed(s["Action"])) - READS]
    # The one write: creating the cursor key item (newsbrief_aws/cursors.py), nothing else.
    (statement,) = writes
    assert statement["Action"] == "dynamodb:PutItem"
    assert statement["Condition"] == {
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [KEY_PK]}
    }
    props = template["Resources"]["ReadFunction"]["Properties"]
    assert props["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    resources = template["Resources"]
    for kind in ("ReadFunctionLogGroup", "ReadErrorsAlarm", "ReadThrottlesAlarm"):
        assert kind in resources, kind


def test_no_function_may_scan_or_use_wildcard_actions(aws):
    for function in aws.stack.functions():
        for statement in aws.stack.policy_statements(function):
            assert statement["Effect"] == "Allow"
            for action in _listed(statement["Action"]):
                assert "*" not in action, f"{function}: {action}"
                assert action != "dynamodb:Scan", function
            for resource in _listed(statement["Resource"]):
                assert resource != "*", f"{function} grants {statement['Action']} on *"


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# ------------------------------------------------------------------ checkov


def _checkov() -> dict[str, Any]:
    if not CHECKOV.exists():
        pytest.skip(f"{CHECKOV} is absent: run `make checkov-install` (make test installs it)")
    out = subprocess.run(
        [str(CHECKOV), "-f", "template.yaml", "--framework", "cloudformation",
         "--output", "json",
         # Offline: no guideline download (the scan itself never needs the network).
         "--skip-download"],
        cwd=REPO_ROOT,
        env={**os.environ, "BC_SKIP_MAPPING": "TRUE"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert out.stdout.strip(), out.stderr[-2000:]
    return json.loads(out.stdout)


def test_checkov_finds_nothing_and_every_skip_is_inline_with_a_reason():
    report = _checkov()
    assert report["summary"]["parsing_errors"] == 0
    failed = [(c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]]
    assert failed == []
    assert report["summary"]["passed"] >= 40
    for check in report["results"]["skipped_checks"]:
        assert check["check_id"] in ACCEPTED_SKIPS, check["check_id"]
        reason = check["check_result"].get("suppress_comment") or ""
        assert len(reason.split()) >= 10, f"{check['check_id']} on {check['resource']}: {reason!r}"
    # No global skip list: skips live on the resources, nowhere else.
    assert not list(REPO_ROOT.glob(".checkov*"))


def _gateway_bodies(stack: Stack) -> dict[str, tuple[int | None, dict[str, Any], dict]]:
    """Each customised gateway response: status, headers and its body as API Gateway fills it."""
    out = {}
    for kind, response in stack.gateway_responses("NewsbriefApi").items():
        text = response.templates["application/json"]
        body = json.loads(text.replace("$context.error.messageString", '"Forbidden"'))
        out[kind] = (response.status, response.headers, body)
    return out


# The gateway responses every operation can meet, and those only keyed or body-taking ones can.
GATEWAY_ON_EVERY_ROUTE = ("THROTTLED", "DEFAULT_5XX")
GATEWAY_ON_KEYED_ROUTES = ("INVALID_API_KEY", "QUOTA_EXCEEDED")
GATEWAY_ON_BODY_ROUTES = ("REQUEST_TOO_LARGE",)


def test_gateway_answers_have_the_error_shape_and_codes_the_document_declares(template):
    from newsbrief_aws.error_responses import ERROR_CODES

    answers = _gateway_bodies(Stack(template))
    needed = {*GATEWAY_ON_EVERY_ROUTE, *GATEWAY_ON_KEYED_ROUTES, *GATEWAY_ON_BODY_ROUTES}
    assert needed | {"DEFAULT_4XX"} <= set(answers)
    for kind, (status, _, body) in answers.items():
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, kind
        code = body["error"]["code"]
        # A stable code of the API's table, with the status the table gives it: no gateway
        # answer keeps a status (API Gateway's 403, 502, 504) that its code contradicts.
        assert status == ERROR_CODES[code][0], kind
    document = json.loads((REPO_ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    for op in operations:
        kinds = list(GATEWAY_ON_EVERY_ROUTE)
        if {} not in op.get("security", document["security"]):  # [{}]: no key needed
            kinds += GATEWAY_ON_KEYED_ROUTES
        if "requestBody" in op:
            kinds += GATEWAY_ON_BODY_ROUTES
        for kind in kinds:
            status, _, body = answers[kind]
            declared = op["responses"][str(status)]["x-error-codes"]
            assert body["error"]["code"] in declared, (op["operationId"], kind)


def test_gateway_answers_name_the_first_cors_origin_only_when_origins_are_set(template):
    origins = "https://app.example,http://b.example:8080"
    listed = Stack(template, parameters={"CorsAllowedOrigins": origins})
    for kind, (_, headers, _) in _gateway_bodies(listed).items():
        assert headers == {"Access-Control-Allow-Origin": "https://app.example"}, kind
    for kind, (_, headers, _) in _gateway_bodies(Stack(template)).items():
        assert headers == {}, kind  # no origins: no CORS header, as the functions answer


@pytest.mark.parametrize(
    "origins",
    ["https://app.example, https://b.example", "https://app.example/", "*", "app.example"],
)
def test_cors_origins_are_refused_unless_written_as_browsers_send_them(template, origins):
    # The first origin is copied into static gateway headers, which must match the Origin a
    # browser sends byte for byte; CloudFormation refuses the same values (AllowedPattern).
    with pytest.raises(TemplateError, match="CorsAllowedOrigins"):
        Stack(template, parameters={"CorsAllowedOrigins": origins})
