"""Event publishers: where the outbox relay hands events."""
