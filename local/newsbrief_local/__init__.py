"""Dev-only local stack: the Lambda handlers over HTTP against an embedded moto server."""
