// Verify a webhook the platform sent (Standard Webhooks, https://www.standardwebhooks.com/).
// The platform signs "<webhook-id>.<webhook-timestamp>.<body>" with HMAC-SHA256 and sends
// `webhook-signature: v1,<base64>` (two, space-separated, while a rotated secret overlaps). A `whsec_`
// secret is base64 after the prefix; any other secret (one chosen on the ticketing surface) is its UTF-8 bytes.
// WebCrypto (global in Node 20 and browsers), so the package needs no Node typings or dependencies.

export const TOLERANCE_SECONDS = 5 * 60;

export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookVerificationError";
  }
}

const encoder = new TextEncoder();

function key(secret: string): Uint8Array {
  if (!secret.startsWith("whsec_")) return encoder.encode(secret);
  return Uint8Array.from(atob(secret.slice("whsec_".length)), (c) => c.charCodeAt(0));
}

function bytes(payload: string | Uint8Array): Uint8Array {
  return typeof payload === "string" ? encoder.encode(payload) : payload;
}

function base64(data: ArrayBuffer): string {
  return btoa(String.fromCharCode(...new Uint8Array(data)));
}

/** The `webhook-signature` value the platform sends (for tests of a receiver). */
export async function sign(payload: string | Uint8Array, msgId: string, timestamp: number, secret: string): Promise<string> {
  const hmac = await crypto.subtle.importKey("raw", key(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const prefix = encoder.encode(`${msgId}.${timestamp}.`);
  const body = bytes(payload);
  const message = new Uint8Array(prefix.length + body.length);
  message.set(prefix);
  message.set(body, prefix.length);
  return "v1," + base64(await crypto.subtle.sign("HMAC", hmac, message));
}

/** Compares in time that depends on the length only. */
function same(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

export interface VerifyOptions {
  toleranceSeconds?: number;
  /** Unix seconds; the clock by default. */
  now?: number;
}

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/** The parsed payload when one signature matches and the timestamp is recent; throws otherwise.
 * Pass the raw body as received (before any JSON parsing) and the request's headers. */
export async function verify(payload: string | Uint8Array, headers: HeaderSource, secret: string, options: VerifyOptions = {}): Promise<unknown> {
  const msgId = header(headers, "webhook-id");
  const stamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  const timestamp = Number(stamp);
  if (!msgId || !stamp || !signatures || !Number.isInteger(timestamp)) {
    throw new WebhookVerificationError("missing or malformed webhook-id, webhook-timestamp or webhook-signature");
  }
  const now = options.now ?? Date.now() / 1000;
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? TOLERANCE_SECONDS)) {
    throw new WebhookVerificationError("the timestamp is outside the tolerance");
  }
  const expected = (await sign(payload, msgId, timestamp, secret)).slice(3);
  for (const candidate of signatures.split(" ")) {
    const [version, value] = candidate.split(",", 2);
    if (version === "v1" && same(value ?? "", expected)) {
      return JSON.parse(typeof payload === "string" ? payload : new TextDecoder().decode(payload));
    }
  }
  throw new WebhookVerificationError("no signature matches");
}
