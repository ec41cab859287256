/* profviz_recorder.c — `_profviz_recorder`, the profiler `profviz record` runs.
 *
 * It does what CPython's _lsprof does (the pstats dict it gives is cProfile's
 * for the same events, computed the same way: one entry per code object or
 * PyMethodDef, one sub-entry per caller/callee pair, recursion levels, the
 * timer read where _lsprof reads it), and on the same events it keeps the
 * calling-context tree: one node per distinct call path with its calls, own
 * and inclusive time (docs/recorded-tree.md).  A call costs one hash lookup
 * more than in _lsprof: (parent node, function) -> node.
 *
 * Ownership: a Recorder owns the functions it has seen (a strong reference to
 * each code object, a label string for each built-in), the tree, and the
 * list of its ThreadRecs.  A ThreadRec (one per profiled thread: the `obj` of
 * that thread's PyEval_SetProfile before 3.12, the thread's binding in
 * thread-specific storage from 3.12 on, where the recorder is a
 * sys.monitoring tool as _lsprof is) owns its own accounting and stack, and
 * points back to its Recorder without a reference: the Recorder clears that
 * pointer when it dies, and a thread still hooked then records nothing.
 * Every callback runs with the GIL held, which is what serialises threads.
 *
 * Threads started after enable() are recorded through threading.setprofile(),
 * so enable() imports threading (before recording starts).
 *
 * Built with `cc -shared -fPIC -I<python include> -O2` for CPython 3.8..3.13.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>
#include <marshal.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#define PV_RECORDER_VERSION "1"
#define PV_TRAILER_MAGIC "\x89PVTREE\n"
#define PV_OVERFLOW_LABEL "<paths past the cap>"
#define PV_NONE UINT32_MAX

/* From 3.12 on, _lsprof listens to sys.monitoring; the old profile hook
 * still works there, but through a shim that costs ~1.6x cProfile's time,
 * so the recorder listens to sys.monitoring too, to the same events. */
#define PV_MONITORING (PY_VERSION_HEX >= 0x030C0000)

/* ---- an open-addressing map: nonzero uint64 key -> uint32 value ------------ */

typedef struct {
    uint64_t *keys; /* 0 = empty slot */
    uint32_t *vals;
    size_t cap;     /* a power of two, or 0 */
    size_t n;
} pv_map;

