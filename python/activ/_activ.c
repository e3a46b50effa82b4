/* _activ.c - the CPython binding of include/activ.h (and include/activ_cuda.h when built
 * with ACTIV_PY_CUDA). The Python layer (activ/__init__.py) generates one function per kind
 * from the library's own kind list; every call lands in call_impl() below.
 *
 *   op(x, *, out=None, **params)                      forward            y = f(x)
 *   op(x, dy, *, out=None, dparam=None, **params)     backward           dx = dy * f'(x)
 *   op(y, dy, *, out=None, **params)                  from-output        dx = dy * g(y)
 *
 * Arrays: a NumPy array (or anything NumPy views without copying) must already be C-contiguous,
 * aligned, native-endian and of a supported dtype; otherwise TypeError (dtype) or ValueError
 * (layout). Only Python lists, tuples and numbers are converted (to float32). Nothing else is
 * ever copied, so out= and in place behave as with NumPy's ufuncs.
 * Keyword parameters map onto activ_params fields through PARAMS[] (one row per field).
 * The GIL is released around every library call.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "activ.h"
#ifdef ACTIV_PY_CUDA
#include "activ_cuda.h"
#endif

enum { DIR_FWD = 0, DIR_BWD = 1, DIR_BWDY = 2 };
static const char *const DIR_NAME[] = {"forward", "backward", "backward_from_output"};

/* ---- dtypes: one row per storage type the CPU library takes ---------------------------- */
/* TODO: float16 / bfloat16 rows once include/activ.h has 16-bit entry points; call_library()
 * then switches on the row. */
typedef struct dtype_row {
    int npy;          /* NumPy type number */
    const char *name; /* as NumPy prints it */
} dtype_row;
static const dtype_row DTYPES[] = {
    {NPY_FLOAT32, "float32"},
};
#define N_DTYPES ((int)(sizeof DTYPES / sizeof DTYPES[0]))

/* ---- parameters: one row per activ_params field --------------------------------------- */
typedef enum { P_FLOAT, P_SIZE, P_SLOPES } param_type;
typedef struct param_row {
    const char *name;  /* the keyword; the same spelling as the C field and the CLI */
    param_type type;   /* P_FLOAT: a float field; P_SIZE: a size_t field;
                          P_SLOPES: a float array (host: array-like; device: a pointer), which
                          also sets channels to its length on the host */
    size_t offset;     /* offsetof(activ_params, field) */
} param_row;
static const param_row PARAMS[] = {
    {"alpha", P_FLOAT, offsetof(activ_params, alpha)},
    {"beta", P_FLOAT, offsetof(activ_params, beta)},
    {"gamma", P_FLOAT, offsetof(activ_params, gamma)},
    {"threshold", P_FLOAT, offsetof(activ_params, threshold)},
    {"min_val", P_FLOAT, offsetof(activ_params, min_val)},
    {"max_val", P_FLOAT, offsetof(activ_params, max_val)},
    {"slopes", P_SLOPES, offsetof(activ_params, slopes)},
    {"channels", P_SIZE, offsetof(activ_params, channels)},
    {"inner", P_SIZE, offsetof(activ_params, inner)},
};
#define N_PARAMS ((int)(sizeof PARAMS / sizeof PARAMS[0]))

/* ---- errors --------------------------------------------------------------------------- */

static int as_int(PyObject *o, int *v)
{
    long l = PyLong_AsLong(o);
    if (l == -1 && PyErr_Occurred()) return -1;
    if (l < INT32_MIN || l > INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "activ: integer out of range");
        return -1;
    }
    *v = (int)l;
    return 0;
}

static PyObject *raise_status(activ_status s, const char *what, const char *kind_name, int dir)
{
    PyObject *type;
    switch (s) {
    case ACTIV_ERR_NOMEM: type = PyExc_MemoryError; break;
    case ACTIV_ERR_NULL:
    case ACTIV_ERR_SIZE:
    case ACTIV_ERR_SHAPE:
    case ACTIV_ERR_PARAM:
    case ACTIV_ERR_OVERLAP:
    case ACTIV_ERR_KIND:
    case ACTIV_ERR_UNSUPPORTED: type = PyExc_ValueError; break;
    default: type = PyExc_RuntimeError; break;
    }
    if (kind_name)
        PyErr_Format(type, "activ %s %s: %s (status %d)", kind_name, DIR_NAME[dir],
                     activ_status_str(s), (int)s);
    else
        PyErr_Format(type, "activ %s: %s (status %d)", what, activ_status_str(s), (int)s);
    return NULL;
}

