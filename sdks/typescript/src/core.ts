// The hand-written core under the generated resources: requests, retries, envelopes, pages, casing.

export const ENVIRONMENTS: Record<string, string> = {
  production: "https://api.propertymgmt.com",
  sandbox: "https://api-sandbox.propertymgmt.com",
};
export const VERSION = "1.0.0";
// Retried: rate limited, and the answers that say "try again" (a gateway or a dependency away).
const RETRY_STATUSES = new Set([429, 502, 503, 504]);

export interface Page<T> {
  data: T[];
  /** `meta.pagination` in camelCase: `page`, `pageSize`, `totalCount`, `hasNext` (ticketing: `currentPage`, `perPage`, `total`). */
  pagination: Record<string, unknown>;
  hasNext: boolean;
}

export class PropertyManagementError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string | null,
    readonly body?: unknown,
  ) {
    super(`${status} ${code}: ${message}`);
    this.name = "PropertyManagementError";
  }
}

export interface TransportOptions {
  baseUrl: string;
  apiKey?: string;
  organizationId?: string;
  maxRetries: number;
  backoffMs: number;
  timeoutMs: number;
  fetch: typeof fetch;
}

export interface CallOptions {
  query?: Record<string, unknown>;
  body?: unknown;
  form?: FormData;
  kind?: string;
  idempotencyKey?: string;
}

/** `postalCode` → `postal_code`. */
export function toSnake(text: string): string {
  return text.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
}

/** `postal_code` → `postalCode`. */
export function toCamel(text: string): string {
  return text.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Object keys renamed at every depth (the values are left alone). */
export function mapKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapKeys(item, rename));
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [rename(k), mapKeys(v, rename)]));
  }
  return value;
}

function wire(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function retryAfter(response: Response): number | null {
  const value = response.headers.get("retry-after");
  if (!value) return null;
  const seconds = Number(value);
  if (!Number.isNaN(seconds)) return Math.max(0, seconds * 1000);
  const when = Date.parse(value);
  return Number.isNaN(when) ? null : Math.max(0, when - Date.now());
}

export class Transport {
  constructor(readonly options: TransportOptions) {}

  private headers(method: string, idempotencyKey: string | undefined, json: boolean): Record<string, string> {
    const headers: Record<string, string> = { Accept: "application/json", "User-Agent": `propertymgmt-js/${VERSION}` };
    // API keys and access tokens are both bearer credentials
    if (this.options.apiKey) headers.Authorization = `Bearer ${this.options.apiKey}`;
    if (this.options.organizationId) headers["X-Organization-ID"] = this.options.organizationId;
    // one key per call, the same on every retry: the API runs the request once
    if (method === "POST") headers["Idempotency-Key"] = idempotencyKey ?? crypto.randomUUID();
    if (json) headers["Content-Type"] = "application/json";
    return headers;
  }

  private delay(attempt: number, response: Response | null): number | null {
    if (attempt >= this.options.maxRetries) return null;
    if (response && !RETRY_STATUSES.has(response.status)) return null;
    const after = response ? retryAfter(response) : null;
    if (after !== null) return after;
    return this.options.backoffMs * 2 ** attempt * (0.5 + Math.random() / 2);
  }

  async request(method: string, path: string, options: CallOptions = {}): Promise<unknown> {
    const url = new URL(this.options.baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, wire(value));
    }
    const json = options.body !== undefined && options.form === undefined && method !== "GET" && method !== "DELETE";
    const headers = this.headers(method, options.idempotencyKey, json);
    const body = options.form ?? (json ? JSON.stringify(mapKeys(options.body, toSnake)) : undefined);
    for (let attempt = 0; ; attempt++) {
      let response: Response | null = null;
      let failure: unknown = null;
      try {
        response = await this.options.fetch(url, {
          method,
          headers,
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (error) {
        failure = error;
      }
      const wait = this.delay(attempt, response);
      if (wait === null) {
        if (response === null) throw new PropertyManagementError(0, "CONNECTION_ERROR", String(failure));
        return this.outcome(response, options.kind ?? "data");
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private async outcome(response: Response, kind: string): Promise<unknown> {
    const requestId = response.headers.get("x-request-id");
    if (response.status >= 400) {
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      const error = (body as { error?: { code?: string; message?: string; details?: unknown } })?.error;
      if (error && typeof error === "object") {
        throw new PropertyManagementError(
          response.status, String(error.code ?? "HTTP_ERROR"), String(error.message ?? ""), error.details, requestId, body,
        );
      }
      throw new PropertyManagementError(response.status, "HTTP_ERROR", `HTTP ${response.status}`, undefined, requestId, body);
    }
    if (kind === "none" || response.status === 204) return undefined;
    // a file download is bytes whatever the document says its answer is
    if (kind === "bytes" || !(response.headers.get("content-type") ?? "json").includes("json")) {
      return new Uint8Array(await response.arrayBuffer());
    }
    const body = mapKeys(await response.json(), toCamel) as { data?: unknown; meta?: { pagination?: Record<string, unknown> } };
    if (kind === "raw") {
      // an answer the document does not describe: unwrapped when it is an envelope all the same
      const enveloped = body !== null && typeof body === "object" && "data" in body && ("success" in body || "status" in body);
      return enveloped ? body.data : body;
    }
    if (kind === "page") {
      const pagination = body.meta?.pagination ?? {};
      const hasNext =
        "hasNext" in pagination
          ? Boolean(pagination.hasNext)
          : Number(pagination.currentPage ?? 1) < Number(pagination.totalPages ?? 1);
      return { data: body.data as unknown[], pagination, hasNext };
    }
    return body.data;
  }
}

export class Resource {
  constructor(protected readonly transport: Transport) {}

  protected call(method: string, path: string, options: CallOptions): Promise<unknown> {
    return this.transport.request(method, path, options);
  }

  protected async *iterateAll(method: string, path: string, options: CallOptions): AsyncIterable<unknown> {
    for (let page = 1; ; page++) {
      const result = (await this.transport.request(method, path, {
        ...options,
        query: { ...options.query, page },
        kind: "page",
      })) as Page<unknown>;
      yield* result.data;
      if (!result.hasNext || result.data.length === 0) return;
    }
  }
}