static size_t pv_slot(const pv_map *m, uint64_t key)
{
    size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & (m->cap - 1);
    while (m->keys[i] != 0 && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static uint32_t pv_map_get(const pv_map *m, uint64_t key)
{
    if (m->cap == 0)
        return PV_NONE;
    size_t i = pv_slot(m, key);
    return m->keys[i] == key ? m->vals[i] : PV_NONE;
}

/* Adds key -> val (key must be absent).  Returns -1 when out of memory. */
static int pv_map_put(pv_map *m, uint64_t key, uint32_t val)
{
    if ((m->n + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 64;
        uint64_t *nk = PyMem_Calloc(ncap, sizeof *nk);
        uint32_t *nv = PyMem_Malloc(ncap * sizeof *nv);
        if (nk == NULL || nv == NULL) {
            PyMem_Free(nk);
            PyMem_Free(nv);
            return -1;
        }
        pv_map old = *m;
        m->keys = nk;
        m->vals = nv;
        m->cap = ncap;
        for (size_t i = 0; i < old.cap; i++) {
            if (old.keys[i] != 0) {
                size_t j = pv_slot(m, old.keys[i]);
                m->keys[j] = old.keys[i];
                m->vals[j] = old.vals[i];
            }
        }
        PyMem_Free(old.keys);
        PyMem_Free(old.vals);
    }
    size_t i = pv_slot(m, key);
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
    return 0;
}

static void pv_map_free(pv_map *m)
{
    PyMem_Free(m->keys);
    PyMem_Free(m->vals);
    memset(m, 0, sizeof *m);
}

/* Grows *arr (elements of `size` bytes, *cap of them) to hold `need`. */
static int pv_grow(void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need)
        ncap *= 2;
    void *p = PyMem_Realloc(*arr, ncap * size);
    if (p == NULL)
        return -1;
    memset((char *)p + *cap * size, 0, (ncap - *cap) * size);
    *arr = p;
    *cap = ncap;
    return 0;
}

/* ---- the types ------------------------------------------------------------ */

/* _lsprof's figures of an entry or sub-entry, in timer ticks. */
typedef struct {
    int64_t ct;     /* total time of the outermost activations */
    int64_t tt;     /* own time of all activations */
    long nc;        /* calls */
    long reccalls;  /* calls made while another one was active */
    long level;     /* activations now open */
} pv_acct;

typedef struct {
    void *ptr;      /* the code object or PyMethodDef: what _lsprof keys on */
    PyObject *obj;  /* the code object, or a built-in's label (owned) */
    uint32_t key;   /* index in Recorder.keys */
    uint32_t order; /* creation order: _lsprof allocates entries one by one */
} pv_func;

typedef struct {
    uint32_t parent; /* node index, PV_NONE at the top */
    uint32_t key;
    int64_t calls, tt, ct;
} pv_node;

/* An open call: _lsprof's ProfilerContext plus the node. */
typedef struct {
    int64_t t0, subt;
    uint32_t func, node;
    int adds_ct; /* 0 for a call folded into its parent's overflow node */
} pv_ctx;

typedef struct RecorderObject RecorderObject;

typedef struct {
    PyObject_HEAD
    RecorderObject *rec;     /* borrowed; NULL once the Recorder is gone */
    unsigned long ident;     /* the thread's id */
    pv_acct *ent;            /* per function index */
    size_t ent_cap;
    pv_map sub_map;          /* (caller func + 1) << 32 | callee func -> sub index */
    pv_acct *sub;
    uint64_t *sub_pair;      /* the key of each sub-entry */
    size_t sub_n, sub_cap;
    pv_ctx *stack;
    size_t depth, stack_cap;
    int used;                /* recorded a call */
} ThreadRec;

struct RecorderObject {
    PyObject_HEAD
    PyObject *timer;         /* NULL: the monotonic clock in ns */
    double timeunit;
    int builtins;
    int enabled;
    int warned;
    size_t max_paths;
    pv_map func_map;         /* ptr -> func index */
    pv_func *funcs;
    size_t nfuncs, funcs_cap;
    PyObject *keys;          /* list of (file, line, name) */
    PyObject *key_index;     /* dict key -> index */
    uint32_t overflow_key;   /* PV_NONE until needed */
    pv_map node_map;         /* (parent + 1) << 32 | key -> node */
    pv_node *nodes;
    size_t nnodes, nodes_cap, npaths;
    PyObject *threads;       /* list of ThreadRec */
    int hooked_threading;
#if PV_MONITORING
    uint64_t serial;         /* tells this Recorder's thread bindings apart */
    PyObject *missing;       /* sys.monitoring.MISSING */
#endif
};

static PyTypeObject RecorderType, ThreadRecType, HookType;

/* ---- the timer -------------------------------------------------------------- */

static int64_t pv_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* As _lsprof's CallExternalTimer: an int in timeunits, or float seconds kept
 * as integer nanoseconds (rounded down).  The exception being raised by the
 * profiled code, if any, is kept aside while the timer runs. */
static int64_t pv_now(RecorderObject *r)
{
    if (r->timer == NULL)
        return pv_monotonic_ns();
    PyObject *et, *ev, *tb;
    PyErr_Fetch(&et, &ev, &tb);
    int64_t t = 0;
    PyObject *o = PyObject_CallObject(r->timer, NULL);
    if (o != NULL) {
        if (r->timeunit > 0.0) {
            t = PyLong_AsLongLong(o);
        } else if (PyFloat_Check(o)) {
            t = (int64_t)floor(PyFloat_AsDouble(o) * 1e9);
        } else {
            t = PyLong_AsLongLong(o) * 1000000000;
        }
        Py_DECREF(o);
    }
    if (PyErr_Occurred()) {
        PyErr_WriteUnraisable(r->timer);
        t = 0;
    }
    PyErr_Restore(et, ev, tb);
    return t;
}

/* ---- functions and their pstats keys ------------------------------------------ */

/* The label _lsprof's normalizeUserObj() gives a built-in (a new str). */
static PyObject *pv_builtin_label(PyObject *obj)
{
    PyCFunctionObject *fn = (PyCFunctionObject *)obj;
    if (fn->m_self == NULL) {
        PyObject *mod = fn->m_module, *modname = NULL;
        if (mod != NULL) {
            if (PyUnicode_Check(mod)) {
                modname = mod;
                Py_INCREF(modname);
            } else if (PyModule_Check(mod)) {
                modname = PyModule_GetNameObject(mod);
                if (modname == NULL)
                    PyErr_Clear();
            }
        }
        if (modname != NULL) {
            if (PyUnicode_CompareWithASCIIString(modname, "builtins") != 0) {
                PyObject *res = PyUnicode_FromFormat("<%U.%s>", modname, fn->m_ml->ml_name);
                Py_DECREF(modname);
                return res;
            }
            Py_DECREF(modname);
        }
        return PyUnicode_FromFormat("<%s>", fn->m_ml->ml_name);
    }
    PyObject *name = PyUnicode_FromString(fn->m_ml->ml_name);
    if (name != NULL) {
        PyObject *mo = _PyType_Lookup(Py_TYPE(fn->m_self), name);
        Py_XINCREF(mo);
        Py_DECREF(name);
        if (mo != NULL) {
            PyObject *res = PyObject_Repr(mo);
            Py_DECREF(mo);
            if (res != NULL)
                return res;
        }
    }
    PyErr_Clear();
    if (fn->m_module != NULL && PyUnicode_Check(fn->m_module))
        return PyUnicode_FromFormat("<built-in method %S.%s>", fn->m_module, fn->m_ml->ml_name);
    return PyUnicode_FromFormat("<built-in method %s>", fn->m_ml->ml_name);
}

/* The index of pstats key `key` (a new tuple, consumed), added if new. */
static uint32_t pv_key_index(RecorderObject *r, PyObject *key)
{
    if (key == NULL)
        return PV_NONE;
    PyObject *idx = PyDict_GetItemWithError(r->key_index, key);
    uint32_t out = PV_NONE;
    if (idx != NULL) {
        out = (uint32_t)PyLong_AsUnsignedLong(idx);
    } else if (!PyErr_Occurred()) {
        PyObject *n = PyLong_FromSsize_t(PyList_GET_SIZE(r->keys));
        if (n != NULL && PyDict_SetItem(r->key_index, key, n) == 0 && PyList_Append(r->keys, key) == 0)
            out = (uint32_t)(PyList_GET_SIZE(r->keys) - 1);
        Py_XDECREF(n);
    }
    Py_DECREF(key);
    return out;
}

static PyObject *pv_func_key(PyObject *obj)
{
    if (PyUnicode_Check(obj))
        return Py_BuildValue("(siO)", "~", 0, obj);
    PyCodeObject *code = (PyCodeObject *)obj;
    return Py_BuildValue("(OiO)", code->co_filename, code->co_firstlineno, code->co_name);
}

/* The function index of ptr, created from userObj on first sight (as
 * _lsprof's newProfilerEntry).  PV_NONE on failure (error cleared). */
static uint32_t pv_func_of(RecorderObject *r, void *ptr, PyObject *user)
{
    uint32_t fi = pv_map_get(&r->func_map, (uint64_t)(uintptr_t)ptr);
    if (fi != PV_NONE)
        return fi;
    PyObject *obj;
    if (PyCFunction_Check(user)) {
        obj = pv_builtin_label(user);
    } else {
        obj = user;
        Py_INCREF(obj);
    }
    if (obj == NULL)
        goto fail;
    uint32_t key = pv_key_index(r, pv_func_key(obj));
    if (key == PV_NONE || pv_grow((void **)&r->funcs, &r->funcs_cap, r->nfuncs + 1, sizeof *r->funcs) < 0 ||
        pv_map_put(&r->func_map, (uint64_t)(uintptr_t)ptr, (uint32_t)r->nfuncs) < 0) {
        Py_DECREF(obj);
        goto fail;
    }
    pv_func *f = &r->funcs[r->nfuncs];
    f->ptr = ptr;
    f->obj = obj;
    f->key = key;
    f->order = (uint32_t)r->nfuncs;
    return (uint32_t)r->nfuncs++;
fail:
    PyErr_Clear();
    return PV_NONE;
}

/* ---- the tree ------------------------------------------------------------------ */

static uint32_t pv_new_node(RecorderObject *r, uint32_t parent, uint32_t key)
{
    uint64_t mk = ((uint64_t)(parent + 1) << 32) | key;
    if (pv_grow((void **)&r->nodes, &r->nodes_cap, r->nnodes + 1, sizeof *r->nodes) < 0 ||
        pv_map_put(&r->node_map, mk + 1, (uint32_t)r->nnodes) < 0)
        return PV_NONE;
    pv_node *n = &r->nodes[r->nnodes];
    n->parent = parent;
    n->key = key;
    return (uint32_t)r->nnodes++;
}

/* The node of a call of `key` below `parent`; *adds_ct says whether the
 * call's inclusive time is the node's to add (not when the call is folded
 * into the overflow node its caller is already in). */
static uint32_t pv_node_of(RecorderObject *r, uint32_t parent, uint32_t key, int *adds_ct)
{
    *adds_ct = 1;
    if (parent != PV_NONE && r->nodes[parent].key == r->overflow_key) {
        *adds_ct = 0;
        return parent;
    }
    uint32_t node = pv_map_get(&r->node_map, (((uint64_t)(parent + 1) << 32) | key) + 1);
    if (node != PV_NONE)
        return node;
    if (r->npaths < r->max_paths) {
        r->npaths++;
        return pv_new_node(r, parent, key);
    }
    if (r->overflow_key == PV_NONE) {
        r->overflow_key = pv_key_index(r, Py_BuildValue("(sis)", "~", 0, PV_OVERFLOW_LABEL));
        if (r->overflow_key == PV_NONE) {
            PyErr_Clear();
            return PV_NONE;
        }
    }
    if (!r->warned) {
        r->warned = 1;
        fprintf(stderr, "profviz record: more than %zu distinct call paths; the calls on further new paths "
                        "are counted in \"%s\" nodes\n", r->max_paths, PV_OVERFLOW_LABEL);
        fflush(stderr);
    }
    node = pv_map_get(&r->node_map, (((uint64_t)(parent + 1) << 32) | r->overflow_key) + 1);
    return node != PV_NONE ? node : pv_new_node(r, parent, r->overflow_key);
}

/* ---- _lsprof's accounting ---------------------------------------------------------- */

static pv_acct *pv_entry(ThreadRec *t, uint32_t fi)
{
    if (pv_grow((void **)&t->ent, &t->ent_cap, (size_t)fi + 1, sizeof *t->ent) < 0)
        return NULL;
    return &t->ent[fi];
}

/* The sub-entry caller -> callee; created when `create`, else NULL if absent. */
static pv_acct *pv_subentry(ThreadRec *t, uint32_t caller, uint32_t callee, int create)
{
    uint64_t k = ((uint64_t)(caller + 1) << 32) | callee;
    uint32_t si = pv_map_get(&t->sub_map, k);
    if (si != PV_NONE)
        return &t->sub[si];
    if (!create)
        return NULL;
    if (pv_grow((void **)&t->sub, &t->sub_cap, t->sub_n + 1, sizeof *t->sub) < 0)
        return NULL;
    size_t pair_cap = t->sub_cap;
    uint64_t *pairs = PyMem_Realloc(t->sub_pair, pair_cap * sizeof *pairs);
    if (pairs == NULL)
        return NULL;
    t->sub_pair = pairs;
    if (pv_map_put(&t->sub_map, k, (uint32_t)t->sub_n) < 0)
        return NULL;
    t->sub_pair[t->sub_n] = k;
    return &t->sub[t->sub_n++];
}

static void pv_acct_stop(pv_acct *a, int64_t tt, int64_t it)
{
    if (--a->level == 0)
        a->ct += tt;
    else
        a->reccalls++;
    a->tt += it;
    a->nc++;
}

static void pv_enter(ThreadRec *t, void *ptr, PyObject *user)
{
    RecorderObject *r = t->rec;
    uint32_t fi = pv_func_of(r, ptr, user);
    pv_acct *e = fi == PV_NONE ? NULL : pv_entry(t, fi);
    if (e == NULL || pv_grow((void **)&t->stack, &t->stack_cap, t->depth + 1, sizeof *t->stack) < 0)
        return;
    pv_ctx *prev = t->depth ? &t->stack[t->depth - 1] : NULL;
    int adds_ct;
    uint32_t node = pv_node_of(r, prev ? prev->node : PV_NONE, r->funcs[fi].key, &adds_ct);
    if (node == PV_NONE)
        return;
    e->level++;
    if (prev != NULL) {
        pv_acct *s = pv_subentry(t, prev->func, fi, 1);
        if (s != NULL)
            s->level++;
    }
    pv_ctx *c = &t->stack[t->depth++];
    c->func = fi;
    c->node = node;
    c->adds_ct = adds_ct;
    c->subt = 0;
    t->used = 1;
    c->t0 = pv_now(r);
}

/* _lsprof's Stop(): the top call ends, accounted to function fi. */
static void pv_stop(ThreadRec *t, uint32_t fi)
{
    pv_ctx *c = &t->stack[t->depth - 1];
    int64_t tt = pv_now(t->rec) - c->t0;
    int64_t it = tt - c->subt;
    pv_ctx *prev = t->depth > 1 ? c - 1 : NULL;
    if (prev != NULL)
        prev->subt += tt;
    t->depth--;
    pv_acct *e = pv_entry(t, fi);
    if (e != NULL)
        pv_acct_stop(e, tt, it);
    if (prev != NULL) {
        pv_acct *s = pv_subentry(t, prev->func, fi, 0);
        if (s != NULL)
            pv_acct_stop(s, tt, it);
    }
    pv_node *n = &t->rec->nodes[c->node];
    n->calls++;
    n->tt += it;
    if (c->adds_ct)
        n->ct += tt;
}

static void pv_leave(ThreadRec *t, void *ptr)
{
    if (t->depth == 0)
        return;
    uint32_t fi = pv_map_get(&t->rec->func_map, (uint64_t)(uintptr_t)ptr);
    if (fi != PV_NONE)
        pv_stop(t, fi);
    else
        t->depth--;
}

/* _lsprof's flush_unmatched(): close every open call of the thread. */
static void pv_flush(ThreadRec *t)
{
    while (t->depth > 0)
        pv_stop(t, t->stack[t->depth - 1].func);
}

#if PV_MONITORING
/* sys.monitoring calls the tool's callbacks in every thread: a thread is
 * recorded when its binding (thread-specific storage) names this Recorder
 * by serial, which is never reused, so a binding left behind by a Recorder
 * since freed is never followed. */
typedef struct {
    uint64_t serial;
    ThreadRec *t;
} pv_binding;

static Py_tss_t pv_tss = Py_tss_NEEDS_INIT;
static uint64_t pv_next_serial = 1;

static int pv_bind(ThreadRec *t)
{
    pv_binding *b = PyThread_tss_get(&pv_tss);
    if (b == NULL) {
        /* one per thread, reused by every Recorder it runs */
        b = PyMem_RawMalloc(sizeof *b);
        if (b == NULL || PyThread_tss_set(&pv_tss, b) != 0) {
            PyMem_RawFree(b);
            PyErr_NoMemory();
            return -1;
        }
    }
    b->serial = t->rec->serial;
    b->t = t;
    return 0;
}

static ThreadRec *pv_bound(RecorderObject *r)
{
    pv_binding *b = PyThread_tss_get(&pv_tss);
    return b != NULL && b->serial == r->serial && r->enabled ? b->t : NULL;
}

/* _lsprof's get_cfunc_from_callable(): the PyCFunction a CALL event is
 * about (a method descriptor is bound to its first argument), a new
 * reference, or NULL. */
static PyObject *pv_cfunc(RecorderObject *r, PyObject *callable, PyObject *self_arg)
{
    if (PyCFunction_Check(callable)) {
        Py_INCREF(callable);
        return callable;
    }
    if (Py_TYPE(callable) == &PyMethodDescr_Type && self_arg != r->missing) {
        PyObject *meth = Py_TYPE(callable)->tp_descr_get(callable, self_arg, (PyObject *)Py_TYPE(self_arg));
        if (meth == NULL)
            PyErr_Clear();
        else if (PyCFunction_Check(meth))
            return meth;
        Py_XDECREF(meth);
    }
    return NULL;
}

/* PY_START, PY_RESUME, PY_THROW: (code, offset[, exception]) */
static PyObject *pv_mon_start(RecorderObject *r, PyObject *const *args, Py_ssize_t n)
{
    ThreadRec *t = pv_bound(r);
    if (t != NULL && n >= 1)
        pv_enter(t, args[0], args[0]);
    Py_RETURN_NONE;
}

/* PY_RETURN, PY_YIELD, PY_UNWIND: (code, offset, value or exception) */
static PyObject *pv_mon_return(RecorderObject *r, PyObject *const *args, Py_ssize_t n)
{
    ThreadRec *t = pv_bound(r);
    if (t != NULL && n >= 1)
        pv_leave(t, args[0]);
    Py_RETURN_NONE;
}

/* CALL, C_RETURN, C_RAISE: (code, offset, callable, arg0) */
static PyObject *pv_mon_c(RecorderObject *r, PyObject *const *args, Py_ssize_t n, int call)
{
    ThreadRec *t = pv_bound(r);
    if (t == NULL || !r->builtins || n < 4)
        Py_RETURN_NONE;
    PyObject *cfunc = pv_cfunc(r, args[2], args[3]);
    if (cfunc != NULL) {
        if (call)
            pv_enter(t, ((PyCFunctionObject *)cfunc)->m_ml, cfunc);
        else
            pv_leave(t, ((PyCFunctionObject *)cfunc)->m_ml);
        Py_DECREF(cfunc);
    }
    Py_RETURN_NONE;
}

static PyObject *pv_mon_ccall(RecorderObject *r, PyObject *const *args, Py_ssize_t n)
{
    return pv_mon_c(r, args, n, 1);
}

static PyObject *pv_mon_creturn(RecorderObject *r, PyObject *const *args, Py_ssize_t n)
{
    return pv_mon_c(r, args, n, 0);
}

/* The events _lsprof listens to, and the Recorder method taking each. */
static const struct {
    const char *event, *method;
} pv_events[] = {
    {"PY_START", "_pystart"},  {"PY_RESUME", "_pystart"},  {"PY_THROW", "_pystart"},
    {"PY_RETURN", "_pyreturn"}, {"PY_YIELD", "_pyreturn"}, {"PY_UNWIND", "_pyreturn"},
    {"CALL", "_ccall"},        {"C_RETURN", "_creturn"},   {"C_RAISE", "_creturn"},
};

/* Registers the callbacks under sys.monitoring.PROFILER_ID (install) or
 * removes them and frees the tool id. */
static int pv_monitoring(RecorderObject *r, int install)
{
    PyObject *sys = PyImport_ImportModule("sys");
    PyObject *mon = sys ? PyObject_GetAttrString(sys, "monitoring") : NULL;
    PyObject *events = mon ? PyObject_GetAttrString(mon, "events") : NULL;
    PyObject *tool = mon ? PyObject_GetAttrString(mon, "PROFILER_ID") : NULL;
    Py_XDECREF(sys);
    int ok = events != NULL && tool != NULL;
    long all = 0;
    if (ok && install) {
        PyObject *res = PyObject_CallMethod(mon, "use_tool_id", "Os", tool, "profviz record");
        ok = res != NULL;
        Py_XDECREF(res);
        if (!ok)
            PyErr_SetString(PyExc_ValueError, "another profiling tool is already active");
    }
    for (size_t i = 0; ok && i < sizeof pv_events / sizeof *pv_events; i++) {
        PyObject *ev = PyObject_GetAttrString(events, pv_events[i].event);
        PyObject *cb = install ? PyObject_GetAttrString((PyObject *)r, pv_events[i].method) : Py_NewRef(Py_None);
        PyObject *res = ev && cb ? PyObject_CallMethod(mon, "register_callback", "OOO", tool, ev, cb) : NULL;
        if (ev != NULL)
            all |= PyLong_AsLong(ev);
        ok = res != NULL;
        Py_XDECREF(ev);
        Py_XDECREF(cb);
        Py_XDECREF(res);
    }
    if (ok) {
        PyObject *res = PyObject_CallMethod(mon, "set_events", "Ol", tool, install ? all : 0L);
        ok = res != NULL;
        Py_XDECREF(res);
    }
    if (ok && !install) {
        PyObject *res = PyObject_CallMethod(mon, "free_tool_id", "O", tool);
        ok = res != NULL;
        Py_XDECREF(res);
    }
    Py_XDECREF(mon);
    Py_XDECREF(events);
    Py_XDECREF(tool);
    return ok ? 0 : -1;
}
#else
static int pv_callback(PyObject *obj, PyFrameObject *frame, int what, PyObject *arg)
{
    ThreadRec *t = (ThreadRec *)obj;
    if (t->rec == NULL || !t->rec->enabled)
        return 0;
    switch (what) {
    case PyTrace_CALL:
    case PyTrace_RETURN: {
#if PY_VERSION_HEX >= 0x03090000
        PyCodeObject *code = PyFrame_GetCode(frame);
        Py_DECREF(code); /* the frame keeps it alive */
#else
        PyCodeObject *code = frame->f_code;
#endif
        if (what == PyTrace_CALL)
            pv_enter(t, code, (PyObject *)code);
        else
            pv_leave(t, code);
        break;
    }
    case PyTrace_C_CALL:
        if (t->rec->builtins && PyCFunction_Check(arg))
            pv_enter(t, ((PyCFunctionObject *)arg)->m_ml, arg);
        break;
    case PyTrace_C_RETURN:
    case PyTrace_C_EXCEPTION:
        if (t->rec->builtins && PyCFunction_Check(arg))
            pv_leave(t, ((PyCFunctionObject *)arg)->m_ml);
        break;
    default:
        break;
    }
    return 0;
}
#endif

/* ---- ThreadRec ------------------------------------------------------------------------ */

static ThreadRec *pv_thread_new(RecorderObject *r)
{
    ThreadRec *t = PyObject_New(ThreadRec, &ThreadRecType);
    if (t == NULL)
        return NULL;
    memset((char *)t + sizeof(PyObject), 0, sizeof *t - sizeof(PyObject));
    t->rec = r;
    t->ident = PyThread_get_thread_ident();
    if (PyList_Append(r->threads, (PyObject *)t) < 0) {
        Py_DECREF(t);
        return NULL;
    }
    Py_DECREF(t); /* the list keeps it */
    return t;
}

static void ThreadRec_dealloc(ThreadRec *t)
{
    PyMem_Free(t->ent);
    pv_map_free(&t->sub_map);
    PyMem_Free(t->sub);
    PyMem_Free(t->sub_pair);
    PyMem_Free(t->stack);
    PyObject_Free(t);
}

static PyTypeObject ThreadRecType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_profviz_recorder.ThreadRec",
    .tp_basicsize = sizeof(ThreadRec),
    .tp_dealloc = (destructor)ThreadRec_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "One profiled thread's stack and accounting.",
};

/* ---- the hook threading.setprofile() installs in new threads ----------------------------- */

typedef struct {
    PyObject_HEAD
    RecorderObject *rec; /* owned */
} HookObject;

/* Called (as a sys.setprofile function) on the new thread's first event
 * (the call of Thread.run): replaces itself with the recorder's C callback
 * for that thread, and gives it that event. */
static PyObject *Hook_call(HookObject *h, PyObject *args, PyObject *kw)
{
    PyObject *frame, *arg;
    const char *event;
    (void)kw;
    if (!PyArg_ParseTuple(args, "OsO", &frame, &event, &arg))
        return NULL;
    if (!h->rec->enabled) {
        PyEval_SetProfile(NULL, NULL);
        Py_RETURN_NONE;
    }
    ThreadRec *t = pv_thread_new(h->rec);
    if (t == NULL)
        return NULL;
#if PV_MONITORING
    /* the tool sees this thread's events from now on, this one included
     * (the old hook's tool comes after the profiler's) */
    PyEval_SetProfile(NULL, NULL);
    if (pv_bind(t) < 0)
        return NULL;
#else
    PyEval_SetProfile(pv_callback, (PyObject *)t);
    if (PyFrame_Check(frame)) {
        if (strcmp(event, "call") == 0)
            pv_callback((PyObject *)t, (PyFrameObject *)frame, PyTrace_CALL, Py_None);
        else if (strcmp(event, "c_call") == 0)
            pv_callback((PyObject *)t, (PyFrameObject *)frame, PyTrace_C_CALL, arg);
    }
#endif
    Py_RETURN_NONE;
}

static void Hook_dealloc(HookObject *h)
{
    Py_DECREF(h->rec);
    PyObject_Free(h);
}

static PyTypeObject HookType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_profviz_recorder.ThreadHook",
    .tp_basicsize = sizeof(HookObject),
    .tp_dealloc = (destructor)Hook_dealloc,
    .tp_call = (ternaryfunc)Hook_call,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Starts the recorder in a thread started after enable().",
};

