// Calls from the browser to the VivroVert JSON API (/api/…).
//
// The server answers every failure as `{"error": {"code", "message", "field"?}}` with a
// stable machine-readable code and a French message for people (src/web/errors.hpp);
// apiFetch turns that into an ApiError. State-changing calls carry the CSRF token that
// the layout publishes in <meta name="csrf-token">.

export interface ApiErrorBody {
  code: string;
  message: string;
  field?: string;
}

export class ApiError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  readonly status: number;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.field = body.field;
  }
}

// Shown when the server's answer is not the documented error shape (a proxy's page, a
// network failure).
export const kUnreachableMessage = 'Le service est momentanément indisponible. Réessayez dans quelques instants.';

export function parseApiError(status: number, body: unknown): ApiError {
  const error = (body as { error?: Partial<ApiErrorBody> } | null)?.error;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(status, {
      code: error.code,
      message: error.message,
      field: typeof error.field === 'string' && error.field !== '' ? error.field : undefined,
    });
  }
  return new ApiError(status, { code: 'unavailable', message: kUnreachableMessage });
}

export function csrfToken(doc: Document): string {
  return doc.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  // Sent as JSON.
  body?: unknown;
  csrfToken?: string;
  signal?: AbortSignal;
}

// Calls `url` and resolves with its JSON body, or rejects with an ApiError.
export async function apiFetch<T>(url: string, request: ApiRequest = {}, fetcher: typeof fetch = fetch): Promise<T> {
  const method = request.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && request.csrfToken) headers['X-CSRF-Token'] = request.csrfToken;
  let response: Response;
  try {
    response = await fetcher(url, {
      method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      credentials: 'same-origin',
      signal: request.signal,
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw parseApiError(0, null);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw parseApiError(response.status, body);
  return body as T;
}
