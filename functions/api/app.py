"""The REST API function: API Gateway event in, one route call, JSON response out."""

from __future__ import annotations

from typing import Any

import newsbrief
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from newsbrief_aws import api_articles, api_feeds, api_system, snapstart
from newsbrief_aws.http import body_too_large, install_error_handlers

logger = Logger()
metrics = Metrics(namespace="newsbrief")

# A response that breaks its own schema is our bug: 500, never the client's 400.
app = APIGatewayRestResolver(enable_validation=True, response_validation_error_http_code=500)
app.configure_openapi(
    title="newsbrief API",
    version=newsbrief.__version__,
    description="Turn news article URLs into briefs: clean text, metadata, summary, entities. "
    "Every route except /health and /docs needs an API key in the x-api-key header.",
    # Lets Swagger UI's Authorize button send the key; API Gateway is what enforces it.
    security_schemes={"apiKey": APIKey(name="x-api-key", in_=APIKeyIn.header)},
    security=[{"apiKey": []}],
)
# Swagger UI with its JS/CSS inlined by powertools: /docs works with no CDN (offline, locally).
app.enable_swagger(path="/docs")
install_error_handlers(app, logger)
app.include_router(api_system.router)
app.include_router(api_articles.router)
app.include_router(api_feeds.router)
# SnapStart (published versions): the briefing path is loaded into the snapshot, while cold
# starts without SnapStart keep the read routes free of the parser and summarizer.
snapstart.register()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Lambda entry point of the API."""
    return body_too_large(event) or app.resolve(event, context)
