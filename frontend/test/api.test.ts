import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ApiError, apiFetch, kUnreachableMessage, parseApiError } from '../src/api';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

test('parseApiError keeps the server code, field and French message', () => {
  const error = parseApiError(400, { error: { code: 'invalid_argument', message: 'Adresse e-mail invalide.', field: 'email' } });
  assert.equal(error.status, 400);
  assert.equal(error.code, 'invalid_argument');
  assert.equal(error.field, 'email');
  assert.equal(error.message, 'Adresse e-mail invalide.');
});

test('parseApiError treats an empty field as no field', () => {
  assert.equal(parseApiError(409, { error: { code: 'already_exists', message: 'Déjà là.', field: '' } }).field, undefined);
});

test('parseApiError falls back to a generic French message for undocumented bodies', () => {
  for (const body of [null, '<html>Bad Gateway</html>', { error: 'boom' }, { error: { code: 7 } }]) {
    const error = parseApiError(502, body);
    assert.equal(error.code, 'unavailable');
    assert.equal(error.message, kUnreachableMessage);
  }
});

test('apiFetch sends JSON with the CSRF token on state-changing calls', async () => {
  let seen: { url: string; init: RequestInit } | undefined;
  const fetcher = (async (url: string, init: RequestInit) => {
    seen = { url, init };
    return jsonResponse(201, { id: 12 });
  }) as unknown as typeof fetch;
  const result = await apiFetch<{ id: number }>('/api/recherches', { method: 'POST', body: { rayon: 5 }, csrfToken: 'jeton' }, fetcher);
  assert.deepEqual(result, { id: 12 });
  const headers = seen!.init.headers as Record<string, string>;
  assert.equal(seen!.init.method, 'POST');
  assert.equal(headers['X-CSRF-Token'], 'jeton');
  assert.equal(headers['Content-Type'], 'application/json');
  assert.equal(seen!.init.body, '{"rayon":5}');
  assert.equal(seen!.init.credentials, 'same-origin');
});

test('apiFetch does not send the CSRF token on GET', async () => {
  let headers: Record<string, string> = {};
  const fetcher = (async (_url: string, init: RequestInit) => {
    headers = init.headers as Record<string, string>;
    return jsonResponse(200, []);
  }) as unknown as typeof fetch;
  await apiFetch('/api/criteres', { csrfToken: 'jeton' }, fetcher);
  assert.equal(headers['X-CSRF-Token'], undefined);
  assert.equal(headers.Accept, 'application/json');
});

test('apiFetch rejects with the server error', async () => {
  const fetcher = (async () => jsonResponse(403, { error: { code: 'permission_denied', message: 'Accès refusé.' } })) as unknown as typeof fetch;
  await assert.rejects(apiFetch('/api/x', { method: 'DELETE' }, fetcher), (error: unknown) => {
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 403);
    assert.equal(error.code, 'permission_denied');
    return true;
  });
});

test('apiFetch turns a network failure into an unavailable ApiError', async () => {
  const fetcher = (async () => {
    throw new TypeError('fetch failed');
  }) as unknown as typeof fetch;
  await assert.rejects(apiFetch('/api/x', {}, fetcher), (error: unknown) => error instanceof ApiError && error.code === 'unavailable' && error.status === 0);
});
