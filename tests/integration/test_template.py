"""template.yaml's promises about data safety and delivery, checked on what moto built from it."""

from __future__ import annotations

import json

from newsbrief_aws.cursors import KEY_PK


def test_table_is_on_demand_recoverable_and_expires_only_opted_in_items(aws):
    table = aws.dynamodb.describe_table(TableName=aws.table_name)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} >= {"ByRecency", "BySource"}
    backups = aws.dynamodb.describe_continuous_backups(TableName=aws.table_name)
    pitr = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"
    ttl = aws.dynamodb.describe_time_to_live(TableName=aws.table_name)["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires_at"
    resource = aws.stack.resources["Table"]
    assert resource["DeletionPolicy"] == "Retain"  # `sam delete` never takes the data
    assert aws.stack.function("ApiFunction").environment["BRIEF_TTL_DAYS"] == "0"


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

    from tests.conftest import REPO_ROOT

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


def test_read_function_may_only_read_the_table(template):
    props = template["Resources"]["ReadFunction"]["Properties"]
    assert [next(iter(policy)) for policy in props["Policies"]] == [
        "DynamoDBReadPolicy",
        "Statement",
    ]
    # The one write: creating the cursor key item (newsbrief_aws/cursors.py), nothing else.
    (statement,) = props["Policies"][1]["Statement"]
    assert statement["Action"] == "dynamodb:PutItem"
    assert statement["Condition"] == {
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": [KEY_PK]}
    }
    assert props["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    resources = template["Resources"]
    for kind in ("ReadFunctionLogGroup", "ReadErrorsAlarm", "ReadThrottlesAlarm"):
        assert kind in resources, kind
