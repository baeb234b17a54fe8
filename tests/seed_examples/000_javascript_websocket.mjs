// Platform API document, "Webhooks & Real-time Updates" > "WebSocket Connection", verbatim.
// NOT RUN: the API serves no /ws yet (docs/api-contract.md §8, "Real time (not served yet)").
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
