"""template.yaml as the single source of truth: parse it, resolve intrinsics, create resources.

The local stack and tests/integration both build their DynamoDB tables and SQS queues from
template.yaml through this module, so the key schema, GSIs, queues and redrive policies can never
drift from what SAM deploys. Only the slice of CloudFormation/SAM the project uses is understood;
anything else fails loudly with :class:`TemplateError` rather than being silently ignored.

Read but not emulated (nothing local to apply them to): encryption settings and KMS keys, log
groups and their retention, deletion policies (see :meth:`Stack.deletion_policy`), IAM
policies (see :meth:`Stack.policies`) and failure destinations.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# The repository root: this package is dev-only and always installed editable from the clone.
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TEMPLATE = REPO_ROOT / "template.yaml"
TEMPLATE_PATH = DEFAULT_TEMPLATE  # the name the first version of this module exported
# What moto answers for every request; pseudo parameters must agree with it so ARNs match.
ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
DEFAULT_STACK_NAME = "newsbrief-local"
# SAM's defaults when neither the function nor Globals says otherwise.
SAM_DEFAULT_TIMEOUT = 3
SAM_DEFAULT_MEMORY = 128
SQS_DEFAULT_BATCH_SIZE = 10

# The transforms this loader knows: SAM's, and the language extensions, of which only
# intrinsic functions in DeletionPolicy/UpdateReplacePolicy are supported.
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
_KNOWN_TRANSFORMS = {SAM_TRANSFORM, LANGUAGE_EXTENSIONS}
_POLICY_ATTRIBUTES = ("DeletionPolicy", "UpdateReplacePolicy")
_POLICY_VALUES = {"Delete", "Retain", "Snapshot", "RetainExceptOnCreate"}
_TABLE_TYPES = {"AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"}
_QUEUE_TYPE = "AWS::SQS::Queue"
_BUS_TYPE = "AWS::Events::EventBus"
_FUNCTION_TYPE = "AWS::Serverless::Function"
_API_TYPE = "AWS::Serverless::Api"
# create_table accepts these properties exactly as CloudFormation spells them.
_TABLE_PASSTHROUGH = (
    "AttributeDefinitions",
    "KeySchema",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "BillingMode",
    "ProvisionedThroughput",
    "StreamSpecification",
    "TableClass",
)
# Not passed: SSESpecification (CloudFormation spells it differently from the API and
# encryption means nothing locally), tags, deletion protection.
# CloudFormation queue properties that map one to one onto SQS queue attributes.
_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
)


class TemplateError(Exception):
    """template.yaml uses something this loader does not understand, or is inconsistent."""


# --------------------------------------------------------------------------- parsing


class _CfnLoader(yaml.SafeLoader):
    """A safe YAML loader that turns CloudFormation short-form tags into long-form dicts."""


def _construct_intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            # !GetAtt Queue.Arn is short for [Queue, Arn]; attribute names may hold dots.
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _construct_intrinsic)
# CloudFormation reads "2010-09-09" as a string, not a date.
_CfnLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_template(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Parse a CloudFormation/SAM template (YAML or JSON, short-form tags allowed).

    ``path`` defaults to ``$NEWSBRIEF_TEMPLATE`` or the repository's template.yaml.
    """
    target = Path(path or os.environ.get("NEWSBRIEF_TEMPLATE") or DEFAULT_TEMPLATE)
    try:
        text = target.read_text(encoding="utf-8")
    except OSError as exc:
        raise TemplateError(f"cannot read template {target}: {exc.strerror}") from None
    try:
        data = yaml.load(text, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        raise TemplateError(f"{target} is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise TemplateError(f"{target} has no Resources section")
    return data


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True, slots=True)
class ApiRoute:
    """One ``Api`` event of a function: a REST resource path and method."""

    function: str  # logical id
    path: str  # e.g. /articles/{id}
    method: str  # upper-case, or ANY
    api_key_required: bool
    api: str | None  # logical id of the AWS::Serverless::Api, None for the implicit API


@dataclass(frozen=True, slots=True)
class SqsSource:
    """One ``SQS`` event source mapping."""

    function: str
    queue_arn: str
    batch_size: int
    report_batch_item_failures: bool
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class ScheduleSource:
    """One ``Schedule``/``ScheduleV2`` event: an EventBridge rule firing a function."""

    function: str
    name: str  # the event's key in the template
    expression: str  # rate(...) or cron(...)
    input: Any = None  # the constant JSON the rule sends instead of the scheduled event
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class GatewayResponse:
    """A customised API Gateway response (``GatewayResponses`` of the Api)."""

    status: int | None
    templates: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """What the local stack needs to run one function: where its handler is and its settings."""

    logical_id: str
    name: str  # the physical function name
    module: str  # importable from the repo root, e.g. functions.api.app
    attribute: str  # e.g. handler
    timeout: float
    memory: int
    environment: dict[str, str]
    # ReservedConcurrentExecutions: None shares the account's pool, 0 throttles every call.
    reserved_concurrency: int | None = None

    def local_concurrency(self, default: int) -> int:
        """Processes to run locally: ``default``, capped by the reserved concurrency."""
        if self.reserved_concurrency is None:
            return default
        return min(default, self.reserved_concurrency)


# --------------------------------------------------------------------------- the stack


def _merge_globals(section: Mapping[str, Any], props: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(section)
    for key, value in props.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge_globals(merged[key], value)
        else:
            merged[key] = value
    return merged


class Stack:
    """A template "deployed" against the DynamoDB and SQS clients given (moto, usually).

    Physical resources are created lazily on first reference, so dependency order (a queue's
    DLQ before the queue) follows from the references themselves. Call :meth:`deploy` to create
    every table and queue at once.
    """

    def __init__(
        self,
        template: Mapping[str, Any] | None = None,
        *,
        dynamodb: Any = None,
        sqs: Any = None,
        eventbridge: Any = None,
        stack_name: str = DEFAULT_STACK_NAME,
        region: str | None = None,
        parameters: Mapping[str, str] | None = None,
    ) -> None:
        self.template = dict(template) if template is not None else load_template()
        self.resources: dict[str, dict[str, Any]] = self.template["Resources"]
        self.stack_name = stack_name
        self.region = region or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION
        self._dynamodb = dynamodb
        self._sqs = sqs
        self.transforms = _transforms(self.template)
        self._eventbridge = eventbridge
        self._parameters = self._read_parameters(parameters or {})
        self._conditions: dict[str, bool] = {}
        # logical id -> {"Ref": ..., attribute: ...}
        self._physical: dict[str, dict[str, Any]] = {}
        self._creating: set[str] = set()
        self.queue_urls_by_arn: dict[str, str] = {}

    # ---------------------------------------------------------------- clients

    @property
    def dynamodb(self) -> Any:
        """The DynamoDB client (a default one built on first use)."""
        if self._dynamodb is None:
            import boto3

            self._dynamodb = boto3.client("dynamodb", region_name=self.region)
        return self._dynamodb

    @property
    def sqs(self) -> Any:
        """The SQS client (a default one built on first use)."""
        if self._sqs is None:
            import boto3

            self._sqs = boto3.client("sqs", region_name=self.region)
        return self._sqs

    @property
    def eventbridge(self) -> Any:
        """The EventBridge client (a default one built on first use)."""
        if self._eventbridge is None:
            import boto3

            self._eventbridge = boto3.client("events", region_name=self.region)
        return self._eventbridge

    # ---------------------------------------------------------------- parameters, conditions

    def _read_parameters(self, overrides: Mapping[str, str]) -> dict[str, Any]:
        declared = self.template.get("Parameters") or {}
        unknown = set(overrides) - set(declared)
        if unknown:
            raise TemplateError(f"unknown template parameters: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {}
        for name, spec in declared.items():
            if name in overrides:
                values[name] = _checked_parameter(name, spec, overrides[name])
            elif "Default" in spec:
                values[name] = spec["Default"]
            else:
                raise TemplateError(f"template parameter {name} has no Default; pass a value")
        return values

    def condition(self, name: str) -> bool:
        """Evaluate one of the template's Conditions."""
        if name not in self._conditions:
            spec = (self.template.get("Conditions") or {}).get(name)
            if spec is None:
                raise TemplateError(f"unknown condition {name}")
            self._conditions[name] = bool(self.resolve(spec))
        return self._conditions[name]

    def deletion_policy(self, logical_id: str, attribute: str = "DeletionPolicy") -> str:
        """What deleting the stack (or replacing the resource) does: Delete unless said.

        ``attribute`` is ``DeletionPolicy`` or ``UpdateReplacePolicy``; an intrinsic function
        there (a parameter, a condition) needs the language extensions transform, as in AWS.
        """
        if attribute not in _POLICY_ATTRIBUTES:
            raise TemplateError(f"not a policy attribute: {attribute}")
        raw = self.resources[logical_id].get(attribute, "Delete")
        if isinstance(raw, dict) and LANGUAGE_EXTENSIONS not in self.transforms:
            raise TemplateError(
                f"{logical_id}.{attribute} uses an intrinsic function: that needs the "
                f"{LANGUAGE_EXTENSIONS} transform"
            )
        value = self.resolve(raw)
        if value not in _POLICY_VALUES:
            raise TemplateError(f"{logical_id}.{attribute} is {value!r}, not a deletion policy")
        return str(value)

    def exists(self, logical_id: str) -> bool:
        """True when the template has this resource and its Condition (if any) holds."""
        resource = self.resources.get(logical_id)
        if resource is None:
            return False
        cond = resource.get("Condition")
        return cond is None or self.condition(cond)

    # ---------------------------------------------------------------- intrinsics

    def _pseudo(self, name: str) -> Any:
        pseudo = {
            "AWS::StackName": self.stack_name,
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{ACCOUNT_ID}:stack/"
            f"{self.stack_name}/local",
        }
        if name not in pseudo:
            raise TemplateError(f"unsupported pseudo parameter {name}")
        return pseudo[name]

    def ref(self, name: str) -> Any:
        """What ``!Ref name`` evaluates to."""
        if name in self._parameters:
            return self._parameters[name]
        if name.startswith("AWS::"):
            return self._pseudo(name)
        return self._attributes(name)["Ref"]

    def get_att(self, logical_id: str, attribute: str) -> Any:
        """What ``!GetAtt logical_id.attribute`` evaluates to."""
        attrs = self._attributes(logical_id)
        if attribute not in attrs:
            raise TemplateError(f"unsupported attribute {logical_id}.{attribute}")
        return attrs[attribute]

    def _sub(self, text: str, variables: Mapping[str, Any]) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):  # ${!Literal} escapes a dollar-brace
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                return str(self.get_att(*name.split(".", 1)))
            return str(self.ref(name))

        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def resolve(self, value: Any) -> Any:
        """Evaluate the intrinsic functions in ``value`` (recursively)."""
        if isinstance(value, list):
            return [v for v in (self.resolve(v) for v in value) if v is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref":
                return _NO_VALUE if arg == "AWS::NoValue" else self.ref(arg)
            if key == "Condition" and isinstance(arg, str):
                return self.condition(arg)
            if key.startswith("Fn::"):
                return self._function(key[4:], arg)
        resolved = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not _NO_VALUE}

    def _function(self, name: str, arg: Any) -> Any:
        if name == "GetAtt":
            logical, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
            return self.get_att(self.resolve(logical), self.resolve(attribute))
        if name == "Sub":
            if isinstance(arg, list):
                text, variables = arg
                return self._sub(text, self.resolve(variables))
            return self._sub(arg, {})
        if name == "Join":
            sep, items = arg
            return str(sep).join(str(i) for i in self.resolve(items))
        if name == "Select":
            index, items = self.resolve(arg)
            return items[int(index)]
        if name == "Split":
            sep, text = self.resolve(arg)
            return text.split(sep)
        if name == "If":
            cond, yes, no = arg
            return self.resolve(yes if self.condition(cond) else no)
        if name == "Equals":
            left, right = self.resolve(arg)
            return str(left) == str(right)
        if name == "Not":
            return not self.resolve(arg[0])
        if name == "And":
            return all(self.resolve(arg))
        if name == "Or":
            return any(self.resolve(arg))
        if name == "FindInMap":
            mapping, key, sub = self.resolve(arg)
            try:
                return self.template["Mappings"][mapping][key][sub]
            except KeyError:
                raise TemplateError(f"FindInMap: no {mapping}/{key}/{sub}") from None
        if name == "Base64":
            import base64

            return base64.b64encode(str(self.resolve(arg)).encode()).decode()
        raise TemplateError(f"unsupported intrinsic function Fn::{name}")

    # ---------------------------------------------------------------- physical resources

    def _attributes(self, logical_id: str) -> dict[str, Any]:
        if logical_id in self._physical:
            return self._physical[logical_id]
        if not self.exists(logical_id):
            raise TemplateError(f"reference to unknown or disabled resource {logical_id}")
        if logical_id in self._creating:
            raise TemplateError(f"circular reference through {logical_id}")
        self._creating.add(logical_id)
        try:
            resource = self.resources[logical_id]
            kind = resource.get("Type", "")
            if kind in _TABLE_TYPES:
                attrs = self._create_table(logical_id, resource)
            elif kind == _QUEUE_TYPE:
                attrs = self._create_queue(logical_id, resource)
            elif kind == _BUS_TYPE:
                attrs = self._create_bus(logical_id, resource)
            else:
                attrs = self._placeholder(logical_id, kind)
        finally:
            self._creating.discard(logical_id)
        self._physical[logical_id] = attrs
        return attrs

    def _default_name(self, logical_id: str) -> str:
        # CloudFormation adds a random suffix; locally a stable name is more useful.
        return f"{self.stack_name}-{logical_id}"

    def _placeholder(self, logical_id: str, kind: str) -> dict[str, Any]:
        """Stand-in values for resources the local stack does not emulate (roles, APIs, ...)."""
        name = self._default_name(logical_id)
        service = kind.split("::")[1].lower() if kind.count("::") >= 2 else "unknown"
        if kind == _FUNCTION_TYPE:
            props = self.resources[logical_id].get("Properties") or {}
            name = self.resolve(props.get("FunctionName")) or name
            service = "lambda"
        arn = f"arn:aws:{service}:{self.region}:{ACCOUNT_ID}:{name}"
        return {"Ref": name, "Arn": arn}

    def table_definition(self, logical_id: str) -> dict[str, Any]:
        """``create_table`` keyword arguments (without TableName) of a table resource."""
        resource = self.resources[logical_id]
        props = self.resolve(resource.get("Properties") or {})
        if resource["Type"] == "AWS::Serverless::SimpleTable":
            key = props.get("PrimaryKey") or {"Name": "id", "Type": "String"}
            short = {"String": "S", "Number": "N", "Binary": "B"}[key.get("Type", "String")]
            kwargs: dict[str, Any] = {
                "AttributeDefinitions": [{"AttributeName": key["Name"], "AttributeType": short}],
                "KeySchema": [{"AttributeName": key["Name"], "KeyType": "HASH"}],
                "BillingMode": "PAY_PER_REQUEST",
            }
        else:
            kwargs = {k: props[k] for k in _TABLE_PASSTHROUGH if k in props}
            kwargs.setdefault("BillingMode", "PROVISIONED")
        if kwargs["BillingMode"] == "PAY_PER_REQUEST":
            # Indexes of an on-demand table carry no throughput; CloudFormation allows none.
            for index in kwargs.get("GlobalSecondaryIndexes", []):
                index.pop("ProvisionedThroughput", None)
        return kwargs

    def ttl_attribute(self, logical_id: str) -> str | None:
        """The TTL attribute of a table, ``None`` when TTL is not enabled."""
        props = self.resolve(self.resources[logical_id].get("Properties") or {})
        ttl = props.get("TimeToLiveSpecification") or {}
        return ttl.get("AttributeName") if _attr(ttl.get("Enabled")) == "true" else None

    def _create_table(self, logical_id: str, resource: Mapping[str, Any]) -> dict[str, Any]:
        props = self.resolve(resource.get("Properties") or {})
        name = props.get("TableName") or self._default_name(logical_id)
        kwargs = self.table_definition(logical_id)
        created = self.dynamodb.create_table(TableName=name, **kwargs)["TableDescription"]
        ttl = self.ttl_attribute(logical_id)
        if ttl:
            self.dynamodb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl}
            )
        pitr = props.get("PointInTimeRecoverySpecification") or {}
        if _attr(pitr.get("PointInTimeRecoveryEnabled")) == "true":
            self.dynamodb.update_continuous_backups(
                TableName=name,
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
            )
        return {
            "Ref": name,
            "Arn": created["TableArn"],
            "StreamArn": created.get("LatestStreamArn"),
        }

    def _create_queue(self, logical_id: str, resource: Mapping[str, Any]) -> dict[str, Any]:
        props = self.resolve(resource.get("Properties") or {})
        fifo = str(props.get("FifoQueue", "false")).lower() == "true"
        name = props.get("QueueName") or self._default_name(logical_id) + (".fifo" if fifo else "")
        attributes = {k: _attr(props[k]) for k in _QUEUE_ATTRIBUTES if k in props}
        if "RedrivePolicy" in props:
            policy = props["RedrivePolicy"]
            attributes["RedrivePolicy"] = policy if isinstance(policy, str) else json.dumps(policy)
        url = self.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = f"arn:aws:sqs:{self.region}:{ACCOUNT_ID}:{name}"
        self.queue_urls_by_arn[arn] = url
        return {"Ref": url, "Arn": arn, "QueueName": name, "QueueUrl": url}

    def _create_bus(self, logical_id: str, resource: Mapping[str, Any]) -> dict[str, Any]:
        props = self.resolve(resource.get("Properties") or {})
        name = props.get("Name") or self._default_name(logical_id)
        arn = self.eventbridge.create_event_bus(Name=name)["EventBusArn"]
        return {"Ref": name, "Arn": arn, "Name": name}

    def deploy(self) -> Stack:
        """Create every table, queue and event bus of the template; returns ``self``."""
        kinds = _TABLE_TYPES | {_QUEUE_TYPE, _BUS_TYPE}
        for logical_id, resource in self.resources.items():
            if resource.get("Type") in kinds and self.exists(logical_id):
                self._attributes(logical_id)
        return self

    def physical_id(self, logical_id: str) -> Any:
        """``!Ref`` of a resource: table name, queue URL, function name."""
        return self.ref(logical_id)

    def queue_url(self, logical_id: str) -> str:
        """The URL of a queue created from the template."""
        return self.get_att(logical_id, "QueueUrl")

    def table_ids(self) -> list[str]:
        """Logical ids of the template's tables (that its conditions create)."""
        return [lid for kind in _TABLE_TYPES for lid in self._of_type(kind)]

    def queue_ids(self) -> list[str]:
        """Logical ids of the template's queues (that its conditions create)."""
        return list(self._of_type(_QUEUE_TYPE))

    # ---------------------------------------------------------------- functions and events

    def _of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        return {
            lid: res
            for lid, res in self.resources.items()
            if res.get("Type") == kind and self.exists(lid)
        }

    def _function_props(self, logical_id: str) -> dict[str, Any]:
        globals_ = (self.template.get("Globals") or {}).get("Function") or {}
        return _merge_globals(globals_, self.resources[logical_id].get("Properties") or {})

    def function_property(self, logical_id: str, name: str, default: Any = None) -> Any:
        """One property of a function (Globals merged), resolved; ``default`` when absent."""
        value = self.resolve(self._function_props(logical_id).get(name, _NO_VALUE_REF))
        return default if value is _NO_VALUE else value

    def function(self, logical_id: str) -> FunctionSpec:
        """The handler location, timeout and resolved environment of one function."""
        props = self._function_props(logical_id)
        code_uri = props.get("CodeUri")
        handler = props.get("Handler")
        if not isinstance(code_uri, str) or not isinstance(handler, str) or "." not in handler:
            raise TemplateError(f"{logical_id}: needs a local CodeUri and a module.attr Handler")
        module, attribute = handler.rsplit(".", 1)
        package = ".".join(p for p in Path(code_uri).parts if p not in ("", "."))
        variables = (props.get("Environment") or {}).get("Variables") or {}
        environment = {k: _attr(v) for k, v in self.resolve(variables).items()}
        reserved = self.function_property(logical_id, "ReservedConcurrentExecutions")
        return FunctionSpec(
            logical_id=logical_id,
            name=self.resolve(props.get("FunctionName")) or self._default_name(logical_id),
            module=f"{package}.{module}" if package else module,
            attribute=attribute,
            timeout=float(self.resolve(props.get("Timeout", SAM_DEFAULT_TIMEOUT))),
            memory=int(self.resolve(props.get("MemorySize", SAM_DEFAULT_MEMORY))),
            environment=environment,
            reserved_concurrency=None if reserved is None else int(reserved),
        )

    def code_uris(self) -> dict[str, str]:
        """Each function's code folder (``CodeUri``) by logical id; creates nothing."""
        uris = {}
        for lid in self._of_type(_FUNCTION_TYPE):
            uri = self._function_props(lid).get("CodeUri")
            if not isinstance(uri, str):
                raise TemplateError(f"{lid}: needs a local CodeUri")
            uris[lid] = uri
        return uris

    def policy_statements(self, logical_id: str) -> list[dict[str, Any]]:
        """The IAM statements a function's ``Policies`` grant, intrinsics resolved.

        Only inline policy documents can be read: a managed policy or a SAM policy template
        (``DynamoDBCrudPolicy``...) grants whatever its maintainers put in it, so it raises
        :class:`TemplateError` instead of being guessed at.
        """
        raw = self._function_props(logical_id).get("Policies") or []
        policies = self.resolve([raw] if isinstance(raw, str | dict) else raw)
        statements: list[dict[str, Any]] = []
        for policy in policies:
            if not isinstance(policy, dict) or "Statement" not in policy:
                name = policy if isinstance(policy, str) else next(iter(policy), "?")
                raise TemplateError(
                    f"{logical_id}: policy {name} is not an inline statement list; write the "
                    "exact actions and resources instead"
                )
            body = policy["Statement"]
            statements.extend(body if isinstance(body, list) else [body])
        return statements

    def functions(self) -> dict[str, FunctionSpec]:
        """Every function of the template by logical id."""
        return {lid: self.function(lid) for lid in self._of_type(_FUNCTION_TYPE)}

    def _events(self, kinds: set[str]) -> list[tuple[str, str, str, dict[str, Any]]]:
        found = []
        for lid in self._of_type(_FUNCTION_TYPE):
            events = self._function_props(lid).get("Events") or {}
            for name, event in events.items():
                if event.get("Type") in kinds:
                    found.append((lid, name, event["Type"], event.get("Properties") or {}))
        return found

    def _api_props(self, api: str | None) -> dict[str, Any]:
        globals_ = (self.template.get("Globals") or {}).get("Api") or {}
        props = self.resources[api].get("Properties") or {} if api else {}
        return _merge_globals(globals_, props)

    def routes(self) -> list[ApiRoute]:
        """Every ``Api`` event: path, method, and whether it needs an API key."""
        routes = []
        for lid, _name, _kind, props in self._events({"Api"}):
            rest_api = props.get("RestApiId")
            api = rest_api.get("Ref") if isinstance(rest_api, dict) else rest_api
            default_auth = (self._api_props(api).get("Auth") or {}).get("ApiKeyRequired", False)
            auth = props.get("Auth") or {}
            required = auth.get("ApiKeyRequired", default_auth)
            routes.append(
                ApiRoute(
                    function=lid,
                    path=props["Path"],
                    method=str(props["Method"]).upper(),
                    api_key_required=str(self.resolve(required)).lower() == "true",
                    api=api,
                )
            )
        return routes

    def stage_name(self, api: str | None) -> str:
        """The stage an API is deployed to (``Prod`` for SAM's implicit API)."""
        return str(self.resolve(self._api_props(api).get("StageName", "Prod")))

    def gateway_responses(self, api: str | None) -> dict[str, GatewayResponse]:
        """The customised gateway responses of an API, by response type."""
        responses = self.resolve(self._api_props(api).get("GatewayResponses") or {})
        out = {}
        for kind, spec in responses.items():
            headers = (spec.get("ResponseParameters") or {}).get("Headers") or {}
            out[kind] = GatewayResponse(
                status=int(spec["StatusCode"]) if spec.get("StatusCode") else None,
                templates=dict(spec.get("ResponseTemplates") or {}),
                # Header values are quoted literals in API Gateway ("'*'").
                headers={k: str(v).strip("'") for k, v in headers.items()},
            )
        return out

    def sqs_sources(self) -> list[SqsSource]:
        """Every ``SQS`` event source mapping."""
        sources = []
        for lid, _name, _kind, props in self._events({"SQS"}):
            types = self.resolve(props.get("FunctionResponseTypes") or [])
            sources.append(
                SqsSource(
                    function=lid,
                    queue_arn=self.resolve(props["Queue"]),
                    batch_size=int(self.resolve(props.get("BatchSize", SQS_DEFAULT_BATCH_SIZE))),
                    report_batch_item_failures="ReportBatchItemFailures" in types,
                    enabled=str(self.resolve(props.get("Enabled", True))).lower() == "true",
                )
            )
        return sources

    def schedules(self) -> list[ScheduleSource]:
        """Every ``Schedule``/``ScheduleV2`` event."""
        schedules = []
        for lid, name, _kind, props in self._events({"Schedule", "ScheduleV2"}):
            props = self.resolve(props)
            expression = props.get("Schedule") or props.get("ScheduleExpression")
            if not expression:
                raise TemplateError(f"{lid}.{name}: schedule event without an expression")
            enabled = props.get("Enabled", True)
            state = props.get("State")
            if state is not None:
                enabled = state == "ENABLED"
            raw_input = props.get("Input")
            schedules.append(
                ScheduleSource(
                    function=lid,
                    name=name,
                    expression=expression,
                    input=json.loads(raw_input) if isinstance(raw_input, str) else raw_input,
                    enabled=str(enabled).lower() == "true",
                )
            )
        return schedules


