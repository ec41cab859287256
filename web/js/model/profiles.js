// Answers of GET /api/server and GET /api/profiles, for the index page,
// checked before use (see model/functions.js for why).

import { readLabels } from './labels.js';

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
      name: typeof p.name === 'string' ? p.name : '',
      writer: typeof p.writer === 'string' ? p.writer : '',
      size: isCount(p.size) ? p.size : null,
      loadedAt: typeof p.loaded_at === 'number' && Number.isFinite(p.loaded_at) ? p.loaded_at : null,
      totalTime: typeof p.total_tt === 'number' || typeof p.total_tt === 'string' ? p.total_tt : null,
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
