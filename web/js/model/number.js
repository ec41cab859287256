// Numbers as the JSON API sends them (docs/api.md, "Numbers are exact").
//
// Times are JSON numbers, except that a NaN or infinite time in the profile
// arrives as the string "nan", "inf" or "-inf" (JSON has no such numbers).
// Anything else that is not a number (null, an object, another string) comes
// from a damaged or foreign answer and reads as NaN, so that it can never pass
// for a real value: NaN fails every `> 0` test the layouts make.

export function apiNumber(value) {
  if (typeof value === 'number') return value;
  if (value === 'inf') return Infinity;
  if (value === '-inf') return -Infinity;
  return NaN;
}
