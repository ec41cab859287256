// model/labels.js: labels read from answers, typed or taken from a URL,
// checked against the server's limits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEY_MAX, VALUE_MAX, labelParam, labelProblem, parseLabel, readLabels, sameLabel } from '../../web/js/model/labels.js';

test('labels of an answer: sorted by key; what the server could not send is left out', () => {
  assert.deepEqual(readLabels({ service: 'api', branch: 'main', 'with space': 'x', n: 1, z: null }),
    [{ key: 'branch', value: 'main' }, { key: 'service', value: 'api' }]);
  for (const odd of [null, undefined, 'x', [], 5]) assert.deepEqual(readLabels(odd), []);
});

test('typed as key=value, in a URL as key:value: split at the first separator, trimmed', () => {
  assert.deepEqual(parseLabel(' branch = feature=x '), { key: 'branch', value: 'feature=x' });
  assert.deepEqual(parseLabel('url:http://x:8080', ':'), { key: 'url', value: 'http://x:8080' });
  assert.equal(parseLabel('no separator'), null);
  assert.equal(labelParam({ key: 'commit', value: 'a:b' }), 'commit:a:b');
  assert.ok(sameLabel({ key: 'a', value: '1' }, { key: 'a', value: '1' }));
  assert.ok(!sameLabel({ key: 'a', value: '1' }, { key: 'a', value: '2' }));
});

test('the limits the server enforces, said before asking it', () => {
  assert.equal(labelProblem({ key: 'branch', value: 'main' }), '');
  assert.equal(labelProblem({ key: 'k'.repeat(KEY_MAX), value: 'é'.repeat(VALUE_MAX / 2) }), '');
  assert.match(labelProblem({ key: '', value: 'v' }), /1 to 64/);
  assert.match(labelProblem({ key: 'k'.repeat(KEY_MAX + 1), value: 'v' }), /1 to 64/);
  assert.match(labelProblem({ key: 'bad key', value: 'v' }), /letters, digits/);
  assert.match(labelProblem({ key: 'k', value: '' }), /1 to 256 bytes/);
  assert.match(labelProblem({ key: 'k', value: 'é'.repeat(VALUE_MAX / 2 + 1) }), /1 to 256 bytes/, 'bytes, not characters');
  assert.match(labelProblem({ key: 'k', value: 'a\tb' }), /control/);
  assert.match(labelProblem({ key: 'k', value: 'a\u0085b' }), /control/);
});
