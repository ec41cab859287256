"""recorder.py — the real call stacks of a profiled run, and cProfile's own
accounting of the same events.

A Recorder is a sys.setprofile hook.  It sees the events cProfile sees
(CPython 3.11: sys.setprofile and _lsprof are fed by the same profile
callbacks of the interpreter) and keeps:

  - the calling-context tree: one node per distinct stack, from the
    outermost profiled frame down to the call, with the inclusive time and
    the number of calls whose stack is exactly that node's;
  - _lsprof.c's accounting of the same events (lsprof_model.py), twice:
    with functions told apart as _lsprof tells them apart (code objects),
    to check the dump against, and with one function per pstats key, the
    profile the paths are consistent with (the two agree unless two code
    objects share a key).

THE CLOCK.  The recorder reads its clock, `now()`, exactly where _lsprof
calls its timer: when it enters a Python function ('call') or a built-in
('c_call' with a PyCFunction: _lsprof times nothing else), when a call it
entered ends ('return', 'c_return', 'c_exception' with a non-empty stack),
and once per open frame when Profile.disable() closes them
(flush_unmatched).  Given the same clock in both runs — a virtual clock
only the workload advances, or a counter advanced once per timer call —
both sum the same integer ticks.

FUNCTIONS as _lsprof tells them apart: a Python function is its code
object (id(), the object kept alive here as _lsprof's entry keeps it, so
no id is reused), a built-in is its PyMethodDef (m_ml, read with ctypes:
dict.fromkeys and OrderedDict.fromkeys are two entries with one label,
while every Type.__new__ shares one).  A built-in's label is that of the
first call seen, as _lsprof computes it once, when it creates the entry.

This module imports nothing but ctypes and lsprof_model: the subprocess
that runs a real program under the recorder loads it before profiling
starts, and every module loaded then is one the profiled program no longer
imports under the profiler.
"""
import ctypes

from lsprof_model import Accounting

# One tick of either clock is one millisecond of pstats time: _lsprof
# multiplies its integer sums by the timeunit once, when asked for stats,
# and lsprof_model.stats() does the same, so both hold the very same doubles.
UNIT = 1e-3

# _lsprof times a C call only when its callable is a PyCFunction
# (profiler_callback: PyCFunction_Check), the type of len.
_BUILTIN = type(len)
# PyCFunctionObject's first fields after the object header: m_ml, m_self.
_M_ML_OFFSET = object.__basicsize__
_M_SELF_OFFSET = _M_ML_OFFSET + ctypes.sizeof(ctypes.c_void_p)


def code_key(code):
    """pstats' key of a Python function."""
    return (code.co_filename, code.co_firstlineno, code.co_name)


def c_label(fn):
    """The label _lsprof.c's normalizeUserObj() gives a C function, with
    unaddressed() applied.  It reads m_self itself: Python's __self__ says
    None for a static method (str.maketrans), whose m_self is its type."""
    name = fn.__name__
    m_self = ctypes.c_void_p.from_address(id(fn) + _M_SELF_OFFSET).value
    if m_self is None:  # a plain built-in function
        mod = fn.__module__
        if not isinstance(mod, str):
            mod = getattr(mod, '__name__', None)
        if mod is not None and mod != 'builtins':
            return '<%s.%s>' % (mod, name)
        return '<%s>' % name
    self = ctypes.cast(m_self, ctypes.py_object).value
    for cls in type(self).__mro__:
        if name in cls.__dict__:
            return unaddressed(repr(cls.__dict__[name]))
    mod = fn.__module__
    if isinstance(mod, str):
        return '<built-in method %s.%s>' % (mod, name)
    return '<built-in method %s>' % name