/* threading.setprofile(hook) */
static int pv_set_thread_hook(PyObject *hook)
{
    PyObject *threading = PyImport_ImportModule("threading");
    if (threading == NULL)
        return -1;
    PyObject *res = PyObject_CallMethod(threading, "setprofile", "O", hook);
    Py_DECREF(threading);
    Py_XDECREF(res);
    return res == NULL ? -1 : 0;
}

/* ---- Recorder ---------------------------------------------------------------------------- */

static int Recorder_init(RecorderObject *r, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"timer", "timeunit", "builtins", "max_paths", NULL};
    PyObject *timer = Py_None;
    double timeunit = 0.0;
    int builtins = 1;
    Py_ssize_t max_paths = 1000000;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|Odpn:Recorder", kwlist, &timer, &timeunit, &builtins, &max_paths))
        return -1;
    if (max_paths < 1 || max_paths > (Py_ssize_t)(UINT32_MAX / 4)) {
        PyErr_SetString(PyExc_ValueError, "max_paths must be between 1 and 2**30");
        return -1;
    }
    if (r->keys != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Recorder.__init__ called twice");
        return -1;
    }
    if (timer != Py_None) {
        Py_INCREF(timer);
        r->timer = timer;
    }
    r->timeunit = timeunit;
    r->builtins = builtins;
    r->max_paths = (size_t)max_paths;
    r->overflow_key = PV_NONE;
