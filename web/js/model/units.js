// What a profile's numbers measure, from the summary's `unit`,
// `calls_unit`, `variant` and `choices` (docs/api.md, GET /api/profiles/{id}).
//
// Every figure the API sends (tt, ct, self, total, time, lo, hi, total_tt)
// is in the profile's own `unit`, exactly as the file has it: seconds for
// pstats, samples for folded stacks, microseconds for a .cpuprofile, a
// speedscope file's declared unit, a callgrind event name ("Ir", "Ticks",
// "Time_(10ns)").  The page converts nothing on the way in; it only needs
// to know, when it writes a figure, whether it is a time (and how many
// seconds one unit is), a byte count, or a count of something named.
//
// A summary without these fields is a pstats profile from before they
// existed: seconds and calls.

// Seconds per unit of the time units a reader may report.
const SECONDS_PER = Object.freeze({
  seconds: 1, milliseconds: 1e-3, microseconds: 1e-6, nanoseconds: 1e-9,
});

// Longest unit name kept: an event name is data from the file, and a header
// is no place for a paragraph.
const MAX_UNIT_CHARS = 64;

// kind: 'time' (written as a duration; seconds: seconds per unit), 'bytes',
// 'count' (samples, or speedscope's unitless "none" weights) or 'event' (a
// callgrind event: a count named by the event).
function classify(unit) {
  if (Object.hasOwn(SECONDS_PER, unit)) return { kind: 'time', seconds: SECONDS_PER[unit] };
  if (unit === 'bytes') return { kind: 'bytes', seconds: 0 };
  if (unit === 'samples' || unit === 'none') return { kind: 'count', seconds: 0 };
  return { kind: 'event', seconds: 0 };
}

const text = (v) => (typeof v === 'string' && v !== '' ? v.slice(0, MAX_UNIT_CHARS) : '');

// { unit, callsUnit ('calls' | 'samples'), variant, choices, kind, seconds },
// frozen.  Anything malformed reads as the pstats default: a damaged answer
// shows seconds as before rather than inventing a unit.
export function readUnits(json) {
  const unit = text(json?.unit) || 'seconds';
  const callsUnit = json?.calls_unit === 'samples' ? 'samples' : 'calls';
  const variant = typeof json?.variant === 'string' ? json.variant : '';
  const choices = Array.isArray(json?.choices) ? json.choices.filter((c) => typeof c === 'string' && c !== '') : [];
  return Object.freeze({ unit, callsUnit, variant, choices: Object.freeze(choices), ...classify(unit) });
}

// What every pstats profile measures.
export const PSTATS_UNITS = readUnits(null);

// Whether figures in `units` are pstats' own: seconds counted per call.
// Such a profile reads exactly as Python's pstats prints it.
export function isPstatsUnits(units) {
  return units.unit === 'seconds' && units.callsUnit === 'calls';
}

// The word a figure in `units` is followed by where it stands alone ("1,234
// samples", "5,000,000 Ir"): '' for times and bytes, which carry their own
// ("12.3 ms", "4.0 KiB"), and for unitless weights.
export function unitWord(units) {
  if (units.kind === 'count') return units.unit === 'samples' ? 'samples' : '';
  return units.kind === 'event' ? units.unit : '';
}

// The unit named in a column header: "samples", "Ir", "bytes", "µs"...;
// '' for unitless weights.
export function headerUnit(units) {
  if (units.kind === 'bytes') return 'bytes';
  if (units.kind === 'time') return units.unit;
  return unitWord(units);
}
