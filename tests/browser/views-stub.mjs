// A stand-in for the server side of the inverted chart, the sandwich, the
// transforms and the packages (docs/api.md), for running views.test.mjs
// against a server that predates them: PV_VIEWS_STUB=1.  It answers from
// the real server's function endpoint, in the contract's box JSON: the
// levels past the first are shared out by calls (estimates, exact: false),
// `focus` roots the callees of the function under (all), and the other
// transforms are echoed and not applied.  Without PV_VIEWS_STUB the test
// talks to the real server, which is the test that counts.

import { packageOf } from '../../web/js/layout/packages.js';

export const STUB = process.env.PV_VIEWS_STUB === '1';

// Answers the page's new requests in `page` (puppeteer) from `origin`.
// refuse: answer 400 to every request with view= or t= (an older server);
// else answer them as the contract does.
export async function installStub(page, origin, { refuse = false } = {}) {
  const cache = new Map();
  const get = async (p) => {
    if (!cache.has(p)) cache.set(p, fetch(origin + p).then((r) => r.json()));
    return cache.get(p);
  };
  await page.setRequestInterception(true);
  page.on('request', async (req) => {
    const url = new URL(req.url());
    const m = /^\/api\/profiles\/(\d+)\/(tree|packages)$/.exec(url.pathname);
    const view = url.searchParams.get('view');
    const t = url.searchParams.getAll('t');
    if (!m || (m[2] === 'tree' && view === null && t.length === 0)) {
      req.continue();
      return;
    }
    const reply = (status, body) => req.respond({ status, contentType: 'application/json', body: JSON.stringify(body) });
    if (refuse) {
      reply(400, { error: `unknown parameter "${view !== null ? 'view' : 't'}"` });
      return;
    }
    try {
      reply(200, m[2] === 'packages' ? await packages(get, m[1]) : await tree(get, m[1], url.searchParams));
    } catch (e) {
      reply(500, { error: String(e) });
    }
  });
}

async function packages(get, id) {
  const rows = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await get(`/api/profiles/${id}/functions?limit=1000&offset=${offset}`);
    rows.push(...page.rows);
    if (rows.length >= page.total) break;
  }
  const by = new Map();
  for (const r of rows) {
    const p = packageOf(r.file, r.name);
    const s = by.get(p) ?? { package: p, functions: 0, calls: 0, tt: 0 };
    s.functions += 1;
    s.calls += r.nc;
    s.tt += r.tt;
    by.set(p, s);
  }
  const total = rows.reduce((a, r) => a + r.tt, 0);
  return { total, rows: [...by.values()].map((s) => ({ ...s, share: s.tt / total })).sort((a, b) => b.tt - a.tt) };
}

async function tree(get, id, params) {
  const view = params.get('view') ?? 'top';
  const t = params.getAll('t');
  const fn = params.has('fn') ? Number(params.get('fn')) : null;
  const depth = Math.min(4, Number(params.get('depth') ?? 10));
  const cutoff = Number(params.get('cutoff') ?? 0.001);
  const path = params.get('path') ? params.get('path').split(',').map(Number) : [];
  const func = (f) => get(`/api/profiles/${id}/functions/${f}`);
  const summary = await get(`/api/profiles/${id}`);
  const box = (f, time, exact) => ({
    id: f.id, name: f.name, file: f.file, line: f.line, time, self: 0, calls: f.nc, calls_exact: exact, exact,
    lo: exact ? time : 0, hi: time, n_merged: 0, children: [], more: false,
  });
  // The boxes under `b` (a function's box worth `b.time`): up (callers)
  // or down (callees), the first level exact when `firstExact`.
  const grow = async (b, up, level, left, min, exactEdge) => {
    if (b.id === null || left === 0) return b;
    const f = await func(b.id);
    const edges = up ? f.callers : f.callees;
    const scale = f.ct > 0 ? b.time / f.ct : 0;
    for (const e of edges) {
      const time = exactEdge ? (up && view === 'inverted' ? e.tt : e.ct) : e.ct * scale;
      if (!(time >= min) || time <= 0) continue;
      b.children.push(await grow(box(e, Math.min(time, b.time), exactEdge), up, level + 1, left - 1, min, false));
    }
    b.children.sort((x, y) => y.time - x.time);
    b.self = Math.max(0, b.time - b.children.reduce((a, c) => a + c.time, 0));
    return b;
  };
  let root;
  if (view === 'inverted') {
    const top = await get(`/api/profiles/${id}/functions?sort=tottime&limit=60`);
    const total = summary.total_tt;
    root = { ...box({ id: null, name: '(all)', file: '', line: 0, nc: 0 }, total, true) };
    for (const r of top.rows.filter((x) => x.tt >= cutoff * total)) root.children.push(await grow(box(r, r.tt, true), true, 1, depth - 1, cutoff * total, true));
  } else if (view === 'callers' || view === 'callees') {
    const f = await func(fn);
    root = await grow(box(f, f.ct, true), view === 'callers', 0, depth, cutoff * f.ct, true);
  } else {
    const focus = t.find((x) => x.startsWith('focus:'));
    if (focus) {
      const f = await func(Number(focus.slice(6)));
      root = { ...box({ id: null, name: '(all)', file: '', line: 0, nc: 0 }, f.ct, true) };
      root.children.push(await grow(box(f, f.ct, true), false, 1, depth - 1, cutoff * f.ct, true));
    } else {
      const real = await get(`/api/profiles/${id}/tree?depth=${params.get('depth') ?? 10}&cutoff=${cutoff}${params.get('path') ? `&path=${params.get('path')}` : ''}`);
      return { ...real, view, transforms: t };
    }
  }
  // Walk to the path asked for.
  const steps = [];
  let at = root;
  for (const step of path.slice(view === 'callers' || view === 'callees' ? 1 : 0)) {
    at = at.children.find((c) => c.id === step);
    if (!at) throw new Error(`no step ${step}`);
    steps.push({ ...at, children: undefined });
  }
  const pathBoxes = view === 'callers' || view === 'callees' ? (path.length ? [{ ...root, children: undefined }, ...steps] : []) : steps;
  return { path: pathBoxes, root: at, capped: false, view, transforms: t };
}