#if PV_MONITORING
    r->serial = pv_next_serial++;
    PyObject *sys = PyImport_ImportModule("sys");
    PyObject *mon = sys ? PyObject_GetAttrString(sys, "monitoring") : NULL;
    r->missing = mon ? PyObject_GetAttrString(mon, "MISSING") : NULL;
    Py_XDECREF(sys);
    Py_XDECREF(mon);
    if (r->missing == NULL)
        return -1;
#endif
    r->keys = PyList_New(0);
    r->key_index = PyDict_New();
    r->threads = PyList_New(0);
    return r->keys && r->key_index && r->threads ? 0 : -1;
}

static void Recorder_dealloc(RecorderObject *r)
{
    if (r->threads != NULL) {
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(r->threads); i++)
            ((ThreadRec *)PyList_GET_ITEM(r->threads, i))->rec = NULL;
    }
    for (size_t i = 0; i < r->nfuncs; i++)
        Py_DECREF(r->funcs[i].obj);
    PyMem_Free(r->funcs);
    pv_map_free(&r->func_map);
    pv_map_free(&r->node_map);
    PyMem_Free(r->nodes);
    Py_XDECREF(r->keys);
    Py_XDECREF(r->key_index);
    Py_XDECREF(r->threads);
    Py_XDECREF(r->timer);