/* ---- arrays ---------------------------------------------------------------------------- */

static int dtype_index(PyArrayObject *a)
{
    for (int i = 0; i < N_DTYPES; i++)
        if (PyArray_TYPE(a) == DTYPES[i].npy) return i;
    return -1;
}

static PyObject *supported_dtypes(void)
{
    PyObject *l = PyList_New(N_DTYPES);
    for (int i = 0; l && i < N_DTYPES; i++) PyList_SET_ITEM(l, i, PyUnicode_FromString(DTYPES[i].name));
    return l;
}

static int type_error_dtype(const char *fn, const char *arg, PyArrayObject *a)
{
    PyObject *names = supported_dtypes();
    PyErr_Format(PyExc_TypeError,
                 "%s: %s has dtype %R; activ takes %S arrays, C-contiguous and native-endian "
                 "(it never converts an array silently: use .astype(numpy.float32) yourself)",
                 fn, arg, (PyObject *)PyArray_DESCR(a), names);
    Py_XDECREF(names);
    return -1;
}

/* A float array the library may read (or write, when writable). Returns a new reference or
 * NULL with an exception. Lists, tuples and Python numbers become new float32 arrays. */
static PyArrayObject *as_array(PyObject *obj, const char *fn, const char *arg, int writable)
{
    PyArrayObject *a;
    if (PyArray_Check(obj)) {
        Py_INCREF(obj);
        a = (PyArrayObject *)obj;
    } else if (PyList_Check(obj) || PyTuple_Check(obj) || PyFloat_Check(obj) || PyLong_Check(obj)) {
        if (writable) {
            PyErr_Format(PyExc_TypeError, "%s: %s must be a NumPy array (got %s)", fn, arg,
                         Py_TYPE(obj)->tp_name);
            return NULL;
        }
        a = (PyArrayObject *)PyArray_FROMANY(obj, NPY_FLOAT32, 0, 0, NPY_ARRAY_CARRAY);
        if (!a) return NULL;
    } else {
        /* anything NumPy can view without a copy (buffer protocol, __array_interface__) */
        a = (PyArrayObject *)PyArray_FromAny(obj, NULL, 0, 0, 0, NULL);
        if (!a) return NULL;
    }
    if (dtype_index(a) < 0 || !PyArray_ISNOTSWAPPED(a)) {
        type_error_dtype(fn, arg, a);
        Py_DECREF(a);
        return NULL;
    }
    if (!PyArray_IS_C_CONTIGUOUS(a) || !PyArray_ISALIGNED(a)) {
        PyErr_Format(PyExc_ValueError,
                     "%s: %s is not C-contiguous (or not aligned); activ never copies silently: "
                     "pass numpy.ascontiguousarray(%s) if a copy is what you want", fn, arg, arg);
        Py_DECREF(a);
        return NULL;
    }
    if (writable && !PyArray_ISWRITEABLE(a)) {
        PyErr_Format(PyExc_ValueError, "%s: %s is read-only", fn, arg);
        Py_DECREF(a);
        return NULL;
    }
    return a;
}

static int same_shape(PyArrayObject *a, PyArrayObject *b)
{
    return PyArray_NDIM(a) == PyArray_NDIM(b) &&
           PyArray_CompareLists(PyArray_DIMS(a), PyArray_DIMS(b), PyArray_NDIM(a));
}

/* ---- keyword arguments ------------------------------------------------------------------ */

typedef struct call_args {
    activ_params p;
    PyObject *out;          /* borrowed, NULL if not given */
    PyObject *dparam;       /* borrowed, NULL if not given */
    PyArrayObject *slopes;  /* owned: the host slopes array */
    int have_channels, have_inner;
} call_args;

static int param_error_names(const char *fn, PyObject *key)
{
    PyObject *names = PyList_New(N_PARAMS);
    for (int i = 0; names && i < N_PARAMS; i++)
        PyList_SET_ITEM(names, i, PyUnicode_FromString(PARAMS[i].name));
    PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument %R (activ parameters: %S)",
                 fn, key, names);
    Py_XDECREF(names);
    return -1;
}

