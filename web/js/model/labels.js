// Labels on profiles (docs/api.md, "Labels"): reading them from answers,
// and reading what a person types ("branch=main") or a URL holds
// ("branch:main") into { key, value }, checked against the server's limits
// so a mistake is said at once rather than after a round trip.  The server
// checks again; its word is final.

export const KEY_MAX = 64;          // bytes of [A-Za-z0-9_.-]
export const VALUE_MAX = 256;       // bytes of UTF-8, no control characters
export const LABELS_MAX = 32;       // per profile

const KEY = /^[A-Za-z0-9_.-]+$/;
// C0, DEL and C1 controls: the server refuses them in values.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const utf8 = new TextEncoder();

const byKey = (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

// {"key": "value", ...} of an answer as [{ key, value }] sorted by key;
// anything that is not a string pair the server could have sent is left out.
export function readLabels(json) {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return [];
  return Object.entries(json)
    .filter(([k, v]) => KEY.test(k) && typeof v === 'string')
    .map(([key, value]) => ({ key, value }))
    .sort(byKey);
}

// Why `label` would be refused, or '' when it is within the limits.
export function labelProblem({ key, value }) {
  if (key === '' || utf8.encode(key).length > KEY_MAX) return `A label's name is 1 to ${KEY_MAX} characters long.`;
  if (!KEY.test(key)) return `“${key}”: a label's name is letters, digits and _ . - only.`;
  const bytes = utf8.encode(value).length;
  if (bytes === 0 || bytes > VALUE_MAX) return `${key}: a value is 1 to ${VALUE_MAX} bytes long.`;
  if (CONTROL.test(value)) return `${key}: a value cannot hold control characters.`;
  return '';
}

// "key=value" (typed) or "key:value" (sep ':', a URL's label=): split at the
// first separator and trimmed around it; null when there is none.
export function parseLabel(text, sep = '=') {
  const s = String(text);
  const at = s.indexOf(sep);
  if (at < 0) return null;
  return { key: s.slice(0, at).trim(), value: s.slice(at + 1).trim() };
}

// The API's `label=` parameter for a label.
export const labelParam = ({ key, value }) => `${key}:${value}`;

export const sameLabel = (a, b) => a.key === b.key && a.value === b.value;
