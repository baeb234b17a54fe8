"""/api/v1/notifications (inbox, templates, channels, preferences) and /api/v1/webhooks."""