/* Fills a->p (starting from the kind's defaults) from the keywords. device: slopes is a
 * device pointer (an int) and channels must be given. */
static int parse_kwargs(call_args *a, activ_kind kind, const char *fn, PyObject *const *kwvals,
                        PyObject *kwnames, int dir, int device)
{
    memset(a, 0, sizeof *a);
    a->p = activ_default_params(kind);
    Py_ssize_t nk = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t i = 0; i < nk; i++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, i), *val = kwvals[i];
        if (PyUnicode_CompareWithASCIIString(key, "out") == 0) {
            a->out = val == Py_None ? NULL : val;
            continue;
        }
        if (dir == DIR_BWD && PyUnicode_CompareWithASCIIString(key, "dparam") == 0) {
            a->dparam = val == Py_None ? NULL : val;
            continue;
        }
        int r = 0;
        for (; r < N_PARAMS; r++)
            if (PyUnicode_CompareWithASCIIString(key, PARAMS[r].name) == 0) break;
        if (r == N_PARAMS) return param_error_names(fn, key);
        char *field = (char *)&a->p + PARAMS[r].offset;
        if (PARAMS[r].type == P_FLOAT) {
            double d = PyFloat_AsDouble(val);
            if (d == -1.0 && PyErr_Occurred()) return -1;
            *(float *)field = (float)d;
        } else if (PARAMS[r].type == P_SIZE) {
            size_t s = PyLong_AsSize_t(val);
            if (s == (size_t)-1 && PyErr_Occurred()) return -1;
            *(size_t *)field = s;
            if (PARAMS[r].offset == offsetof(activ_params, channels)) a->have_channels = 1;
            if (PARAMS[r].offset == offsetof(activ_params, inner)) a->have_inner = 1;
        } else if (device) {
            void *ptr = PyLong_AsVoidPtr(val);
            if (!ptr && PyErr_Occurred()) return -1;
            *(const float **)field = ptr;
        } else {
            Py_CLEAR(a->slopes);
            a->slopes = as_array(val, fn, PARAMS[r].name, 0);
            if (!a->slopes) return -1;
            if (PyArray_TYPE(a->slopes) != NPY_FLOAT32) {
                type_error_dtype(fn, PARAMS[r].name, a->slopes);
                return -1;
            }
            *(const float **)field = (const float *)PyArray_DATA(a->slopes);
        }
    }
    if (a->slopes) {
        size_t c = (size_t)PyArray_SIZE(a->slopes);
        if (a->have_channels && a->p.channels != c) {
            PyErr_Format(PyExc_ValueError, "%s: channels=%zu but slopes has %zu elements", fn,
                         a->p.channels, c);
            return -1;
        }
        a->p.channels = c;
        a->have_channels = 1;
    }
    return 0;
}

/* PyTorch's layout for a per-channel parameter: x is (N, C, *), the channel axis is 1, so an
 * element's channel run is the product of the dimensions after it (unless inner= is given). */
static int default_inner(call_args *a, PyArrayObject *x, const char *fn)
{
    if (a->have_inner || !a->have_channels || a->p.channels <= 1 || PyArray_NDIM(x) < 2) return 0;
    if ((size_t)PyArray_DIM(x, 1) != a->p.channels) {
        PyErr_Format(PyExc_ValueError,
                     "%s: %zu channels but x has %zd along axis 1 (channel axis); pass inner= "
                     "for another layout", fn, a->p.channels, (Py_ssize_t)PyArray_DIM(x, 1));
        return -1;
    }
    size_t inner = 1;
    for (int d = 2; d < PyArray_NDIM(x); d++) inner *= (size_t)PyArray_DIM(x, d);
    a->p.inner = inner;
    return 0;
}

/* ---- the call ---------------------------------------------------------------------------- */

static activ_status call_library(int dir, activ_kind kind, const activ_params *p, int dt,
                                 const void *a, const void *b, void *out, size_t n, float *dparam)
{
    (void)dt; /* one row today: float32 */
    switch (dir) {
    case DIR_FWD: return activ_forward(kind, p, a, out, n);
    case DIR_BWD: return activ_backward(kind, p, a, b, out, n, dparam);
    default: return activ_backward_from_output(kind, p, a, b, out, n);
    }
}

