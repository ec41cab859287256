// model/api.js: URLs built from parameters, errors made readable, tokens sent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, createApi } from '../../web/js/model/api.js';

function fakeFetch(answer) {
  const seen = [];
  const f = async (url, init) => {
    seen.push({ url, init });
    return answer(url, init);
  };
  f.seen = seen;
  return f;
}

const json = (status, body) => ({ status, ok: status >= 200 && status < 300, json: async () => body });

function memoryStorage() {
  const m = new Map();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => m.set(k, v), removeItem: (k) => m.delete(k) };
}

test('parameters become the documented query strings', async () => {
  const fetchImpl = fakeFetch(() => json(200, {}));
  const api = createApi({ fetchImpl, storage: memoryStorage() });
  await api.tree(3, { path: [9, 0], depth: 5, cutoff: 0.01 });
  await api.tree(3, { path: [], depth: 10, cutoff: 0 });
  await api.functions(3, { sort: 'tottime', order: 'asc', q: 'a&b=c', offset: 100, limit: 50 });
  await api.func(3, 7);
  await api.upload(new Uint8Array([1]), 'my file.prof');
  await api.profiles({ q: 'a b', label: ['service:api', 'branch:a&b'], offset: 50, limit: 50 });
  await api.editLabels(3, { branch: 'main', old: null });
  assert.deepEqual(fetchImpl.seen.map((s) => s.url), [
    '/api/profiles/3/tree?path=9%2C0&depth=5&cutoff=0.01',
    '/api/profiles/3/tree?depth=10&cutoff=0',
    '/api/profiles/3/functions?sort=tottime&order=asc&q=a%26b%3Dc&offset=100&limit=50',
    '/api/profiles/3/functions/7',
    '/api/profiles?name=my+file.prof',
    '/api/profiles?q=a+b&label=service%3Aapi&label=branch%3Aa%26b&offset=50&limit=50',
    '/api/profiles/3/labels',
  ]);
  assert.equal(fetchImpl.seen[4].init.method, 'POST');
  assert.equal(fetchImpl.seen[6].init.method, 'PATCH');
  assert.deepEqual(JSON.parse(fetchImpl.seen[6].init.body), { branch: 'main', old: null });
});

test("the server's error message is what the error says", async () => {
  const api = createApi({ fetchImpl: fakeFetch(() => json(400, { error: 'byte 4121: truncated dict' })), storage: memoryStorage() });
  await assert.rejects(api.upload(new Uint8Array([1]), 'x'), (e) => e instanceof ApiError && e.status === 400 && e.message === 'byte 4121: truncated dict');
});

test('a non-JSON answer, a dead server and a 401 are each explained', async () => {
  const notJson = createApi({ fetchImpl: fakeFetch(() => ({ status: 502, ok: false, json: async () => { throw new SyntaxError('x'); } })), storage: memoryStorage() });
  await assert.rejects(notJson.profiles(), (e) => e.status === 502 && e.message === 'HTTP 502');
  const dead = createApi({ fetchImpl: async () => { throw new TypeError('Failed to fetch'); }, storage: memoryStorage() });
  await assert.rejects(dead.profiles(), (e) => e.status === 0 && /does not answer/.test(e.message));
  const guarded = createApi({ fetchImpl: fakeFetch(() => json(401, { error: 'reading profiles needs a token' })), storage: memoryStorage() });
  await assert.rejects(guarded.profiles(), (e) => e.status === 401 && /needs a token/.test(e.message));
  const okButNotObject = createApi({ fetchImpl: fakeFetch(() => json(200, 'text')), storage: memoryStorage() });
  await assert.rejects(okButNotObject.profiles(), (e) => e instanceof ApiError && /not JSON/.test(e.message));
});

test('an aborted request stays an AbortError for the caller to ignore', async () => {
  const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
  const api = createApi({ fetchImpl: async () => { throw abort; }, storage: memoryStorage() });
  await assert.rejects(api.profiles(), (e) => e === abort);
});

test('a token given once is sent as a bearer token until it is cleared', async () => {
  const fetchImpl = fakeFetch(() => json(204, null));
  const api = createApi({ fetchImpl, storage: memoryStorage() });
  await api.remove(2);
  api.setToken('s3cret');
  assert.equal(api.hasToken(), true);
  await api.remove(2);
  api.setToken('');
  await api.remove(2);
  assert.deepEqual(fetchImpl.seen.map((s) => s.init.headers.Authorization), [undefined, 'Bearer s3cret', undefined]);
});

test('a 401 says whether a token was missing or the one sent was refused', async () => {
  const storage = memoryStorage();
  const api = createApi({ fetchImpl: fakeFetch(() => json(401, { error: "reading profiles needs 'Authorization: Bearer TOKEN'" })), storage });
  await assert.rejects(api.profiles(), (e) => e.status === 401 && e.tokenSent === false
    && e.message === "This server needs a token (the server says: reading profiles needs 'Authorization: Bearer TOKEN')");
  api.setToken('wrong');
  await assert.rejects(api.profiles(), (e) => e.status === 401 && e.tokenSent === true
    && e.message === "The token given was refused (the server says: reading profiles needs 'Authorization: Bearer TOKEN')");
  const other = createApi({ fetchImpl: fakeFetch(() => json(404, { error: 'no such profile' })), storage });
  await assert.rejects(other.profile(3), (e) => e.status === 404 && e.tokenSent === false && e.message === 'no such profile');
});

test('isAbort: an aborted request\'s error, and nothing else', async () => {
  const { isAbort } = await import('../../web/js/model/api.js');
  assert.equal(isAbort(Object.assign(new Error('aborted'), { name: 'AbortError' })), true);
  const controller = new AbortController();
  controller.abort();
  assert.equal(isAbort(controller.signal.reason), true, 'what fetch rejects with when its signal aborts');
  for (const other of [new Error('x'), new TypeError('failed to fetch'), null, undefined, 'AbortError', { name: 'ApiError' }]) {
    assert.equal(isAbort(other), false, String(other));
  }
});