#if PV_MONITORING
    Py_XDECREF(r->missing);
#endif
    Py_TYPE(r)->tp_free((PyObject *)r);
}

static PyObject *Recorder_enable(RecorderObject *r, PyObject *noarg)
{
    (void)noarg;
    unsigned long ident = PyThread_get_thread_ident();
    ThreadRec *t = NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(r->threads) && t == NULL; i++) {
        ThreadRec *c = (ThreadRec *)PyList_GET_ITEM(r->threads, i);
        if (c->ident == ident)
            t = c;
    }
    if (t == NULL && (t = pv_thread_new(r)) == NULL)
        return NULL;
    HookObject *hook = PyObject_New(HookObject, &HookType);
    if (hook == NULL)
        return NULL;
    Py_INCREF(r);
    hook->rec = r;
    int err = pv_set_thread_hook((PyObject *)hook);
    Py_DECREF(hook);
    if (err < 0)
        return NULL;
    r->hooked_threading = 1;
#if PV_MONITORING
    if (!r->enabled && pv_monitoring(r, 1) < 0)
        return NULL;
    if (pv_bind(t) < 0)
        return NULL;
    r->enabled = 1;
#else
    r->enabled = 1;
    PyEval_SetProfile(pv_callback, (PyObject *)t);
#endif
    Py_RETURN_NONE;
}