static PyObject *call_impl(activ_kind kind, int dir, const char *fn, PyObject *const *args,
                           Py_ssize_t nargs, PyObject *kwnames)
{
    Py_ssize_t want = dir == DIR_FWD ? 1 : 2;
    if (nargs != want) {
        PyErr_Format(PyExc_TypeError, "%s() takes %zd positional argument%s (%s), %zd given", fn,
                     want, want == 1 ? "" : "s",
                     dir == DIR_FWD ? "x" : dir == DIR_BWD ? "x, dy" : "y, dy", nargs);
        return NULL;
    }
    call_args ca;
    PyArrayObject *x = NULL, *dy = NULL, *out = NULL, *dp = NULL;
    PyObject *result = NULL;
    if (parse_kwargs(&ca, kind, fn, args + nargs, kwnames, dir, 0) < 0) goto done;
    x = as_array(args[0], fn, dir == DIR_BWDY ? "y" : "x", 0);
    if (!x) goto done;
    if (dir != DIR_FWD) {
        dy = as_array(args[1], fn, "dy", 0);
        if (!dy) goto done;
        if (PyArray_TYPE(dy) != PyArray_TYPE(x) || !same_shape(dy, x)) {
            PyErr_Format(PyExc_ValueError, "%s: dy must have the shape and dtype of %s", fn,
                         dir == DIR_BWDY ? "y" : "x");
            goto done;
        }
    }
    if (default_inner(&ca, x, fn) < 0) goto done;
    if (ca.out) {
        out = as_array(ca.out, fn, "out", 1);
        if (!out) goto done;
        if (PyArray_TYPE(out) != PyArray_TYPE(x) || !same_shape(out, x)) {
            PyErr_Format(PyExc_ValueError, "%s: out must have the shape and dtype of the input", fn);
            goto done;
        }
    } else {
        out = (PyArrayObject *)PyArray_NewLikeArray(x, NPY_CORDER, NULL, 0);
        if (!out) goto done;
    }
    if (ca.dparam) {
        dp = as_array(ca.dparam, fn, "dparam", 1);
        if (!dp) goto done;
        if (PyArray_TYPE(dp) != NPY_FLOAT32 || (size_t)PyArray_SIZE(dp) < ca.p.channels) {
            PyErr_Format(PyExc_ValueError,
                         "%s: dparam must be a float32 array of at least %zu element(s)", fn,
                         ca.p.channels);
            goto done;
        }
    }
    size_t n = (size_t)PyArray_SIZE(x);
    const void *pa = PyArray_DATA(x), *pb = dy ? PyArray_DATA(dy) : NULL;
    void *po = PyArray_DATA(out);
    float *pd = dp ? (float *)PyArray_DATA(dp) : NULL;
    int dt = dtype_index(x);
    activ_status s;
    Py_BEGIN_ALLOW_THREADS
    s = call_library(dir, kind, &ca.p, dt, pa, pb, po, n, pd);
    Py_END_ALLOW_THREADS
    if (s != ACTIV_OK) {
        raise_status(s, fn, activ_kind_name(kind), dir);
        goto done;
    }
    Py_INCREF(out);
    result = (PyObject *)out;
done:
    Py_XDECREF(ca.slopes);
    Py_XDECREF(x);
    Py_XDECREF(dy);
    Py_XDECREF(out);
    Py_XDECREF(dp);
    return result;
}

/* ---- Op: a callable bound to one kind and direction (activ.relu, activ.elu_backward, ...) */

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    activ_kind kind;
    int dir;
    PyObject *name; /* the Python name, e.g. "elu_backward" */
    PyObject *doc;
    char cname[64];
} OpObject;

static PyObject *op_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    OpObject *op = (OpObject *)self;
    return call_impl(op->kind, op->dir, op->cname, args, PyVectorcall_NARGS(nargsf), kwnames);
}

static void op_dealloc(PyObject *self)
{
    OpObject *op = (OpObject *)self;
    Py_XDECREF(op->name);
    Py_XDECREF(op->doc);
    Py_TYPE(self)->tp_free(self);
}

static PyObject *op_repr(PyObject *self)
{
    return PyUnicode_FromFormat("<activ function %U>", ((OpObject *)self)->name);
}

