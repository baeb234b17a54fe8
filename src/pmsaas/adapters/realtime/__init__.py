"""Real-time channels (SSE and WebSocket streams) on Litestar channels."""
