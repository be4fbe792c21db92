"""The REST API function: API Gateway event in, one route call, JSON response out."""

from __future__ import annotations

from functools import cache
from typing import Any

import newsbrief
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from newsbrief_aws import api_articles, api_feeds, api_system, snapstart
from newsbrief_aws.error_responses import body_too_large, install_error_handlers

logger = Logger()
metrics = Metrics(namespace="newsbrief")

# A response that breaks its own schema is our bug: 500, never the client's 400.
app = APIGatewayRestResolver(enable_validation=True, response_validation_error_http_code=500)
app.configure_openapi(
    title="newsbrief API",
    version=newsbrief.__version__,
    description="Turn news article URLs into briefs: clean text, metadata, summary, entities. "
    "Every route except /health and /docs needs an API key in the x-api-key header.",
    # Lets Swagger UI's Authorize button send the key; API Gateway is what enforces it. A plain
    # dict (powertools validates it into its APIKey model when the spec is built): importing
    # APIKey here would load all of its OpenAPI models, see enable_docs.
    security_schemes={"apiKey": {"type": "apiKey", "name": "x-api-key", "in": "header"}},
    security=[{"apiKey": []}],
)
install_error_handlers(app, logger)
app.include_router(api_system.router)
app.include_router(api_articles.router)
app.include_router(api_feeds.router)
# SnapStart (published versions): the briefing path is loaded into the snapshot, while cold
# starts without SnapStart keep the read routes free of the parser and summarizer.
snapstart.register()
DOCS_PATH = "/docs"  # template.yaml's open route to the Swagger UI


@cache
def enable_docs() -> None:
    """Serve Swagger UI at /docs (JS/CSS inlined by powertools: no CDN, works offline).

    Registered on the first request for it, not at import: ``enable_swagger`` imports
    powertools' OpenAPI models, ~100 ms of pydantic model building that every other route's
    cold start would pay for nothing.
    """
    app.enable_swagger(path=DOCS_PATH)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Lambda entry point of the API."""
    if event.get("path") == DOCS_PATH:
        enable_docs()
    return body_too_large(event) or app.resolve(event, context)
