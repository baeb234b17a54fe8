// Platform API document, "Webhooks & Real-time Updates" > "WebSocket Connection", verbatim.
// Run in headless Chromium by tests/integration/sdks/test_seed_examples.py (only the host changed), on
// a page of the server's origin that first obtained the real-time cookie (docs/realtime.md).
const ws = new WebSocket('wss://api.propertymgmt.com/ws');
ws.onmessage = function(event) {
const update = JSON.parse(event.data);
switch(update.type) {
case 'maintenance_update':
handleMaintenanceUpdate(update.data);
break;
case 'payment_received':
handlePaymentUpdate(update.data);
break;
case 'notification':
handleNotification(update.data);
break;
}
};
