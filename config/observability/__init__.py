"""Observability: request IDs, JSON logs, Sentry error reports (metrics are in config.metrics).
See docs/operations.md, "Logs, metrics and error reports"."""
