"""The template loader shared by tests/integration and the local stack."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from newsbrief_local.template import (
    Stack,
    TemplateError,
    create_resources,
    deploy_template,
    load_template,
)

SMALL = """
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: {Type: String, Default: dev}
  Retries: {Type: Number, Default: 4}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Globals:
  Function:
    Timeout: 10
    Environment:
      Variables:
        TABLE_NAME: !Ref Items
        SHARED: from-globals
Resources:
  Items:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub "${AWS::StackName}-items-${Env}"
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
  Work:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 30
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt Parked.Arn
        maxReceiveCount: !Ref Retries
  Parked:
    Type: AWS::SQS::Queue
  ProdOnly:
    Type: AWS::SQS::Queue
    Condition: IsProd
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/thing/
      Handler: app.handler
      Environment:
        Variables:
          QUEUE_URL: !Ref Work
          DLQ_NAME: !GetAtt Parked.QueueName
          MODE: !If [IsProd, strict, relaxed]
          JOINED: !Join ["-", [a, !Ref Env]]
      Events:
        Open:
          Type: Api
          Properties: {Path: /health, Method: get, Auth: {ApiKeyRequired: false}}
        Items:
          Type: Api
          Properties: {Path: "/items/{id}", Method: GET}
        Drain:
          Type: SQS
          Properties:
            Queue: !GetAtt Work.Arn
            BatchSize: 3
            FunctionResponseTypes: [ReportBatchItemFailures]
        Tick:
          Type: Schedule
          Properties: {Schedule: rate(5 minutes), Input: '{"kind": "tick"}'}
"""


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


@pytest.fixture
def small(tmp_path: Path) -> dict:
    path = tmp_path / "template.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return load_template(path)


def test_short_form_tags_become_long_form(small: dict) -> None:
    assert small["AWSTemplateFormatVersion"] == "2010-09-09"  # a string, not a date
    work = small["Resources"]["Work"]["Properties"]
    assert work["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": ["Parked", "Arn"]}
    assert small["Conditions"]["IsProd"] == {"Fn::Equals": [{"Ref": "Env"}, "prod"]}


def test_deploy_creates_tables_and_queues_with_redrive(aws: None, small: dict) -> None:
    stack = deploy_template(template=small, stack_name="t")
    assert boto3.client("dynamodb").list_tables()["TableNames"] == ["t-items-dev"]
    sqs = boto3.client("sqs")
    names = sorted(url.rsplit("/", 1)[1] for url in sqs.list_queues()["QueueUrls"])
    assert names == ["t-Parked", "t-Work"]  # the condition keeps ProdOnly out
    attrs = sqs.get_queue_attributes(QueueUrl=stack.queue_url("Work"), AttributeNames=["All"])
    policy = json.loads(attrs["Attributes"]["RedrivePolicy"])
    assert policy["deadLetterTargetArn"].endswith(":t-Parked")
    assert int(policy["maxReceiveCount"]) == 4
    assert attrs["Attributes"]["VisibilityTimeout"] == "30"


def test_function_environment_merges_globals_and_resolves(aws: None, small: dict) -> None:
    fn = deploy_template(template=small, stack_name="t").function("Fn")
    assert fn.module == "functions.thing.app" and fn.attribute == "handler"
    assert fn.timeout == 10
    env = fn.environment
    assert env["TABLE_NAME"] == "t-items-dev"
    assert env["QUEUE_URL"].endswith("/t-Work")
    assert env["DLQ_NAME"] == "t-Parked"
    assert env["MODE"] == "relaxed"
    assert env["JOINED"] == "a-dev"
    assert env["SHARED"] == "from-globals"


def test_parameters_override_and_events(aws: None, small: dict) -> None:
    stack = Stack(small, stack_name="t", parameters={"Env": "prod"}).deploy()
    assert stack.ref("Items") == "t-items-prod"
    assert stack.function("Fn").environment["MODE"] == "strict"
    routes = {(r.method, r.path): r.api_key_required for r in stack.routes()}
    assert routes == {("GET", "/health"): False, ("GET", "/items/{id}"): False}
    (source,) = stack.sqs_sources()
    assert source.batch_size == 3 and source.report_batch_item_failures
    assert stack.queue_urls_by_arn[source.queue_arn] == stack.queue_url("Work")
    (tick,) = stack.schedules()
    assert tick.expression == "rate(5 minutes)" and tick.input == {"kind": "tick"}


def test_bad_templates_fail_clearly(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="cannot read"):
        load_template(tmp_path / "missing.yaml")
    (tmp_path / "t.yaml").write_text("just: text\n")
    with pytest.raises(TemplateError, match="no Resources"):
        load_template(tmp_path / "t.yaml")
    with pytest.raises(TemplateError, match="unknown template parameters"):
        Stack({"Resources": {}}, parameters={"Nope": "1"})
    stack = Stack({"Resources": {"A": {"Type": "AWS::SQS::Queue"}}})
    with pytest.raises(TemplateError, match="unsupported intrinsic"):
        stack.resolve({"Fn::ImportValue": "x"})
    with pytest.raises(TemplateError, match="unknown or disabled resource"):
        stack.ref("Missing")


def test_the_repository_template_deploys(aws: None) -> None:
    resources = create_resources(boto3.client("dynamodb"), boto3.client("sqs"))
    table = boto3.client("dynamodb").describe_table(TableName=resources.table_name)["Table"]
    assert table["KeySchema"]  # whatever the schema is, it came from template.yaml
    assert resources.queue_url in resources.queue_urls.values()
    for spec in resources.stack.functions().values():
        assert spec.environment["TABLE_NAME"] == resources.table_name


PLATFORM = """
AWSTemplateFormatVersion: '2010-09-09'
Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Parameters:
  Keep: {Type: String, Default: Retain, AllowedValues: [Retain, Delete]}
  Reserved: {Type: Number, Default: -1}
  Key: {Type: String, Default: ""}
