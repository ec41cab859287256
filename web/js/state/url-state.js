// The shareable part of the UI state, to and from the page's URL.
//
//   /p/3?v=1&view=sunburst&root=9,6&depth=5&cutoff=0&q=parse&sort=tottime&order=asc
//
//   path /p/ID   profile id (a positive integer; "/" alone: no profile)
//   v            URL format version, always written; only 1 exists
//   view         icicle | sunburst                              default icicle
//   root         zoom root: function ids from the top, comma-separated
//                (the API's `path`)                             default none
//   depth        levels below the zoom root: 3 5 10 15 20       default 10
//   cutoff       merge boxes under this share of the root: 0.001 0.01 0
//                                                               default 0.001
//   q            search text                                    default none
//   sort, order  table column (the API's `sort` values) and asc | desc
//                                     default cumtime, and its usual order
//   base         compare with this profile (an id, as in /p/ID) default none
//   compare      seconds | share: compare times, or shares of each
//                profile's total (only with base)           default seconds
//   inverted     1: the bottom-up chart (the API's view=inverted)
//                                                               default off
//   fn           a function id: the sandwich around it (its callers above,
//                the API's view=callers, its callees below, view=callees;
//                root is then the callees' zoom path below it) default none
//   t            a transform of the top-down tree, repeated, applied in
//                order (the API's `t`): focus:FID merge:FID collapse:PKG
//                drop:ID,ID,... mycode                      default none
//   group        package: colour by package, the table by package
//                                                               default function
//
// Why so strict: a URL is typed, pasted, truncated and forged by anyone, and
// it reaches the API.  Each value is checked on its own and a bad one falls
// back to its default, so a damaged link still opens the profile; unknown
// keys are ignored so that later versions may add some.  Defaults are left
// out of the URL to keep it short, and parseUrlState(formatUrlState(s))
// gives s back for every state parseUrlState can return.
//
// Pure: no window, no history.  Reading location and calling pushState (zoom,
// so Back un-zooms) or replaceState (sort, search) is the UI's job.

export const VIEWS = Object.freeze(['icicle', 'sunburst']);
export const DEPTHS = Object.freeze([3, 5, 10, 15, 20]);
// The cutoffs the page offers, in the order the toolbar lists them, and
// how it names them.
export const CUTOFFS = Object.freeze([0.001, 0.01, 0]);
export const CUTOFF_LABELS = new Map([[0.001, '1/1000'], [0.01, '1/100'], [0, 'none']]);

// The cutoff one step finer than `cutoff` (what a click on a "(N smaller)"
// box sets, so that the boxes it stands for are drawn), or null when there
// is none finer.
export function finerCutoff(cutoff) {
  const finer = CUTOFFS.filter((c) => c < cutoff);
  return finer.length === 0 ? null : Math.max(...finer);
}
export const SORTS = Object.freeze(['name', 'file', 'line', 'calls', 'pcalls', 'tottime', 'cumtime', 'tpercall', 'cpercall']);
// What a comparison compares (the API's `compare`), and the sorts of its
// table (the API's /diff `sort`: |Δ tottime|, |Δ cumtime|, Δ calls).
export const COMPARES = Object.freeze(['seconds', 'share']);
export const DIFF_SORTS = Object.freeze(['tottime', 'cumtime', 'calls']);

// The API's limit on its `q` parameter, in UTF-8 bytes.
const MAX_SEARCH_BYTES = 1024;
// A path longer than this is no zoom a person made; it would make the URL
// (and the request built from it) huge.
const MAX_ROOT_STEPS = 512;

export const DEFAULT_STATE = Object.freeze({
  profile: null,
  view: 'icicle',
  root: Object.freeze([]),
  depth: 10,
  cutoff: 0.001,
  search: '',
  sort: 'cumtime',
  order: 'desc',
  base: null,
  compare: 'seconds',
  inverted: false,
  sandwich: null,
  transforms: Object.freeze([]),
  group: 'function',
});

export const GROUPS = Object.freeze(['function', 'package']);
// More transforms than this is no stack a person built, and each one is a
// query parameter (the API takes 64 in all).
export const MAX_TRANSFORMS = 32;
// A package name longer than this is no package (the API's `q` limit is
// larger; a collapse names one package).
const MAX_PACKAGE_BYTES = 256;

// As the API orders by default: names and places A to Z, figures largest first.
export function defaultOrder(sort) {
  return sort === 'name' || sort === 'file' || sort === 'line' ? 'asc' : 'desc';
}

