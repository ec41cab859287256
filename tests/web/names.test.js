// layout/names.js: what a built-in's name says, and the short name a box
// shows for it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinParts, shortName } from '../../web/js/layout/names.js';

test('built-ins are named by what tells them apart', () => {
  const cases = [
    ['<built-in method math.sin>', 'math.sin', 'math'],
    ['<built-in method math.cos>', 'math.cos', 'math'],
    ['<built-in method builtins.exec>', 'exec', 'builtins'],
    ['<built-in method builtins.len>', 'len', 'builtins'],
    ['<built-in method posix.stat>', 'posix.stat', 'posix'],
    ['<built-in method _abc._abc_subclasscheck>', '_abc._abc_subclasscheck', '_abc'],
    ["<method 'append' of 'list' objects>", 'list.append', 'builtins'],
    ["<method 'read' of '_io.BufferedReader' objects>", 'BufferedReader.read', '_io'],
    ["<method 'disable' of '_lsprof.Profiler' objects>", 'Profiler.disable', '_lsprof'],
    ['<built-in method __new__ of type object at 0x7f9b3065ea00>', 'type.__new__', 'builtins'],
    ['<built-in function len>', 'len', 'builtins'],
    ['<built-in method fromkeys>', 'fromkeys', 'builtins'],
    // Python 2's names.
    ['<time.sleep>', 'time.sleep', 'time'],
    ['<len>', 'len', 'builtins'],
    ['<__builtin__.len>', 'len', '__builtin__'],
  ];
  for (const [name, label, module] of cases) {
    assert.deepEqual(builtinParts(name), { label, module }, name);
    assert.equal(shortName('~', name), label, name);
  }
});

test('a module body is named by its module', () => {
  assert.equal(shortName('/usr/lib/python3.11/compileall.py', '<module>'), 'compileall <module>');
  assert.equal(shortName('<string>', '<module>'), '<string> <module>');
  assert.equal(shortName('<frozen ntpath>', '<module>'), '<frozen ntpath> <module>');
  // Folded stacks' frames: the function their name gives, module bodies by module.
  assert.equal(shortName('', '<frozen importlib._bootstrap>:_find_and_load:1007'), '_find_and_load');
  assert.equal(shortName('', '/srv/app/jobs.py:<module>:1'), 'jobs <module>');
  assert.equal(shortName('', 'work (app/jobs.py:12)'), 'work');
  assert.equal(shortName('', '<module> (/srv/app/main.py:3)'), 'main <module>');
  assert.equal(shortName('', 'io/netty/channel/nio/NioEventLoop:.run_[j]'), 'io/netty/channel/nio/NioEventLoop:.run_[j]');
  assert.equal(shortName('', 'std::vector<int>::at'), 'std::vector<int>::at');
  assert.equal(shortName('', 'P6360'), 'P6360');
  assert.equal(shortName('/usr/lib/python3.11/json/__init__.py', '<module>'), 'json <module>');
  assert.equal(shortName('C:\\app\\main.pyw', '<module>'), 'main <module>');
});

test('names of Python code, and names no rule knows, are kept as they are', () => {
  for (const name of ['<lambda>', 'build_report', '<built-in method math.sin>', '']) {
    assert.equal(shortName('slow.py', name), name, 'a file of Python code');
  }
  for (const name of ['</script><img src=x onerror=alert(1)>', '', 'plain words', "<method 'x' of 'y'>", '<built-in method a b>']) {
    assert.equal(shortName('~', name), name, JSON.stringify(name));
    assert.equal(builtinParts(name).module, 'builtins');
  }
});
