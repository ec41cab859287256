// A small deterministic program for `node --cpu-prof` (make_fixtures.sh):
// a recursive function, a callback passed to Array.prototype.map, and an
// anonymous closure, each busy for long enough to be sampled.
'use strict';

function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

function square(x) {
  let s = 0;
  for (let i = 0; i < 20000; i++) s += (x * i) % 7;
  return s;
}

function main() {
  let total = 0;
  for (let round = 0; round < 6; round++) {
    total += fib(24);
    total += [1, 2, 3, 4, 5, 6, 7, 8].map(square).reduce((a, b) => a + b, 0);
    total += (() => {
      let t = 0;
      for (let i = 0; i < 300000; i++) t += Math.sqrt(i);
      return Math.floor(t);
    })();
  }
  return total;
}

console.log(main());