def unaddressed(label):
    """A C function's label with " at 0x..." for the address some hold
    ("<built-in method __new__ of type object at 0x7f...>": the repr of a
    method of a type), which differs between two processes."""
    at = label.find(' at 0x')
    while at >= 0:
        end = at + 6
        while end < len(label) and label[end] in '0123456789abcdefABCDEF':
            end += 1
        if end > at + 6:
            label = label[:at] + ' at 0x...' + label[end:]
        at = label.find(' at 0x', at + 6)
    return label


class Recorder:
    """The sys.setprofile hook.  `off_self` is the profiler object whose
    disable() ends the run (its c_call is the last event); `now` is the
    clock."""

    def __init__(self, off_self, now):
        self.off_self = off_self
        self.now = now
        self.stack = []            # [function, key, t0, subt, node]
        self.nodes = []            # node -> [parent node or -1, key, ticks, calls]
        self.child = {}            # (parent node, key) -> node
        self.keys = {}             # function (see FUNCTIONS) -> pstats key
        self.codes = []            # the code objects seen, kept alive
        self.by_code = Accounting()  # functions as _lsprof tells them apart
        self.by_key = Accounting()   # the same events, a function per pstats key
        self.done = False

    def __call__(self, frame, event, arg):
        if self.done:
            return
        if event == 'call':
            code = frame.f_code
            fn = id(code)
            key = self.keys.get(fn)
            if key is None:
                key = self.keys[fn] = code_key(code)
                self.codes.append(code)
            self._enter(fn, key)
        elif event == 'return':
            if self.stack:  # frames entered before profiling began are not seen
                self._leave()
        elif isinstance(arg, _BUILTIN):  # c_call, c_return, c_exception
            if event == 'c_call':
                fn = ctypes.c_void_p.from_address(id(arg) + _M_ML_OFFSET).value
                key = self.keys.get(fn)
                if key is None:
                    key = self.keys[fn] = ('~', 0, c_label(arg))
                self._enter(fn, key)
                if arg.__self__ is self.off_self and arg.__name__ == 'disable':
                    # Profile.disable() closes every open frame (flush_unmatched).
                    while self.stack:
                        self._leave()
                    self.done = True
            elif self.stack:
                self._leave()

    def _enter(self, fn, key):
        parent, caller_fn, caller_key = -1, None, None
        if self.stack:
            caller_fn, caller_key, _, _, parent = self.stack[-1]
        self.by_code.enter(fn, caller_fn)
        self.by_key.enter(key, caller_key)
        node = self.child.get((parent, key))
        if node is None:
            node = self.child[(parent, key)] = len(self.nodes)
            self.nodes.append([parent, key, 0, 0])
        self.stack.append([fn, key, self.now(), 0, node])

    def _leave(self):
        fn, key, t0, subt, node = self.stack.pop()
        tt = self.now() - t0
        it = tt - subt
        caller_fn = caller_key = None
        if self.stack:
            top = self.stack[-1]
            top[3] += tt
            caller_fn, caller_key = top[0], top[1]
        self.by_code.leave(fn, caller_fn, tt, it)
        self.by_key.leave(key, caller_key, tt, it)
        n = self.nodes[node]
        n[2] += tt
        n[3] += 1

    def result(self):
        """What the run found, as plain data (for marshal): "by_code" and
        "by_key" (Accounting.state()), "keys" (function of by_code -> pstats
        key), "nodes" (the calling-context tree, a parent before its
        children), "total_ticks" (every function's own time summed)."""
        return {'by_code': self.by_code.state(), 'by_key': self.by_key.state(),
                'keys': dict(self.keys),
                'nodes': [tuple(n) for n in self.nodes],
                'total_ticks': sum(e[2] for e in self.by_key.entries.values())}


def stacks(nodes):
    """{stack as a tuple of keys, outermost first: [ticks, calls]} of
    result()["nodes"]."""
    out = {}
    full = []
    for parent, key, ticks, calls in nodes:
        p = (full[parent] if parent >= 0 else ()) + (key,)
        full.append(p)
        out[p] = [ticks, calls]
    return out
