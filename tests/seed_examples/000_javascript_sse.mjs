// Platform API document, "Webhooks & Real-time Updates" > "Server-Sent Events (SSE)", verbatim.
// Run in headless Chromium by tests/integration/sdks/test_seed_examples.py, on a page of the server's
// origin that first obtained the real-time cookie (POST /api/v1/events/session, docs/realtime.md).
const eventSource = new EventSource('/api/v1/events');
eventSource.onmessage = function(event) {
const update = JSON.parse(event.data);
handleRealTimeUpdate(update);
};
eventSource.addEventListener('maintenance', function(event) {
const maintenanceUpdate = JSON.parse(event.data);
handleMaintenanceUpdate(maintenanceUpdate);
});
