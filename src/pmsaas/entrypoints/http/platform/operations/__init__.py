"""/api/v1/operations: maintenance requests (the same tickets as /v1/tickets), categories, work orders,
vendors; one module per aggregate, shared pieces in ``common``."""
