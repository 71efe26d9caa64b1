// fetch for the JSON API: same-origin cookie session, errors thrown as ApiError with the server's stable code.
import type { ApiErrorBody } from '../../../shared/api.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** status 0: the request never got an HTTP answer */
export const networkError = () => new ApiError(0, 'NETWORK', 'network error');

let onUnauthenticated: () => void = () => {};

/** The session layer registers what a 401 means (forget the user, show the login screen). */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

/** Also called by the XHR uploader, which does not go through apiFetch. */
export function reportUnauthenticated(): void {
  onUnauthenticated();
}

export function isApiErrorBody(body: unknown): body is ApiErrorBody {
  const error = (body as ApiErrorBody | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

export function errorFromResponse(status: number, body: unknown): ApiError {
  if (isApiErrorBody(body)) return new ApiError(status, body.error.code, body.error.message, body.error.details);
  // a proxy's HTML error page, or an empty body
  return new ApiError(status, 'HTTP', `HTTP ${status}`);
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  json?: unknown;
  /** a 401 is an answer here (wrong password), not an expired session */
  expect401?: boolean;
}

export async function apiFetch<T>(path: string, { method = 'GET', json, expect401 = false }: RequestOptions = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
  } catch {
    throw networkError();
  }
  const body: unknown = response.status === 204 ? undefined : await response.json().catch(() => undefined);
  if (response.ok) return body as T;
  if (response.status === 401 && !expect401) reportUnauthenticated();
  throw errorFromResponse(response.status, body);
}
