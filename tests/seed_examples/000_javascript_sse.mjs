// Platform API document, "Webhooks & Real-time Updates" > "Server-Sent Events (SSE)", verbatim.
// NOT RUN: the API serves no /api/v1/events yet (docs/api-contract.md §8, "Real time (not served yet)").
const eventSource = new EventSource('/api/v1/events');
eventSource.onmessage = function(event) {
const update = JSON.parse(event.data);
handleRealTimeUpdate(update);
};
eventSource.addEventListener('maintenance', function(event) {
const maintenanceUpdate = JSON.parse(event.data);
handleMaintenanceUpdate(maintenanceUpdate);
});
