// The console's only way to the server: /api/v1 with the session cookie, the CSRF token on every
// change, and problem+json errors turned into ApiError with their field-level messages.
import type { z } from 'zod';

export interface FieldError {
  /** `body.title`, `query.limit`... as the server names it. */
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly detail: string | undefined;
  readonly fields: FieldError[];
  readonly body: Record<string, unknown>;
  constructor(status: number, body: Record<string, unknown>) {
    const title = typeof body.title === 'string' ? body.title : `Request failed (${status})`;
    super(typeof body.detail === 'string' && body.detail ? body.detail : title);
    this.status = status;
    this.body = body;
    this.detail = typeof body.detail === 'string' ? body.detail : undefined;
    this.fields = Array.isArray(body.errors)
      ? (body.errors as unknown[]).flatMap((e) => {
          if (typeof e !== 'object' || e === null) return [];
          const { field, message } = e as { field?: unknown; message?: unknown };
          return typeof message === 'string' ? [{ field: String(field ?? ''), message }] : [];
        })
      : [];
  }
}

let csrfToken: string | null = null;
/** Set from GET /api/v1/session; sent back as X-CSRF-Token on every change. */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

type Listener = () => void;
const unauthenticatedListeners = new Set<Listener>();
/** Called when any request answers 401: the session expired or was ended elsewhere. */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  /** A file sent as it is (a CSV import) instead of a JSON body, with its media type. */
  file?: { type: string; data: Blob };
  headers?: Record<string, string>;
  /** Do not treat a 401 as an expired session (sign-in itself). */
  expectUnauthenticated?: boolean;
  /**
   * The answer index.html preloads: asked with credentials 'include', as a preload with
   * crossorigin="use-credentials" is, or the browser would not use it (the same cookies: the
   * API is on this origin).
   */
  preloaded?: boolean;
}

export async function request<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.file) headers['content-type'] = options.file.type;
  else if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: options.preloaded ? 'include' : 'same-origin',
    ...(options.file
      ? { body: options.file.data }
      : options.body !== undefined
        ? { body: JSON.stringify(options.body) }
        : {}),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { title: text.slice(0, 200) };
  }
  if (!response.ok) {
    if (response.status === 401 && !options.expectUnauthenticated)
      for (const listener of unauthenticatedListeners) listener();
    throw new ApiError(response.status, (body ?? {}) as Record<string, unknown>);
  }
  return body as T;
}

/** A GET whose answer is text, not JSON (a raw e-mail as received), read as text only. */
export async function requestText(path: string): Promise<string> {
  const response = await fetch(`/api/v1${path}`, {
    headers: { accept: 'text/plain' },
    credentials: 'same-origin',
  });
  const text = await response.text();
  if (!response.ok) {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { title: text.slice(0, 200) };
    }
    if (response.status === 401) for (const listener of unauthenticatedListeners) listener();
    throw new ApiError(response.status, body);
  }
  return text;
}

/** A typed GET against a shared response schema (types only: the server already validated). */
export function get<S extends z.ZodType>(path: string, _schema?: S): Promise<z.infer<S>> {
  return request<z.infer<S>>(path);
}

export const post = <T = unknown>(path: string, body?: unknown) =>
  request<T>(path, { method: 'POST', body: body ?? {} });
export const patch = <T = unknown>(path: string, body: unknown) =>
  request<T>(path, { method: 'PATCH', body });
export const del = <T = unknown>(path: string) => request<T>(path, { method: 'DELETE' });

/** Builds a query string from defined values only. */
export function query(params: Record<string, string | number | boolean | undefined | null>) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
