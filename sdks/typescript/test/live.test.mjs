// The SDK against a live server (PROPERTYMGMT_BASE_URL, PROPERTYMGMT_TOKEN), and retries,
// Idempotency-Key and webhook verification against a stand-in fetch. Run: npm test.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";

import { PropertyManagementError, PropertyManagementSDK, WebhookVerificationError, signWebhook, verifyWebhook } from "@propertymgmt/js-sdk";

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: these tests need a live server (see sdks/README.md)`);
  return value;
}

const live = () => new PropertyManagementSDK({ apiKey: env("PROPERTYMGMT_TOKEN"), environment: env("PROPERTYMGMT_BASE_URL") });
const address = { street: "1 Test St", city: "Toronto", province: "ON", postalCode: "M5V 2T6" };

test("a page of properties carries its pagination, in camelCase", async () => {
  const page = await live().properties.list({ page: 1, pageSize: 1 });
  assert.equal(page.data.length, 1);
  assert.equal(page.pagination.pageSize, 1);
  assert.ok(Number(page.pagination.totalCount) >= 2);
  assert.equal(page.hasNext, true);
  assert.ok(page.data[0].createdAt);
});

test("iterate walks every page", async () => {
  const sdk = live();
  const total = (await sdk.properties.list({ pageSize: 1 })).pagination.totalCount;
  const ids = [];
  for await (const property of sdk.properties.iterate({ pageSize: 1 })) ids.push(property.id);
  assert.equal(ids.length, total);
  assert.equal(new Set(ids).size, total);
});

test("create maps camelCase to snake_case and back", async () => {
  const sdk = live();
  const name = `SDK test ${randomUUID().slice(0, 8)}`;
  const created = await sdk.properties.create({ name, type: "residential", address });
  assert.equal(created.name, name);
  assert.equal(created.address.postalCode, "M5V 2T6");
  assert.equal((await sdk.properties.get(created.id)).id, created.id);
  await sdk.properties.delete(created.id);
});

test("an unknown id rejects with the envelope's error", async () => {
  await assert.rejects(live().properties.get(randomUUID()), (error) => {
    assert.ok(error instanceof PropertyManagementError);
    assert.equal(error.status, 404);
    assert.equal(error.code, "RESOURCE_NOT_FOUND");
    return true;
  });
});

test("the ticketing surface pages too", async () => {
  const sdk = live();
  const page = await sdk.ticketing.tickets.list({ perPage: 1 });
  assert.equal(page.pagination.perPage, 1);
  let count = 0;
  for await (const ticket of sdk.ticketing.tickets.iterate({ perPage: 1 })) count += ticket.id ? 1 : 0;
  assert.equal(count, page.pagination.total);
});

test("an attachment uploads as multipart and downloads as bytes", async () => {
  const sdk = live();
  const request = (await sdk.maintenanceRequests.list()).data[0];
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 1, 2, 3, 4]);
  const form = new FormData();
  form.append("file", new Blob([png], { type: "image/png" }), "leak.png");
  const attachment = await sdk.attachments.create(request.id, form);
  assert.equal(attachment.contentType, "image/png");
  assert.deepEqual(await sdk.attachments.get(request.id, attachment.id), png);
});

function standIn(answers, seen) {
  return async (url, init) => {
    seen.push({ url: String(url), init });
    return answers.shift();
  };
}

test("a 429 is retried after Retry-After with the same Idempotency-Key", async () => {
  const seen = [];
  const ok = { success: true, data: { id: "p1", postal_code: "x" }, meta: {} };
  const fetch = standIn(
    [new Response("", { status: 429, headers: { "Retry-After": "0" } }), new Response("", { status: 503 }), Response.json(ok, { status: 201 })],
    seen,
  );
  const sdk = new PropertyManagementSDK({ apiKey: "pmk_test", environment: "sandbox", fetch, backoffMs: 0 });
  assert.deepEqual(await sdk.properties.create({ name: "x", type: "residential", address }), { id: "p1", postalCode: "x" });
  assert.equal(seen.length, 3);
  assert.equal(new Set(seen.map((s) => s.init.headers["Idempotency-Key"])).size, 1);
  assert.ok(seen[0].url.startsWith("https://api-sandbox.propertymgmt.com/api/v1/properties"));
  assert.equal(JSON.parse(seen[0].init.body).address.postal_code, "M5V 2T6");
});

test("a 400 is not retried", async () => {
  const seen = [];
  const fetch = standIn([Response.json({ success: false, error: { code: "BAD_REQUEST", message: "m" } }, { status: 400 })], seen);
  const sdk = new PropertyManagementSDK({ environment: "sandbox", fetch, backoffMs: 0 });
  await assert.rejects(sdk.properties.list(), PropertyManagementError);
  assert.equal(seen.length, 1);
});

test("the Standard Webhooks test vector verifies, a change does not", async () => {
  const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const body = '{"test": 2432232314}';
  const signature = await signWebhook(body, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, secret);
  assert.equal(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  const headers = { "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "webhook-timestamp": "1614265330", "webhook-signature": `v1,bad ${signature}` };
  assert.deepEqual(await verifyWebhook(body, headers, secret, { now: 1614265340 }), { test: 2432232314 });
  await assert.rejects(verifyWebhook('{"test": 1}', headers, secret, { now: 1614265340 }), WebhookVerificationError);
  await assert.rejects(verifyWebhook(body, headers, secret, { now: 1614275340 }), WebhookVerificationError);
});
