// The only caller of fetch(): each endpoint of docs/api.md as a function
// that returns the parsed JSON, or throws an ApiError whose message a person
// can read.
//
// Why one module: the page must never show a blank screen, so every failure
// (server down, 4xx/5xx with {"error": ...}, a body that is not JSON, an
// answer of the wrong shape) has to become one kind of error that the UI
// prints.  An aborted request (the user zoomed again before the last answer
// came) is not an error to show: it throws an AbortError DOMException as
// fetch does, which the UI ignores (isAbort says which errors are that).
//
// A server started with --read-token guards reads, and --token guards
// uploads: the token, when the user gave one, is kept for the session
// (sessionStorage) and sent as `Authorization: Bearer`.

export class ApiError extends Error {
  constructor(status, message, { tokenSent = false } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;  // HTTP status, 0 when the server could not be reached
    // Whether the request carried a token: a 401 then means that token was
    // refused, not that one was missing.
    this.tokenSent = tokenSent;
  }
}

// Whether `error` is an aborted request's (fetch's AbortError), which no one
// is waiting for any more: never an error to show.
export function isAbort(error) {
  return error?.name === 'AbortError';
}

const TOKEN_KEY = 'profviz-token';

// fetchImpl and storage are injectable for tests; the page passes nothing.
export function createApi({ fetchImpl = globalThis.fetch.bind(globalThis), storage = globalThis.sessionStorage } = {}) {
  const token = () => storage?.getItem(TOKEN_KEY) ?? null;

  async function request(method, url, { body = null, headers = {}, signal } = {}) {
    const h = { ...headers };
    const t = token();
    if (t) h.Authorization = `Bearer ${t}`;
    let res;
    try {
      res = await fetchImpl(url, { method, body, headers: h, signal, cache: 'no-store' });
    } catch (e) {
      if (isAbort(e)) throw e;
      throw new ApiError(0, 'The profviz server does not answer: is it still running?');
    }
    if (res.status === 204) return null;
    let json = null;
    try {
      json = await res.json();
    } catch (e) {
      if (isAbort(e)) throw e;
      // json stays null: said below.
    }
    if (!res.ok) {
      const why = json !== null && typeof json === 'object' && typeof json.error === 'string'
        ? json.error : `HTTP ${res.status}`;
      if (res.status !== 401) throw new ApiError(res.status, why);
      // The server says the same either way; the page knows which it was.
      throw new ApiError(401, t ? `The token given was refused (the server says: ${why})`
        : `This server needs a token (the server says: ${why})`, { tokenSent: Boolean(t) });
    }
    if (json === null || typeof json !== 'object') throw new ApiError(res.status, `${url}: the server's answer is not JSON`);
    return json;
  }

  const get = (url, signal) => request('GET', url, { signal });
  const query = (params) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      // An array is a repeated parameter (label=a:1&label=b:2).
      if (Array.isArray(v)) for (const one of v) q.append(k, String(one));
      else if (v !== undefined && v !== null) q.set(k, String(v));
    }
    const s = q.toString();
    return s === '' ? '' : `?${s}`;
  };
  const profileUrl = (id) => `/api/profiles/${encodeURIComponent(String(id))}`;

  return {
    setToken(t) {
      if (t) storage?.setItem(TOKEN_KEY, t);
      else storage?.removeItem(TOKEN_KEY);
    },
    hasToken: () => token() !== null,

    server: (signal) => get('/api/server', signal),
    // params: q, label (an array of "key:value"), offset, limit
    profiles: (params, signal) => get(`/api/profiles${query(params ?? {})}`, signal),
    profile: (id, signal) => get(profileUrl(id), signal),
    // params: sort, order, q, offset, limit (docs/api.md)
    functions: (id, params, signal) => get(`${profileUrl(id)}/functions${query(params)}`, signal),
    func: (id, fid, signal) => get(`${profileUrl(id)}/functions/${encodeURIComponent(String(fid))}`, signal),
    // path: function ids from the top; depth; cutoff; base (a profile to
    // compare with, or null) and compare ('seconds' | 'share'); view
    // ('top', the default, is left out | 'inverted' | 'callers' |
    // 'callees'), fn (the function of callers and callees), t (transforms
    // in order, repeated)
    tree: (id, { path = [], depth, cutoff, base = null, compare, view = 'top', fn = null, t = [] }, signal) =>
      get(`${profileUrl(id)}/tree${query({
        path: path.length ? path.join(',') : undefined, depth, cutoff, base, compare: base === null ? undefined : compare,
        view: view === 'top' ? undefined : view, fn, t,
      })}`, signal),
    // Every package's share of the own time: { total, rows }.
    packages: (id, signal) => get(`${profileUrl(id)}/packages`, signal),
    // params: base, compare, sort (tottime | cumtime | calls), order, q, offset, limit
    diff: (id, params, signal) => get(`${profileUrl(id)}/diff${query(params)}`, signal),
    upload: (blob, name, signal) =>
      request('POST', `/api/profiles${query({ name })}`, { body: blob, signal }),
    remove: (id, signal) => request('DELETE', profileUrl(id), { signal }),
    // patch: { key: "value" } sets a label, { key: null } removes it
    editLabels: (id, patch, signal) => request('PATCH', `${profileUrl(id)}/labels`, {
      body: JSON.stringify(patch), headers: { 'Content-Type': 'application/json' }, signal,
    }),
  };
}
