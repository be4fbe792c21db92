"""The REST API function: API Gateway event in, one route call, JSON response out."""

from __future__ import annotations

from typing import Any

import newsbrief
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from newsbrief_aws import (
    api_articles,
    api_entities,
    api_feeds,
    api_protocol,
    api_system,
    snapstart,
)
from newsbrief_aws.api_docs import install_docs
from newsbrief_aws.error_responses import install_error_handlers

logger = Logger()
metrics = Metrics(namespace="newsbrief")

# A response that breaks its own schema is our bug: 500, never the client's 400.
app = APIGatewayRestResolver(
    enable_validation=True,
    response_validation_error_http_code=500,
    json_body_deserializer=api_protocol.parse_json,
)
app.configure_openapi(
    title="newsbrief API",
    version=newsbrief.__version__,
    description="Turn news article URLs into briefs: clean text, metadata, summary, entities. "
    "Every route except /health and /docs needs an API key in the x-api-key header. Errors are "
    '{"error": {"code", "message"}}; each response lists its stable codes in x-error-codes.',
    # Lets Swagger UI's Authorize button send the key; API Gateway is what enforces it. A plain
    # dict (powertools validates it into its APIKey model when the spec is built): importing
    # APIKey here would load all of its OpenAPI models.
    security_schemes={"apiKey": {"type": "apiKey", "name": "x-api-key", "in": "header"}},  # type: ignore[dict-item]
    security=[{"apiKey": []}],
)
install_error_handlers(app, logger)
app.include_router(api_system.router)
app.include_router(api_articles.router)
app.include_router(api_entities.router)
app.include_router(api_feeds.router)
install_docs(app)
# SnapStart (published versions): the briefing path is loaded into the snapshot, while cold
# starts without SnapStart keep the read routes free of the parser and summarizer.
snapstart.register()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Lambda entry point of the API."""
    return api_protocol.serve(app, event, context)
