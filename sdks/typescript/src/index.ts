// `@propertymgmt/js-sdk`: the pmsaas property-management API from Node 20 (fetch, no dependencies).
import { ENVIRONMENTS, Transport } from "./core.js";
import { Namespaces } from "./resources.js";

export { ENVIRONMENTS, PropertyManagementError, VERSION, mapKeys, toCamel, toSnake } from "./core.js";
export type { Page } from "./core.js";
export * from "./models.js";
export { WebhookVerificationError, sign as signWebhook, verify as verifyWebhook } from "./webhooks.js";

export interface SDKOptions {
  /** An API key (`pmk_…`) or an access token, sent as a bearer credential. */
  apiKey?: string;
  /** `"production"`, `"sandbox"` or a base URL (`"http://127.0.0.1:8000"`). */
  environment?: string;
  baseUrl?: string;
  /** Sent as `X-Organization-ID`, to work in another organization of the user. */
  organizationId?: string;
  timeoutMs?: number;
  /** 429, 502, 503, 504 and lost connections are retried, after `Retry-After` when given. */
  maxRetries?: number;
  backoffMs?: number;
  fetch?: typeof fetch;
}

function baseUrlOf(options: SDKOptions): string {
  if (options.baseUrl) return options.baseUrl.replace(/\/$/, "");
  const environment = options.environment ?? "production";
  if (environment in ENVIRONMENTS) return ENVIRONMENTS[environment];
  if (/^https?:\/\//.test(environment)) return environment.replace(/\/$/, "");
  throw new Error(`environment is 'production', 'sandbox' or a base URL, not '${environment}'`);
}

/** The API: `await sdk.properties.list({ page: 1, pageSize: 20 })`. Field names are camelCase. */
export class PropertyManagementSDK extends Namespaces {
  readonly baseUrl: string;

  constructor(options: SDKOptions = {}) {
    const baseUrl = baseUrlOf(options);
    super(
      new Transport({
        baseUrl,
        apiKey: options.apiKey,
        organizationId: options.organizationId,
        maxRetries: options.maxRetries ?? 3,
        backoffMs: options.backoffMs ?? 500,
        timeoutMs: options.timeoutMs ?? 30_000,
        fetch: options.fetch ?? globalThis.fetch,
      }),
    );
    this.baseUrl = baseUrl;
  }
}
