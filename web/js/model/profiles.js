// Answers of GET /api/server and GET /api/profiles, for the index page,
// checked before use (see model/functions.js for why).

import { readLabels } from './labels.js';
import { readUnits } from './units.js';

// Which tokens the server wants.  Anything but the documented words reads as
// the cautious choice for each: no upload is offered unless uploads are said
// to be open, and no token is asked for reads unless said (a 401 asks anyway).
export function readServer(json) {
  return {
    reads: json?.reads === 'token' ? 'token' : 'open',
    uploads: json?.uploads === 'open' ? 'open' : 'token',
  };
}

const isCount = (v) => Number.isSafeInteger(v) && v >= 0;
const textOf = (v) => (typeof v === 'string' ? v : '');
const figureOf = (v) => (typeof v === 'number' || typeof v === 'string' ? v : null);

// How a profile's call paths are known, from its `format` and `tree`:
// 'recorded' (profviz record wrote every path), 'stacks' (a sampled or
// event format: the file's own stacks, exact), 'inferred' (pstats and
// callgrind: calls per caller, paths estimated where the file does not
// prove them).
export function pathsOf(format, tree) {
  if (tree !== 'recorded') return 'inferred';
  return format === '' || format === 'pstats' ? 'recorded' : 'stacks';
}

// GET /api/profiles/{id}: the figures and words the profile page shows.  A
// missing format is pstats (what every profile was before there were
// others); missing units are pstats' (model/units.js).
export function readSummary(json) {
  const format = textOf(json?.format) || 'pstats';
  return {
    name: textOf(json?.name),
    format,
    writer: textOf(json?.writer),
    paths: pathsOf(format, json?.tree),
    units: readUnits(json),
    functions: isCount(json?.n_funcs) ? json.n_funcs : null,
    calls: isCount(json?.total_calls) ? json.total_calls : null,
    total: figureOf(json?.total_tt),
  };
}

// The stored profiles, newest first.  An entry without a usable id cannot be
// linked to and is left out; a missing figure is null (shown blank).
export function readProfiles(json) {
  if (!(json !== null && typeof json === 'object' && Array.isArray(json.profiles))) {
    throw new TypeError('The server\'s answer is not a list of profiles');
  }
  return json.profiles
    .filter((p) => p !== null && typeof p === 'object' && Number.isSafeInteger(p.id) && p.id > 0)
    .map((p) => ({
      id: p.id,
      name: textOf(p.name),
      format: textOf(p.format) || 'pstats',
      writer: textOf(p.writer),
      units: readUnits(p),
      size: isCount(p.size) ? p.size : null,
      loadedAt: typeof p.loaded_at === 'number' && Number.isFinite(p.loaded_at) ? p.loaded_at : null,
      totalTime: figureOf(p.total_tt),
      functions: isCount(p.n_funcs) ? p.n_funcs : null,
      labels: readLabels(p.labels),
    }))
    // Ids are never reused, so a larger one was stored later.
    .sort((a, b) => (b.loadedAt ?? -Infinity) - (a.loadedAt ?? -Infinity) || b.id - a.id);
}

// One page of a listing: its profiles and how many match in all (the
// page's own count when the server did not say).
export function readProfilePage(json) {
  const profiles = readProfiles(json);
  return { profiles, total: isCount(json.total) ? Math.max(json.total, profiles.length) : profiles.length };
}

// The API refuses a display name over 255 bytes of UTF-8 or with a control
// character; a file's own name may be either (any byte but / and NUL is
// allowed on Linux), and refusing the upload for it would be silly.
const MAX_NAME_BYTES = 255;
const utf8 = new TextEncoder();

export function uploadName(fileName) {
  let name = '';
  let bytes = 0;
  // Whole code points, so a cut never splits a character.
  for (const ch of String(fileName).replace(/[\x00-\x1f\x7f]/g, '_')) {
    bytes += utf8.encode(ch).length;
    if (bytes > MAX_NAME_BYTES) break;
    name += ch;
  }
  return name;
}
