"""FastAPI application: the REST API (``/api/v1``), health, and later the messenger webhooks."""
