// Platform API document, "Webhooks & Real-time Updates" > "Server-Sent Events (SSE)", verbatim.
// NOT RUN as written: a browser EventSource sends no Authorization header, which /api/v1/events needs
// (docs/realtime.md); Node 20 has no built-in EventSource. The stream itself: tests/.../test_realtime_sse.py.
const eventSource = new EventSource('/api/v1/events');
eventSource.onmessage = function(event) {
const update = JSON.parse(event.data);
handleRealTimeUpdate(update);
};
eventSource.addEventListener('maintenance', function(event) {
const maintenanceUpdate = JSON.parse(event.data);
handleMaintenanceUpdate(maintenanceUpdate);
});