export function parseUrlState(search, pathname = '/') {
  const profile = parseProfile(pathname);
  const params = new URLSearchParams(typeof search === 'string' ? search : '');
  const version = params.get('v');
  if (version !== null && version !== '1') {
    // A format this page does not know: keep the profile, not a guess at the rest.
    return { ...DEFAULT_STATE, profile, root: [] };
  }
  const sort = oneOf(SORTS, params.get('sort'), DEFAULT_STATE.sort);
  const base = parseId(params.get('base'));
  return {
    profile,
    view: oneOf(VIEWS, params.get('view'), DEFAULT_STATE.view),
    root: parseRoot(params.get('root')),
    depth: oneOf(DEPTHS, params.get('depth'), DEFAULT_STATE.depth),
    cutoff: oneOf(CUTOFFS, params.get('cutoff'), DEFAULT_STATE.cutoff),
    search: parseSearch(params.get('q')),
    sort,
    order: oneOf(['asc', 'desc'], params.get('order'), defaultOrder(sort)),
    base,
    compare: base === null ? DEFAULT_STATE.compare : oneOf(COMPARES, params.get('compare'), DEFAULT_STATE.compare),
    inverted: params.get('inverted') === '1',
    sandwich: parseFid(params.get('fn')),
    transforms: parseTransforms(params.getAll('t')),
    group: oneOf(GROUPS, params.get('group'), DEFAULT_STATE.group),
  };
}

// The URL (path and query) of a state.
export function formatUrlState(state) {
  const path = state.profile === null ? '/' : `/p/${state.profile}`;
  return `${path}?${formatUrlQuery(state)}`;
}

// The query alone ("v=1&view=sunburst"), without "?": what a report opened
// from disk keeps in its URL's fragment, its path being the file's.
export function formatUrlQuery(state) {
  const query = ['v=1'];
  const put = (key, value, fallback) => {
    if (value !== fallback) query.push(`${key}=${encodeURIComponent(wellFormed(String(value)))}`);
  };
  put('view', state.view, DEFAULT_STATE.view);
  if (state.root.length > 0) query.push(`root=${state.root.map((id) => encodeURIComponent(String(id))).join(',')}`);
  put('depth', state.depth, DEFAULT_STATE.depth);
  put('cutoff', state.cutoff, DEFAULT_STATE.cutoff);
  put('q', state.search, DEFAULT_STATE.search);
  put('sort', state.sort, DEFAULT_STATE.sort);
  put('order', state.order, defaultOrder(state.sort));
  if (state.base !== null) {
    query.push(`base=${state.base}`);
    put('compare', state.compare, DEFAULT_STATE.compare);
  }
  if (state.inverted) query.push('inverted=1');
  if (state.sandwich !== null) query.push(`fn=${state.sandwich}`);
  for (const t of state.transforms) query.push(`t=${encodeURIComponent(wellFormed(t))}`);
  put('group', state.group, DEFAULT_STATE.group);
  return query.join('&');
}

// Only the written form of an allowed value is accepted ("10", not "1e1" or
// " 10"), and the allowed value itself is returned.
function oneOf(allowed, text, fallback) {
  const found = allowed.find((value) => String(value) === text);
  return found === undefined ? fallback : found;
}

function parseProfile(pathname) {
  const m = typeof pathname === 'string' ? /^\/p\/([0-9]{1,16})$/.exec(pathname) : null;
  return m ? parseId(m[1]) : null;
}

// A profile id as the URL writes it: digits only, a positive safe integer.
function parseId(text) {
  const id = typeof text === 'string' && /^[0-9]{1,16}$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

// Function ids are 0 .. n-1, so anything else is not a path.  An id may
// come back further down (recursion, exec under exec: root=3,7,3,9), so
// repeats are kept as they are.
function parseRoot(text) {
  if (text === null || text === '') return [];
  const parts = text.split(',');
  if (parts.length > MAX_ROOT_STEPS || !parts.every((p) => /^[0-9]{1,16}$/.test(p))) return [];
  const ids = parts.map(Number);
  return ids.every(Number.isSafeInteger) ? ids : [];
}

function parseFid(text) {
  const id = typeof text === 'string' && /^[0-9]{1,16}$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(id) ? id : null;
}

// The transform `text` as the API spells it, or null when it is none.
export function parseTransform(text) {
  if (text === 'mycode') return text;
  const m = /^(focus|merge|collapse|drop):(.+)$/s.exec(text);
  if (!m) return null;
  const [, kind, arg] = m;
  if (kind === 'focus' || kind === 'merge') return parseFid(arg) === null ? null : text;
  if (kind === 'drop') return parseRoot(arg).length > 0 ? text : null;
  // A package is data from the profile: any text but control characters.
  const ok = new TextEncoder().encode(arg).length <= MAX_PACKAGE_BYTES && !/[\u0000-\u001f\u007f-\u009f]/.test(arg);
  return ok ? text : null;
}

// A stack in which one transform is damaged is dropped whole: the ones
// after it were made on the tree it left, so without it they would mean
// other boxes (a drop's path above all).
function parseTransforms(values) {
  if (values.length > MAX_TRANSFORMS) return [];
  const out = values.map(parseTransform);
  return out.includes(null) ? [] : out;
}

function parseSearch(text) {
  if (text === null || new TextEncoder().encode(text).length > MAX_SEARCH_BYTES) return '';
  return text;
}

// encodeURIComponent throws on a lone surrogate, which a search may hold: a
// file name that was not UTF-8 reaches the page with its bytes as lone
// surrogates (docs/api.md).  A URL cannot carry them, so they become U+FFFD.
function wellFormed(s) {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