def _checked_parameter(name: str, spec: Mapping[str, Any], value: str) -> str:
    """``value`` when it meets the parameter's constraints, as CloudFormation checks them."""
    allowed = spec.get("AllowedValues")
    if allowed is not None and str(value) not in [str(v) for v in allowed]:
        raise TemplateError(f"{name} must be one of {', '.join(str(v) for v in allowed)}")
    pattern = spec.get("AllowedPattern")
    if pattern is not None and not re.fullmatch(pattern, str(value)):
        why = spec.get("ConstraintDescription") or f"a value matching {pattern}"
        raise TemplateError(f"{name} must be {why}, got {value!r}")
    return value


class _NoValue:
    """``!Ref AWS::NoValue``: the property disappears."""


_NO_VALUE = _NoValue()
_NO_VALUE_REF = {"Ref": "AWS::NoValue"}


def _transforms(template: Mapping[str, Any]) -> list[str]:
    """The template's transforms, refusing any this loader would silently misread."""
    raw = template.get("Transform") or []
    names = [raw] if isinstance(raw, str) else list(raw)
    unknown = [n for n in names if n not in _KNOWN_TRANSFORMS]
    if unknown:
        raise TemplateError(f"unsupported transform(s): {', '.join(map(str, unknown))}")
    return names