static PyObject *Recorder_disable(RecorderObject *r, PyObject *noarg)
{
    (void)noarg;
    if (r->enabled) {
#if PV_MONITORING
        if (pv_monitoring(r, 0) < 0)
            return NULL;
#else
        PyEval_SetProfile(NULL, NULL);
#endif
        r->enabled = 0;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(r->threads); i++)
            pv_flush((ThreadRec *)PyList_GET_ITEM(r->threads, i));
    }
    if (r->hooked_threading) {
        r->hooked_threading = 0;
        if (pv_set_thread_hook(Py_None) < 0)
            return NULL;
    }
    Py_RETURN_NONE;
}

static double pv_factor(RecorderObject *r)
{
    return r->timer == NULL || r->timeunit == 0.0 ? 1e-9 : r->timeunit;
}

/* _lsprof enumerates its entries by address (a rotating tree keyed by the
 * code object or PyMethodDef): where two share a pstats key, the dict keeps
 * the last. */
static int pv_by_ptr(const void *a, const void *b)
{
    const pv_func *x = *(pv_func *const *)a, *y = *(pv_func *const *)b;
    return x->ptr < y->ptr ? -1 : x->ptr > y->ptr;
}

typedef struct {
    uint32_t caller, callee;
    uint32_t caller_order, callee_order;
    pv_acct a;
} pv_edge;

/* A caller's sub-entries in the order _lsprof enumerates them (keyed by the
 * callee's entry, allocated in creation order). */
static int pv_edge_order(const void *a, const void *b)
{
    const pv_edge *x = a, *y = b;
    if (x->caller_order != y->caller_order)
        return x->caller_order < y->caller_order ? -1 : 1;
    return x->callee_order < y->callee_order ? -1 : x->callee_order > y->callee_order;
}

static void pv_acct_add(pv_acct *to, const pv_acct *a)
{
    to->ct += a->ct;
    to->tt += a->tt;
    to->nc += a->nc;
    to->reccalls += a->reccalls;
}

/* The stats dict, as cProfile.Profile.snapshot_stats() builds it from
 * getstats(); the threads' figures are added up. */
static PyObject *Recorder_stats(RecorderObject *r, PyObject *noarg)
{
    (void)noarg;
    double f = pv_factor(r);
    size_t nf = r->nfuncs;
    PyObject *stats = NULL, *callers_of = NULL;
    pv_acct *ent = PyMem_Calloc(nf ? nf : 1, sizeof *ent);
    pv_func **order = PyMem_Calloc(nf ? nf : 1, sizeof *order);
    pv_edge *edges = NULL;
    size_t nedges = 0, edges_cap = 0;
    pv_map edge_map = {0};
    if (ent == NULL || order == NULL)
        goto nomem;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(r->threads); i++) {
        ThreadRec *t = (ThreadRec *)PyList_GET_ITEM(r->threads, i);
        for (size_t fi = 0; fi < t->ent_cap && fi < nf; fi++)
            pv_acct_add(&ent[fi], &t->ent[fi]);
        for (size_t s = 0; s < t->sub_n; s++) {
            uint64_t k = t->sub_pair[s];
            uint32_t ei = pv_map_get(&edge_map, k);
            if (ei == PV_NONE) {
                if (pv_grow((void **)&edges, &edges_cap, nedges + 1, sizeof *edges) < 0 ||
                    pv_map_put(&edge_map, k, (uint32_t)nedges) < 0)
                    goto nomem;
                ei = (uint32_t)nedges++;
                edges[ei].caller = (uint32_t)(k >> 32) - 1;
                edges[ei].callee = (uint32_t)k;
            }
            pv_acct_add(&edges[ei].a, &t->sub[s]);
        }
    }
    for (size_t i = 0; i < nf; i++)
        order[i] = &r->funcs[i];
    qsort(order, nf, sizeof *order, pv_by_ptr);
    for (size_t i = 0; i < nf; i++)
        order[i]->order = (uint32_t)i;
    for (size_t e = 0; e < nedges; e++) {
        edges[e].caller_order = r->funcs[edges[e].caller].order;
        edges[e].callee_order = edges[e].callee; /* creation order */
    }
    qsort(edges, nedges, sizeof *edges, pv_edge_order);

    stats = PyDict_New();
    callers_of = PyList_New((Py_ssize_t)nf);
    if (stats == NULL || callers_of == NULL)
        goto fail;
    for (size_t i = 0; i < nf; i++) {
        Py_INCREF(Py_None);
        PyList_SET_ITEM(callers_of, (Py_ssize_t)i, Py_None);
    }
    for (size_t i = 0; i < nf; i++) {
        pv_func *fn = order[i];
        size_t fi = (size_t)(fn - r->funcs);
        pv_acct *a = &ent[fi];
        if (a->nc == 0)
            continue; /* getstats() skips an entry never left */
        PyObject *callers = PyDict_New();
        if (callers == NULL)
            goto fail;
        PyList_SetItem(callers_of, (Py_ssize_t)fi, callers);
        PyObject *val = Py_BuildValue("(llddO)", a->nc - a->reccalls, a->nc, (double)a->tt * f,
                                      (double)a->ct * f, callers);
        if (val == NULL || PyDict_SetItem(stats, PyList_GET_ITEM(r->keys, fn->key), val) < 0) {
            Py_XDECREF(val);
            goto fail;
        }
        Py_DECREF(val);
    }
    for (size_t e = 0; e < nedges; e++) {
        pv_edge *ed = &edges[e];
        PyObject *callers = PyList_GET_ITEM(callers_of, ed->callee);
        if (ent[ed->caller].nc == 0 || callers == Py_None)
            continue;
        PyObject *ckey = PyList_GET_ITEM(r->keys, r->funcs[ed->caller].key);
        long nc = ed->a.nc, cc = ed->a.nc - ed->a.reccalls;
        double tt = (double)ed->a.tt * f, ct = (double)ed->a.ct * f;
        PyObject *prev = PyDict_GetItemWithError(callers, ckey);
        if (prev != NULL) {
            nc += PyLong_AsLong(PyTuple_GET_ITEM(prev, 0));
            cc += PyLong_AsLong(PyTuple_GET_ITEM(prev, 1));
            tt += PyFloat_AsDouble(PyTuple_GET_ITEM(prev, 2));
            ct += PyFloat_AsDouble(PyTuple_GET_ITEM(prev, 3));
        } else if (PyErr_Occurred()) {
            goto fail;
        }
        PyObject *val = Py_BuildValue("(lldd)", nc, cc, tt, ct);
        if (val == NULL || PyDict_SetItem(callers, ckey, val) < 0) {
            Py_XDECREF(val);
            goto fail;
        }
        Py_DECREF(val);
    }
    Py_DECREF(callers_of);
    PyMem_Free(ent);
    PyMem_Free(order);
    PyMem_Free(edges);
    pv_map_free(&edge_map);
    return stats;