static PyObject *op_get_name(PyObject *self, void *c) { (void)c; return Py_NewRef(((OpObject *)self)->name); }
static PyObject *op_get_doc(PyObject *self, void *c)
{
    (void)c;
    OpObject *op = (OpObject *)self;
    return Py_NewRef(op->doc ? op->doc : Py_None);
}
static int op_set_doc(PyObject *self, PyObject *v, void *c)
{
    (void)c;
    OpObject *op = (OpObject *)self;
    Py_XINCREF(v);
    Py_XSETREF(op->doc, v);
    return 0;
}
static PyObject *op_get_kind(PyObject *self, void *c)
{
    (void)c;
    return PyUnicode_FromString(activ_kind_name(((OpObject *)self)->kind));
}
static PyObject *op_get_dir(PyObject *self, void *c)
{
    (void)c;
    return PyUnicode_FromString(DIR_NAME[((OpObject *)self)->dir]);
}

static PyGetSetDef op_getset[] = {
    {"__name__", op_get_name, NULL, NULL, NULL},
    {"__qualname__", op_get_name, NULL, NULL, NULL},
    {"__doc__", op_get_doc, op_set_doc, NULL, NULL},
    {"kind", op_get_kind, NULL, "the activ kind name", NULL},
    {"direction", op_get_dir, NULL, "forward, backward or backward_from_output", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyTypeObject OpType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "activ._activ.Op",
    .tp_basicsize = sizeof(OpObject),
    .tp_dealloc = op_dealloc,
    .tp_vectorcall_offset = offsetof(OpObject, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_repr = op_repr,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_getset = op_getset,
};

/* A kind given as a name ("elu", "silu") or as its number. */
static int parse_kind(PyObject *o, activ_kind *k)
{
    if (PyUnicode_Check(o)) {
        const char *s = PyUnicode_AsUTF8(o);
        if (!s) return -1;
        if (activ_kind_from_name(s, k) != ACTIV_OK) {
            PyErr_Format(PyExc_ValueError, "activ: unknown activation kind %R (see activ.kinds())", o);
            return -1;
        }
        return 0;
    }
    long v = PyLong_AsLong(o);
    if (v == -1 && PyErr_Occurred()) {
        PyErr_Format(PyExc_TypeError, "activ: a kind is a name such as 'relu' (got %s)", Py_TYPE(o)->tp_name);
        return -1;
    }
    if (v < 0 || v > INT32_MAX || !activ_kind_name((activ_kind)v)) {
        PyErr_Format(PyExc_ValueError, "activ: unknown activation kind %ld", v);
        return -1;
    }
    *k = (activ_kind)v;
    return 0;
}

/* _activ.make_op(kind, direction, name) -> Op */
static PyObject *py_make_op(PyObject *m, PyObject *args)
{
    (void)m;
    PyObject *kind_o, *name;
    int dir;
    activ_kind k;
    if (!PyArg_ParseTuple(args, "OiU", &kind_o, &dir, &name)) return NULL;
    if (parse_kind(kind_o, &k) < 0) return NULL;
    if (dir < DIR_FWD || dir > DIR_BWDY) {
        PyErr_SetString(PyExc_ValueError, "direction is 0 (forward), 1 (backward) or 2 (from output)");
        return NULL;
    }
    OpObject *op = PyObject_New(OpObject, &OpType);
    if (!op) return NULL;
    op->vectorcall = op_vectorcall;
    op->kind = k;
    op->dir = dir;
    op->name = Py_NewRef(name);
    op->doc = NULL;
    const char *s = PyUnicode_AsUTF8(name);
    snprintf(op->cname, sizeof op->cname, "activ.%s", s ? s : "?");
    return (PyObject *)op;
}

/* generic entry points: forward(kind, x, ...), backward(kind, x, dy, ...), ... */
static PyObject *generic(int dir, const char *fn, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    if (nargs < 1) {
        PyErr_Format(PyExc_TypeError, "%s() needs the kind as its first argument", fn);
        return NULL;
    }
    activ_kind k;
    if (parse_kind(args[0], &k) < 0) return NULL;
    return call_impl(k, dir, fn, args + 1, nargs - 1, kwnames);
}
static PyObject *py_forward(PyObject *m, PyObject *const *a, Py_ssize_t n, PyObject *kw)
{
    (void)m;
    return generic(DIR_FWD, "activ.forward", a, n, kw);
}
static PyObject *py_backward(PyObject *m, PyObject *const *a, Py_ssize_t n, PyObject *kw)
{
    (void)m;
    return generic(DIR_BWD, "activ.backward", a, n, kw);
}
static PyObject *py_backward_from_output(PyObject *m, PyObject *const *a, Py_ssize_t n, PyObject *kw)
{
    (void)m;
    return generic(DIR_BWDY, "activ.backward_from_output", a, n, kw);
}

/* ---- library-wide settings and introspection --------------------------------------------- */

static PyObject *py_kinds(PyObject *m, PyObject *unused)
{
    (void)m, (void)unused;
    PyObject *l = PyList_New(0);
    for (int k = 0; l; k++) {
        const char *name = activ_kind_name((activ_kind)k);
        if (!name) break;
        PyObject *s = PyUnicode_FromString(name);
        if (!s || PyList_Append(l, s) < 0) Py_CLEAR(l);
        Py_XDECREF(s);
    }
    return l;
}

static PyObject *py_kind_from_name(PyObject *m, PyObject *o)
{
    (void)m;
    activ_kind k;
    if (parse_kind(o, &k) < 0) return NULL;
    return PyUnicode_FromString(activ_kind_name(k));
}

static PyObject *py_set_num_threads(PyObject *m, PyObject *o)
{
    (void)m;
    int n;
    if (as_int(o, &n) < 0) return NULL;
    activ_status s = activ_set_num_threads(n);
    if (s != ACTIV_OK) return raise_status(s, "set_num_threads", NULL, 0);
    Py_RETURN_NONE;
}
static PyObject *py_get_num_threads(PyObject *m, PyObject *u)
{
    (void)m, (void)u;
    return PyLong_FromLong(activ_get_num_threads());
}
static PyObject *py_get_isa(PyObject *m, PyObject *u)
{
    (void)m, (void)u;
    return PyUnicode_FromString(activ_isa_name(activ_get_isa()));
}
static PyObject *py_set_isa(PyObject *m, PyObject *o)
{
    (void)m;
    const char *s = PyUnicode_AsUTF8(o);
    if (!s) return NULL;
    for (int i = 0; i < ACTIV_ISA_COUNT; i++) {
        const char *name = activ_isa_name((activ_isa)i);
        if (name && strcmp(name, s) == 0) {
            activ_status st = activ_set_isa((activ_isa)i);
            if (st != ACTIV_OK) return raise_status(st, "set_isa", NULL, 0);
            Py_RETURN_NONE;
        }
    }
    PyErr_Format(PyExc_ValueError, "activ: unknown code path %R", o);
    return NULL;
}
static PyObject *py_supported_dtypes(PyObject *m, PyObject *u)
{
    (void)m, (void)u;
    return supported_dtypes();
}

/* _activ.c_loop(kind, direction, a, b, out, reps, rounds, **params) -> seconds per call:
 * rounds timings of reps back-to-back library calls each on the given arrays (b is None
 * forward), the best round's average. The C library in a plain C loop, no Python in the
 * loop, on the very buffers the binding is timed on: activ.bench compares the two. */
static PyObject *py_c_loop(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    (void)m;
    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError, "c_loop(kind, direction, a, b, out, reps, rounds, **params)");
        return NULL;
    }
    activ_kind k;
    int dir;
    if (parse_kind(args[0], &k) < 0 || as_int(args[1], &dir) < 0) return NULL;
    long reps = PyLong_AsLong(args[5]), rounds = PyLong_AsLong(args[6]);
    if (PyErr_Occurred()) return NULL;
    if (dir < DIR_FWD || dir > DIR_BWDY || reps < 1 || rounds < 1) {
        PyErr_SetString(PyExc_ValueError, "c_loop: bad direction, reps or rounds");
        return NULL;
    }
    call_args ca;
    PyArrayObject *a = NULL, *b = NULL, *o = NULL;
    PyObject *result = NULL;
    if (parse_kwargs(&ca, k, "c_loop", args + nargs, kwnames, dir, 0) < 0) goto done;
    a = as_array(args[2], "c_loop", "a", 0);
    o = a ? as_array(args[4], "c_loop", "out", 1) : NULL;
    if (!o) goto done;
    if (dir != DIR_FWD && !(b = as_array(args[3], "c_loop", "b", 0))) goto done;
    if (PyArray_SIZE(o) != PyArray_SIZE(a) || (b && PyArray_SIZE(b) != PyArray_SIZE(a))) {
        PyErr_SetString(PyExc_ValueError, "c_loop: the arrays differ in size");
        goto done;
    }
    if (default_inner(&ca, a, "c_loop") < 0) goto done;
    size_t n = (size_t)PyArray_SIZE(a);
    const void *pa = PyArray_DATA(a), *pb = b ? PyArray_DATA(b) : NULL;
    void *po = PyArray_DATA(o);
    activ_status s = ACTIV_OK;
    double best = 1e30;
    Py_BEGIN_ALLOW_THREADS
    for (long r = 0; r < rounds && s == ACTIV_OK; r++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long i = 0; i < reps && s == ACTIV_OK; i++)
            s = call_library(dir, k, &ca.p, 0, pa, pb, po, n, NULL);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double t = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
        if (t / (double)reps < best) best = t / (double)reps;
    }
    Py_END_ALLOW_THREADS
    if (s != ACTIV_OK)
        raise_status(s, "c_loop", activ_kind_name(k), dir);
    else
        result = PyFloat_FromDouble(best);
