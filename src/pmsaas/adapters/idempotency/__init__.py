"""Idempotency-Key stores: SQL (embedded default) and Redis."""