nomem:
    PyErr_NoMemory();
fail:
    Py_XDECREF(stats);
    Py_XDECREF(callers_of);
    PyMem_Free(ent);
    PyMem_Free(order);
    PyMem_Free(edges);
    pv_map_free(&edge_map);
    return NULL;
}

/* (funcs, nodes, meta) of docs/recorded-tree.md: the nodes in pre-order,
 * only the pstats keys the nodes use. */
static PyObject *Recorder_tree(RecorderObject *r, PyObject *noarg)
{
    (void)noarg;
    double f = pv_factor(r);
    size_t nn = r->nnodes;
    PyObject *funcs = NULL, *nodes = NULL, *meta = NULL, *out = NULL;
    /* children as linked lists, kept in creation order */
    uint32_t *first = PyMem_Malloc((nn + 1) * sizeof *first);
    uint32_t *last = PyMem_Malloc((nn + 1) * sizeof *last);
    uint32_t *next = PyMem_Malloc((nn + 1) * sizeof *next);
    uint32_t *newidx = PyMem_Malloc((nn + 1) * sizeof *newidx);
    uint32_t *stack = PyMem_Malloc((nn + 1) * sizeof *stack);
    uint32_t *keymap = PyMem_Malloc(((size_t)PyList_GET_SIZE(r->keys) + 1) * sizeof *keymap);
    if (!first || !last || !next || !newidx || !stack || !keymap) {
        PyErr_NoMemory();
        goto done;
    }
    for (size_t i = 0; i <= nn; i++)
        first[i] = last[i] = next[i] = PV_NONE;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(r->keys); i++)
        keymap[i] = PV_NONE;
    for (size_t i = 0; i < nn; i++) {
        uint32_t p = r->nodes[i].parent == PV_NONE ? (uint32_t)nn : r->nodes[i].parent;
        if (first[p] == PV_NONE)
            first[p] = (uint32_t)i;
        else
            next[last[p]] = (uint32_t)i;
        last[p] = (uint32_t)i;
    }
    funcs = PyList_New(0);
    nodes = PyTuple_New((Py_ssize_t)nn);
    if (funcs == NULL || nodes == NULL)
        goto done;
    /* depth-first, children pushed in reverse so they come out in order */
    size_t sp = 0, emitted = 0;
    int64_t overflow_calls = 0;
    uint32_t *kids = PyMem_Malloc((nn + 1) * sizeof *kids);
    if (kids == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    size_t nk = 0;
    for (uint32_t c = first[nn]; c != PV_NONE; c = next[c])
        kids[nk++] = c;
    while (nk > 0)
        stack[sp++] = kids[--nk];
    while (sp > 0) {
        uint32_t i = stack[--sp];
        pv_node *n = &r->nodes[i];
        if (keymap[n->key] == PV_NONE) {
            keymap[n->key] = (uint32_t)PyList_GET_SIZE(funcs);
            if (PyList_Append(funcs, PyList_GET_ITEM(r->keys, n->key)) < 0)
                break;
        }
        if (n->key == r->overflow_key)
            overflow_calls += n->calls;
        newidx[i] = (uint32_t)emitted;
        PyObject *t = Py_BuildValue("(iILdd)", n->parent == PV_NONE ? -1 : (int)newidx[n->parent], keymap[n->key],
                                    (long long)n->calls, (double)n->tt * f, (double)n->ct * f);
        if (t == NULL)
            break;
        PyTuple_SET_ITEM(nodes, (Py_ssize_t)emitted++, t);
        for (uint32_t c = first[i]; c != PV_NONE; c = next[c])
            kids[nk++] = c;
        while (nk > 0)
            stack[sp++] = kids[--nk];
    }
    PyMem_Free(kids);
    if (PyErr_Occurred())
        goto done;
    Py_ssize_t nthreads = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(r->threads); i++)
        nthreads += ((ThreadRec *)PyList_GET_ITEM(r->threads, i))->used;
    PyObject *timer_name;
    if (r->timer == NULL)
        timer_name = PyUnicode_FromString("perf_counter");
    else if ((timer_name = PyObject_GetAttrString(r->timer, "__qualname__")) == NULL) {
        PyErr_Clear();
        timer_name = PyObject_Repr(r->timer);
    }
    if (timer_name == NULL)
        goto done;
    meta = Py_BuildValue("{s:n,s:n,s:L,s:N,s:s}", "threads", nthreads, "max_paths", (Py_ssize_t)r->max_paths,
                         "overflow_calls", (long long)overflow_calls, "timer", timer_name, "recorder",
                         PV_RECORDER_VERSION);
    if (meta == NULL)
        goto done;
    PyObject *ftuple = PyList_AsTuple(funcs);
    if (ftuple != NULL)
        out = Py_BuildValue("(NOO)", ftuple, nodes, meta);
done:
    Py_XDECREF(funcs);
    Py_XDECREF(nodes);
    Py_XDECREF(meta);
    PyMem_Free(first);
    PyMem_Free(last);
    PyMem_Free(next);
    PyMem_Free(newidx);
    PyMem_Free(stack);
    PyMem_Free(keymap);
    return out;
}

