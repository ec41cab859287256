// What cProfile's names of built-in functions say: the module a built-in
// belongs to (its package, for layout/packages.js) and the short name the chart
// writes in its box.
//
// cProfile names a C function the way Python prints it, with file "~":
//   "<built-in method math.sin>"                        -> math.sin
//   "<built-in method builtins.exec>"                   -> exec
//   "<method 'append' of 'list' objects>"               -> list.append
//   "<method 'read' of '_io.BufferedReader' objects>"   -> BufferedReader.read
//   "<built-in method __new__ of type object at 0x…>"   -> type.__new__
//   "<time.sleep>", "<len>" (Python 2)                  -> time.sleep, len
// In a box of 80 px every one of the first kind used to read "<built-in
// method ma…": the part they all share is what fits.  The box shows what
// tells them apart; the hover panel, the table and the tooltip keep the
// name as the profile has it.  Functions of Python code (any file but "~")
// keep their names: those are what the programmer wrote.

// The module of a name "builtins" (or Python 2's "__builtin__") is every
// built-in's without one, so it is left out of a short name: "exec", not
// "builtins.exec".
const BUILTINS = /^(?:builtins|__builtin__)\./;

// { module, label } of a built-in's name: module 'builtins' when the name
// gives none (a method of a built-in type such as str, a Python 2 <len>).
export function builtinParts(name) {
  const inner = name.startsWith('<') && name.endsWith('>') ? name.slice(1, -1) : name;
  let m = /^method '([^']*)' of '([^']*)' objects$/.exec(inner);
  if (m) {
    const [, method, type] = m;
    return { module: moduleOf(type), label: `${type.slice(type.lastIndexOf('.') + 1)}.${method}` };
  }
  m = /^built-in method (\S+) of (\S+) object at 0x[0-9a-fA-F]+$/.exec(inner);
  if (m) return { module: 'builtins', label: `${m[2]}.${m[1]}` };
  m = /^built-in (?:method|function) ([\w.]+)$/.exec(inner) ?? /^([\w.]+)$/.exec(inner);
  if (m) return { module: moduleOf(m[1]), label: m[1].replace(BUILTINS, '') };
  return { module: 'builtins', label: name };
}

// The dotted name's parent: "_io.BufferedReader" -> "_io", "list" -> builtins.
function moduleOf(dotted) {
  const cut = dotted.lastIndexOf('.');
  return cut > 0 ? dotted.slice(0, cut) : 'builtins';
}

// The name a box shows for a function of `file` named `name`.  A module
// body is named by its module: under `python -m cProfile` a column of
// "<module>" boxes (the script, runpy's "<string>", every import) says
// nothing until it says which ("compileall <module>").
export function shortName(file, name) {
  if (file === '~') return builtinParts(name).label;
  if (file === '') return frameName(name);
  if (name === '<module>') {
    const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
    const stem = base.replace(/\.pyw?$/, '');
    if (stem === '__init__') {
      const dir = file.slice(0, file.length - base.length - 1);
      return `${dir.slice(Math.max(dir.lastIndexOf('/'), dir.lastIndexOf('\\')) + 1) || stem} <module>`;
    }
    return `${stem} <module>`;
  }
  return name;
}

// A folded stack's frame carries its place in its name, where the profiler
// that wrote it put one (austin: "file:function:line"; py-spy: "function
// (file:line)"): the box names the function, as for a pstats profile, and
// the hover panel and the table keep the whole frame.  A module body is
// named by its module, as shortName does.
function frameName(name) {
  const austin = /^(.+):([^:]+):\d+$/.exec(name);
  const pyspy = /^(.*?) \((.+):\d+\)$/.exec(name);
  const [file, fn] = austin ? [austin[1], austin[2]] : pyspy ? [pyspy[2], pyspy[1]] : ['', name];
  return file === '' ? name : shortName(file, fn);
}
