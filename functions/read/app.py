"""The API's read function: GET routes (briefs, feeds, health) in, stored JSON out.

Kept apart from the API function so that a reader's cold start loads only powertools' router,
the store and the AWS SDK: no pydantic, no request validation models, no HTML parser or
summarizer (see newsbrief_aws.api_read). It also runs with read-only table permissions.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from newsbrief_aws import api_protocol, api_read, snapstart
from newsbrief_aws.error_responses import install_error_handlers

logger = Logger()
metrics = Metrics(namespace="newsbrief")

app = APIGatewayRestResolver(json_body_deserializer=api_protocol.parse_json)
install_error_handlers(app, logger)
app.include_router(api_read.router)
# SnapStart (published versions): restored environments start with the SDK's models parsed.
snapstart.register(snapstart.warm_read_path)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Lambda entry point of the read routes."""
    return api_protocol.serve(app, event, context)
