"""Open API routes: health (no API key, no store access)."""

from __future__ import annotations

import newsbrief
from aws_lambda_powertools.event_handler.router import APIGatewayRouter
from pydantic import BaseModel

from .api_docs import declare_answer
from .error_responses import declare_errors

router = APIGatewayRouter()


class Health(BaseModel):
    """The service is up and which library version it runs."""

    status: str
    version: str


@router.get(
    "/health",
    operation_id="health",
    summary="Liveness check",
    security=[{}],  # open: no API key
    responses={
        200: declare_answer("the service is up", Health),
        **declare_errors(keyed=False),
    },
)
def health() -> Health:
    """Answer without touching the store: a cheap liveness probe for load balancers."""
    return Health(status="ok", version=newsbrief.__version__)