def _attr(value: Any) -> str:
    """CloudFormation scalars become strings in attributes and environment variables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def deploy_template(
    dynamodb: Any = None,
    sqs: Any = None,
    template: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> Stack:
    """Create the template's tables and queues; the handy entry point for tests.

    With moto's ``mock_aws`` active, the default clients talk to the mock. Use
    ``stack.function(logical_id).environment`` to get the environment a function would see.
    """
    return Stack(template, dynamodb=dynamodb, sqs=sqs, **kwargs).deploy()


# --------------------------------------------------------------------------- short cuts


@dataclass(frozen=True, slots=True)
class Resources:
    """Names and URLs of what :func:`create_resources` made."""

    table_name: str
    queue_urls: dict[str, str]  # logical id -> queue URL
    stack: Stack

    @property
    def queue_url(self) -> str:
        """The work queue (the one with a redrive policy), for QUEUE_URL."""
        for logical_id, url in self.queue_urls.items():
            props = self.stack.resources[logical_id].get("Properties") or {}
            if "RedrivePolicy" in props:
                return url
        raise TemplateError("the template has no queue with a RedrivePolicy")


def table_definition(template: Mapping[str, Any], logical_id: str = "Table") -> dict[str, Any]:
    """``create_table`` keyword arguments (without TableName) for a table of the template."""
    return Stack(template).table_definition(logical_id)


def ttl_attribute(template: Mapping[str, Any], logical_id: str = "Table") -> str | None:
    """A table's TTL attribute name, or ``None`` when TTL is not enabled."""
    return Stack(template).ttl_attribute(logical_id)


def create_resources(
    dynamodb: Any,
    sqs: Any,
    template: Mapping[str, Any] | None = None,
    prefix: str = "newsbrief",
) -> Resources:
    """Create the template's tables and queues with boto3 clients; return their names/URLs.

    Works against moto's in-process mock and the local moto server alike. Tables are named
    ``<prefix>-<LogicalId>`` unless the template names them.
    """
    stack = deploy_template(dynamodb, sqs, template, stack_name=prefix)
    tables = [lid for lid, res in stack.resources.items() if res.get("Type") in _TABLE_TYPES]
    if len(tables) != 1:
        raise TemplateError(f"expected exactly one table in the template, found {len(tables)}")
    queues = {
        lid: stack.queue_url(lid)
        for lid, res in stack.resources.items()
        if res.get("Type") == _QUEUE_TYPE and stack.exists(lid)
    }
    return Resources(table_name=stack.ref(tables[0]), queue_urls=queues, stack=stack)