done:
    Py_XDECREF(ca.slopes);
    Py_XDECREF(a);
    Py_XDECREF(b);
    Py_XDECREF(o);
    return result;
}

/* _activ.probe(kind, direction) -> the status of a one-element call with the kind's
 * defaults: ACTIV_ERR_UNSUPPORTED (7) says the variant does not exist (from-output prelu). */
static PyObject *py_probe(PyObject *m, PyObject *args)
{
    (void)m;
    PyObject *kind_o;
    int dir;
    activ_kind k;
    if (!PyArg_ParseTuple(args, "Oi", &kind_o, &dir)) return NULL;
    if (parse_kind(kind_o, &k) < 0) return NULL;
    if (dir < DIR_FWD || dir > DIR_BWDY) {
        PyErr_SetString(PyExc_ValueError, "probe: bad direction");
        return NULL;
    }
    float a[1] = {0.5f}, b[1] = {1.0f}, o[1], d[1];
    activ_params p = activ_default_params(k);
    p.slopes = a;
    return PyLong_FromLong((long)call_library(dir, k, &p, 0, a, b, o, 1, d));
}

/* ---- CUDA: raw device pointers on a given stream (activ.torch passes tensor pointers) ---- */
#ifdef ACTIV_PY_CUDA
/* cuda_call(direction, kind, dtype, a, b, out, n, dparam, stream, **params); dtype is the
 * activ_cuda_dtype number, pointers and the stream are ints, slopes= is a device pointer. */