Conditions:
  Reserves: !Not [!Equals [!Ref Reserved, "-1"]]
  HasKey: !Not [!Equals [!Ref Key, ""]]
Globals:
  Function:
    KmsKeyArn: !If [HasKey, !Ref Key, !Ref AWS::NoValue]
Resources:
  Items:
    Type: AWS::DynamoDB::Table
    DeletionPolicy: !Ref Keep
    UpdateReplacePolicy: !Ref Keep
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      SSESpecification:
        SSEEnabled: true
        SSEType: KMS
        KMSMasterKeyId: !If [HasKey, !Ref Key, !Ref AWS::NoValue]
  Work:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: !If [HasKey, !Ref Key, !Ref AWS::NoValue]
      SqsManagedSseEnabled: !If [HasKey, !Ref AWS::NoValue, true]
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/thing/
      Handler: app.handler
      ReservedConcurrentExecutions: !If [Reserves, !Ref Reserved, !Ref AWS::NoValue]
      Policies:
        - Statement:
            - Effect: Allow
              Action: [dynamodb:GetItem]
              Resource: !GetAtt Items.Arn
            - Effect: Allow
              Action: dynamodb:Query
              Resource: !Sub "${Items.Arn}/index/ByName"
        - !If
          - HasKey
          - Statement: {Effect: Allow, Action: kms:Decrypt, Resource: !Ref Key}
          - !Ref AWS::NoValue
"""


@pytest.fixture
def platform(tmp_path: Path) -> dict:
    path = tmp_path / "platform.yaml"
    path.write_text(PLATFORM, encoding="utf-8")
    return load_template(path)


def test_deletion_policies_may_come_from_parameters_with_the_language_extensions(
    aws: None, platform: dict
) -> None:
    assert Stack(platform).deletion_policy("Items") == "Retain"
    throwaway = Stack(platform, parameters={"Keep": "Delete"})
    assert throwaway.deletion_policy("Items", "UpdateReplacePolicy") == "Delete"
    assert throwaway.deletion_policy("Work") == "Delete"  # CloudFormation's default
    without = {**platform, "Transform": "AWS::Serverless-2016-10-31"}
    with pytest.raises(TemplateError, match="LanguageExtensions"):
        Stack(without).deletion_policy("Items")


def test_unknown_transforms_are_refused(platform: dict) -> None:
    with pytest.raises(TemplateError, match="unsupported transform"):
        Stack({**platform, "Transform": ["AWS::Include"]})


def test_kms_options_deploy_locally_with_and_without_a_key(aws: None, platform: dict) -> None:
    key = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    for parameters, expected in (({}, None), ({"Key": key}, key)):
        stack = Stack(platform, stack_name=f"k{len(parameters)}", parameters=parameters).deploy()
        assert stack.function_property("Fn", "KmsKeyArn") == expected
        assert stack.queue_url("Work")  # encryption settings are read, not emulated


def test_reserved_concurrency_caps_the_local_processes(aws: None, platform: dict) -> None:
    assert Stack(platform).function("Fn").reserved_concurrency is None
    assert Stack(platform).function("Fn").local_concurrency(2) == 2
    capped = Stack(platform, parameters={"Reserved": "1"}).function("Fn")
    assert capped.reserved_concurrency == 1 and capped.local_concurrency(2) == 1
    off = Stack(platform, parameters={"Reserved": "0"}).function("Fn")
    assert off.local_concurrency(2) == 0


def test_a_function_with_no_concurrency_is_throttled_without_running(aws: None, platform) -> None:
    from newsbrief_local.runtime import THROTTLED, FunctionRuntime

    spec = Stack(platform, parameters={"Reserved": "0"}).function("Fn")
    runtime = FunctionRuntime(spec, spec.local_concurrency(2), "us-east-1")
    assert runtime.warm()
    result = runtime.invoke({"anything": 1})
    assert not result.ok and result.error == THROTTLED
    runtime.close()


def test_policy_statements_are_resolved_and_conditional_ones_drop_out(
    aws: None, platform: dict
) -> None:
    stack = Stack(platform, stack_name="p")
    statements = stack.policy_statements("Fn")
    assert [s["Action"] for s in statements] == [["dynamodb:GetItem"], "dynamodb:Query"]
    table_arn = stack.get_att("Items", "Arn")
    assert statements[0]["Resource"] == table_arn
    assert statements[1]["Resource"] == f"{table_arn}/index/ByName"
    key = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    with_key = Stack(platform, stack_name="q", parameters={"Key": key}).policy_statements("Fn")
    assert with_key[-1] == {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key}


def test_policies_that_cannot_be_read_exactly_are_refused(aws: None, platform: dict) -> None:
    crud = copy.deepcopy(platform)
    crud["Resources"]["Fn"]["Properties"]["Policies"] = [{"DynamoDBCrudPolicy": {"TableName": "t"}}]
    with pytest.raises(TemplateError, match="DynamoDBCrudPolicy is not an inline"):
        Stack(crud).policy_statements("Fn")
    managed = copy.deepcopy(platform)
    managed["Resources"]["Fn"]["Properties"]["Policies"] = "AmazonDynamoDBFullAccess"
    with pytest.raises(TemplateError, match="AmazonDynamoDBFullAccess"):
        Stack(managed).policy_statements("Fn")


def test_code_uris_name_each_function_folder(platform: dict) -> None:
    assert Stack(platform).code_uris() == {"Fn": "functions/thing/"}
