// Platform API document, "Webhooks & Real-time Updates" > "WebSocket Connection", verbatim.
// NOT RUN as written: it connects without credentials, and /ws admits a socket only after its first
// message carries the token (docs/realtime.md); Node 20 has no built-in WebSocket either.
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