static PyObject *py_cuda_call(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    (void)m;
    if (nargs != 9) {
        PyErr_SetString(PyExc_TypeError, "cuda_call(direction, kind, dtype, a, b, out, n, dparam, stream, **params)");
        return NULL;
    }
    int dir, dt;
    if (as_int(args[0], &dir) < 0 || as_int(args[2], &dt) < 0) return NULL;
    if (dir < DIR_FWD || dir > DIR_BWDY) {
        PyErr_SetString(PyExc_ValueError, "cuda_call: bad direction");
        return NULL;
    }
    activ_kind k;
    if (parse_kind(args[1], &k) < 0) return NULL;
    void *a = PyLong_AsVoidPtr(args[3]), *b = PyLong_AsVoidPtr(args[4]), *o = PyLong_AsVoidPtr(args[5]);
    size_t n = PyLong_AsSize_t(args[6]);
    void *dp = PyLong_AsVoidPtr(args[7]), *stream = PyLong_AsVoidPtr(args[8]);
    if (PyErr_Occurred()) return NULL;
    call_args ca;
    if (parse_kwargs(&ca, k, "cuda_call", args + nargs, kwnames, dir, 1) < 0) return NULL;
    activ_status s;
    Py_BEGIN_ALLOW_THREADS
    if (dir == DIR_FWD)
        s = activ_cuda_forward(k, &ca.p, (activ_cuda_dtype)dt, a, o, n, (activ_cuda_stream)stream);
    else if (dir == DIR_BWD)
        s = activ_cuda_backward(k, &ca.p, (activ_cuda_dtype)dt, a, b, o, n, dp, (activ_cuda_stream)stream);
    else
        s = activ_cuda_backward_from_output(k, &ca.p, (activ_cuda_dtype)dt, a, b, o, n, (activ_cuda_stream)stream);
    Py_END_ALLOW_THREADS
    if (s != ACTIV_OK) return raise_status(s, "cuda", activ_kind_name(k), dir);
    Py_RETURN_NONE;
}
static PyObject *py_cuda_available(PyObject *m, PyObject *u)
{
    (void)m, (void)u;
    return PyBool_FromLong(activ_cuda_available());
}
#endif