/* functions(): the pstats key of every function seen (a code object, or a
 * built-in's method definition), in the order first called.  A key listed
 * twice names two functions: the stats dict, as cProfile's, keeps the
 * figures of one of them, the tree the calls of both. */
static PyObject *Recorder_functions(RecorderObject *r, PyObject *noarg)
{
    (void)noarg;
    PyObject *out = PyTuple_New((Py_ssize_t)r->nfuncs);
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < r->nfuncs; i++) {
        PyObject *k = PyList_GET_ITEM(r->keys, r->funcs[i].key);
        Py_INCREF(k);
        PyTuple_SET_ITEM(out, (Py_ssize_t)i, k);
    }
    return out;
}

static int pv_write_le(FILE *fp, uint64_t v, int bytes)
{
    unsigned char b[8];
    for (int i = 0; i < bytes; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    return fwrite(b, 1, (size_t)bytes, fp) == (size_t)bytes ? 0 : -1;
}

/* dump(path): marshal.dumps(stats()) then the trailer. */
static PyObject *Recorder_dump(RecorderObject *r, PyObject *arg)
{
    PyObject *path = NULL, *stats = NULL, *sbytes = NULL, *tree = NULL, *payload = NULL, *pbytes = NULL;
    PyObject *zlib = NULL, *crc = NULL, *ret = NULL;
    FILE *fp = NULL;
    if (!PyUnicode_FSConverter(arg, &path))
        return NULL;
    stats = Recorder_stats(r, NULL);
    tree = stats ? Recorder_tree(r, NULL) : NULL;
    if (tree == NULL)
        goto done;
    /* cProfile writes marshal.dump(stats) at the default version */
    sbytes = PyMarshal_WriteObjectToString(stats, Py_MARSHAL_VERSION);
    payload = Py_BuildValue("(iOOO)", 1, PyTuple_GET_ITEM(tree, 0), PyTuple_GET_ITEM(tree, 1),
                            PyTuple_GET_ITEM(tree, 2));
    pbytes = payload ? PyMarshal_WriteObjectToString(payload, 4) : NULL;
    zlib = pbytes ? PyImport_ImportModule("zlib") : NULL;
    crc = zlib ? PyObject_CallMethod(zlib, "crc32", "O", pbytes) : NULL;
    if (sbytes == NULL || crc == NULL)
        goto done;
    fp = fopen(PyBytes_AS_STRING(path), "wb");
    if (fp == NULL) {
        PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, arg);
        goto done;
    }
    if (fwrite(PyBytes_AS_STRING(sbytes), 1, (size_t)PyBytes_GET_SIZE(sbytes), fp) !=
            (size_t)PyBytes_GET_SIZE(sbytes) ||
        fwrite(PV_TRAILER_MAGIC, 1, 8, fp) != 8 || pv_write_le(fp, (uint64_t)PyBytes_GET_SIZE(pbytes), 8) < 0 ||
        fwrite(PyBytes_AS_STRING(pbytes), 1, (size_t)PyBytes_GET_SIZE(pbytes), fp) !=
            (size_t)PyBytes_GET_SIZE(pbytes) ||
        pv_write_le(fp, (uint64_t)PyLong_AsUnsignedLongLong(crc), 4) < 0) {
        PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, arg);
        goto done;
    }
    if (fclose(fp) != 0) {
        fp = NULL;
        PyErr_SetFromErrnoWithFilenameObject(PyExc_OSError, arg);
        goto done;
    }
    fp = NULL;
    Py_INCREF(Py_None);
    ret = Py_None;
done:
    if (fp != NULL)
        fclose(fp);
    Py_XDECREF(path);
    Py_XDECREF(stats);
    Py_XDECREF(sbytes);
    Py_XDECREF(tree);
    Py_XDECREF(payload);
    Py_XDECREF(pbytes);
    Py_XDECREF(zlib);
    Py_XDECREF(crc);
    return ret;
}

static PyMethodDef Recorder_methods[] = {
    {"enable", (PyCFunction)Recorder_enable, METH_NOARGS,
     "Profile this thread, and the threads started from now on."},
    {"disable", (PyCFunction)Recorder_disable, METH_NOARGS,
     "Stop profiling; closes the calls still open, as cProfile does."},
    {"stats", (PyCFunction)Recorder_stats, METH_NOARGS, "The dict cProfile would dump."},
    {"tree", (PyCFunction)Recorder_tree, METH_NOARGS, "(funcs, nodes, meta) of docs/recorded-tree.md."},
#if PV_MONITORING
    {"_pystart", (PyCFunction)(void (*)(void))pv_mon_start, METH_FASTCALL, NULL},
    {"_pyreturn", (PyCFunction)(void (*)(void))pv_mon_return, METH_FASTCALL, NULL},
    {"_ccall", (PyCFunction)(void (*)(void))pv_mon_ccall, METH_FASTCALL, NULL},
    {"_creturn", (PyCFunction)(void (*)(void))pv_mon_creturn, METH_FASTCALL, NULL},
#endif
    {"functions", (PyCFunction)Recorder_functions, METH_NOARGS,
     "The pstats key of every function seen; a key twice names two functions."},
    {"dump", (PyCFunction)Recorder_dump, METH_O, "Write the pstats dump and its call-tree trailer to a path."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject RecorderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_profviz_recorder.Recorder",
    .tp_basicsize = sizeof(RecorderObject),
    .tp_dealloc = (destructor)Recorder_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Recorder(timer=None, timeunit=0.0, builtins=True, max_paths=1000000)",
    .tp_methods = Recorder_methods,
    .tp_init = (initproc)Recorder_init,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef pv_module = {
    PyModuleDef_HEAD_INIT, "_profviz_recorder",
    "cProfile's figures and the exact call tree of a run (profviz record).", -1, NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__profviz_recorder(void)
{
#if PV_MONITORING
    if (!PyThread_tss_is_created(&pv_tss) && PyThread_tss_create(&pv_tss) != 0)
        return PyErr_NoMemory();
#endif
    if (PyType_Ready(&RecorderType) < 0 || PyType_Ready(&ThreadRecType) < 0 || PyType_Ready(&HookType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&pv_module);
    if (m == NULL)
        return NULL;
    Py_INCREF(&RecorderType);
    if (PyModule_AddObject(m, "Recorder", (PyObject *)&RecorderType) < 0) {
        Py_DECREF(&RecorderType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
