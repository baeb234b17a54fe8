"""/api/v1/community: events and the marketplace."""