static PyMethodDef methods[] = {
    {"make_op", py_make_op, METH_VARARGS, "make_op(kind, direction, name) -> a callable"},
    {"forward", (PyCFunction)(void (*)(void))py_forward, METH_FASTCALL | METH_KEYWORDS,
     "forward(kind, x, *, out=None, **params) -> y = f(x)"},
    {"backward", (PyCFunction)(void (*)(void))py_backward, METH_FASTCALL | METH_KEYWORDS,
     "backward(kind, x, dy, *, out=None, dparam=None, **params) -> dx = dy * f'(x)"},
    {"backward_from_output", (PyCFunction)(void (*)(void))py_backward_from_output,
     METH_FASTCALL | METH_KEYWORDS, "backward_from_output(kind, y, dy, *, out=None, **params) -> dx = dy * g(y)"},
    {"probe", py_probe, METH_VARARGS, "probe(kind, direction) -> status of a one-element call"},
    {"kinds", py_kinds, METH_NOARGS, "kinds() -> the library's kind names, in enum order"},
    {"kind_name", py_kind_from_name, METH_O, "kind_name(name_or_number) -> the canonical kind name"},
    {"set_num_threads", py_set_num_threads, METH_O,
     "set_num_threads(n): threads for large inputs; 0 restores the default"},
    {"get_num_threads", py_get_num_threads, METH_NOARGS, "get_num_threads() -> int"},
    {"get_isa", py_get_isa, METH_NOARGS, "get_isa() -> the code path in use (scalar, sse2, avx2, avx512, neon)"},
    {"set_isa", py_set_isa, METH_O, "set_isa(name): force a code path"},
    {"supported_dtypes", py_supported_dtypes, METH_NOARGS, "supported_dtypes() -> NumPy dtype names"},
    {"c_loop", (PyCFunction)(void (*)(void))py_c_loop, METH_FASTCALL | METH_KEYWORDS,
     "c_loop(kind, direction, a, b, out, reps, rounds, **params) -> seconds per call of the C library (best round)"},
#ifdef ACTIV_PY_CUDA
    {"cuda_call", (PyCFunction)(void (*)(void))py_cuda_call, METH_FASTCALL | METH_KEYWORDS, "CUDA entry"},
    {"cuda_available", py_cuda_available, METH_NOARGS, "cuda_available() -> bool"},
#endif
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_activ", "The C binding of libactiv (see activ/__init__.py).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__activ(void)
{
    import_array();
    if (PyType_Ready(&OpType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    if (PyModule_AddStringConstant(m, "version", activ_version()) < 0 ||
        PyModule_AddIntConstant(m, "version_number", activ_version_number()) < 0 ||
        PyModule_AddIntConstant(m, "FORWARD", DIR_FWD) < 0 ||
        PyModule_AddIntConstant(m, "BACKWARD", DIR_BWD) < 0 ||
        PyModule_AddIntConstant(m, "BACKWARD_FROM_OUTPUT", DIR_BWDY) < 0 ||
#ifdef ACTIV_PY_CUDA
        PyModule_AddIntConstant(m, "has_cuda", 1) < 0 ||
#else
        PyModule_AddIntConstant(m, "has_cuda", 0) < 0 ||
#endif
        PyModule_AddObjectRef(m, "Op", (PyObject *)&OpType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    PyObject *params = PyTuple_New(N_PARAMS);
    for (int i = 0; params && i < N_PARAMS; i++)
        PyTuple_SET_ITEM(params, i, PyUnicode_FromString(PARAMS[i].name));
    if (!params || PyModule_AddObject(m, "params", params) < 0) {
        Py_XDECREF(params);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
