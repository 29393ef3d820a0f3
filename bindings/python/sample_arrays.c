/* Pipeline.run in one native call: run the sample and turn its tensor outputs into NumPy arrays.
 *
 * Compiled into pixelpipes._native after CFFI's generated code (build_ffi.py), so Python.h and the
 * public header are already included. The Python path (pixelpipes/values.py) makes about ten
 * CFFI calls and interpreter steps per output, about 3 us per run() call: as much as a flip of a
 * 256 x 256 photo. This file does the same work in C: the same read-only arrays over the
 * sample's memory, with the same owner keeping the sample alive, for well under half the cost.
 * It only speeds up; pixelpipes/pipeline.py falls back to the Python path for what it leaves
 * (strings, lists, empty tensors), so the two always give the same values.
 *
 * The stable ABI (Py_LIMITED_API 3.9) is all it uses: no NumPy C API, the arrays come from
 * numpy.asarray over the __array_interface__ of pixelpipes.values.TensorMemory, as in Python. */

/* Owns one pxp_sample: freed when the last array over its memory goes. */
typedef struct {
  PyObject_HEAD
  pxp_sample *sample;
} pxp_sample_owner;

static void pxp_sample_owner_dealloc(PyObject *self) {
  PyTypeObject *type = Py_TYPE(self);
  pxp_sample_free(((pxp_sample_owner *)self)->sample);
  ((freefunc)PyType_GetSlot(type, Py_tp_free))(self);
  Py_DECREF(type); /* instances of a heap type hold a reference to it */
}

static PyType_Slot pxp_sample_owner_slots[] = {
    {Py_tp_dealloc, (void *)pxp_sample_owner_dealloc},
    {Py_tp_doc, (void *)"Keeps one native sample alive for the arrays that view its memory."},
    {0, NULL}};

static PyType_Spec pxp_sample_owner_spec = {
    "pixelpipes._native.SampleOwner", sizeof(pxp_sample_owner), 0, Py_TPFLAGS_DEFAULT, pxp_sample_owner_slots};

/* Set once by setup(): the owner type, TensorMemory, numpy.asarray, {dtype code: typestr} and
 * the interface's keys. */
static PyObject *pxp_owner_type, *pxp_tensor_memory, *pxp_asarray, *pxp_typestrs;
static PyObject *pxp_key_version, *pxp_key_shape, *pxp_key_typestr, *pxp_key_data, *pxp_key_strides, *pxp_three;

static PyObject *pxp_int64_tuple(const int64_t *values, int32_t count) {
  PyObject *tuple = PyTuple_New(count);
  if (!tuple) return NULL;
  for (int32_t i = 0; i < count; ++i) {
    PyObject *v = PyLong_FromLongLong(values[i]);
    if (!v) {
      Py_DECREF(tuple);
      return NULL;
    }
    PyTuple_SetItem(tuple, i, v); /* steals v */
  }
  return tuple;
}

/* The read-only array over a tensor view, its base a TensorMemory holding owner; Py_None (new
 * reference) where the Python path must decide (an empty tensor, an unknown dtype). */
static PyObject *pxp_view_array(const pxp_tensor_view *view, PyObject *owner) {
  int empty = view->data == NULL;
  for (int32_t d = 0; d < view->ndim; ++d) empty |= view->shape[d] == 0;
  PyObject *code = PyLong_FromLong(view->dtype);
  if (!code) return NULL;
  PyObject *typestr = PyDict_GetItemWithError(pxp_typestrs, code); /* borrowed */
  Py_DECREF(code);
  if (!typestr) {
    if (PyErr_Occurred()) return NULL;
    empty = 1;
  }
  if (empty || view->ndim < 0 || view->ndim > PXP_MAX_DIMS) Py_RETURN_NONE;

  PyObject *shape = pxp_int64_tuple(view->shape, view->ndim);
  PyObject *strides = pxp_int64_tuple(view->strides, view->ndim);
  PyObject *address = PyLong_FromVoidPtr((void *)view->data);
  PyObject *data = address ? PyTuple_Pack(2, address, Py_True) : NULL; /* (address, read-only) */
  PyObject *interface = PyDict_New();
  PyObject *array = NULL;
  if (shape && strides && data && interface && PyDict_SetItem(interface, pxp_key_version, pxp_three) == 0 &&
      PyDict_SetItem(interface, pxp_key_shape, shape) == 0 && PyDict_SetItem(interface, pxp_key_typestr, typestr) == 0 &&
      PyDict_SetItem(interface, pxp_key_data, data) == 0 && PyDict_SetItem(interface, pxp_key_strides, strides) == 0) {
    PyObject *memory = PyObject_CallFunctionObjArgs(pxp_tensor_memory, interface, owner, NULL);
    if (memory) {
      array = PyObject_CallFunctionObjArgs(pxp_asarray, memory, NULL);
      Py_DECREF(memory);
    }
  }
  Py_XDECREF(shape);
  Py_XDECREF(strides);
  Py_XDECREF(address);
  Py_XDECREF(data);
  Py_XDECREF(interface);
  return array;
}

/* {name: array} of a sample this call now owns (freed with the owner, or here on a failure), or
 * (partial dict, owner, sample address) when some outputs are left to the Python path (None in
 * the dict). */
static PyObject *pxp_adopt_outputs(pxp_sample *sample, PyObject *names) {
  PyObject *owner = PyType_GenericAlloc((PyTypeObject *)pxp_owner_type, 0);
  if (!owner) {
    pxp_sample_free(sample);
    return NULL;
  }
  ((pxp_sample_owner *)owner)->sample = sample;
  Py_ssize_t count = PyTuple_Size(names);
  PyObject *outputs = count < 0 ? NULL : PyDict_New();
  int partial = 0;
  for (Py_ssize_t i = 0; outputs && i < count; ++i) {
    const pxp_value *value = NULL;
    pxp_tensor_view view;
    PyObject *array;
    if (pxp_sample_output(&value, sample, (size_t)i) == PXP_OK && pxp_value_tensor(&view, value) == PXP_OK) {
      array = pxp_view_array(&view, owner);
    } else {
      array = Py_None;
      Py_INCREF(array);
    }
    partial |= array == Py_None;
    if (!array || PyDict_SetItem(outputs, PyTuple_GetItem(names, i), array) < 0) Py_CLEAR(outputs);
    Py_XDECREF(array);
  }
  PyObject *result = outputs;
  if (outputs && partial) {
    PyObject *address = PyLong_FromVoidPtr(sample);
    result = address ? PyTuple_Pack(3, outputs, owner, address) : NULL;
    Py_XDECREF(address);
    Py_DECREF(outputs);
  }
  Py_DECREF(owner);
  return result;
}

/* run(pipeline address, index, names): runs sample index on this thread without the GIL (a
 * PythonItems callback takes it), then converts. A failing run returns its status (an int) for
 * the caller to raise the library's last error, which is this thread's. */
static PyObject *pxp_fast_run(PyObject *module, PyObject *args) {
  PyObject *address, *names;
  unsigned long long index;
  if (!PyArg_ParseTuple(args, "OKO", &address, &index, &names)) return NULL;
  if (!PyTuple_Check(names)) {
    PyErr_SetString(PyExc_TypeError, "run(): names must be a tuple");
    return NULL;
  }
  pxp_pipeline *pipeline = (pxp_pipeline *)PyLong_AsVoidPtr(address);
  if (!pipeline) return PyErr_Occurred() ? NULL : PyLong_FromLong(PXP_EINVALID_ARGUMENT);
  if (!pxp_owner_type) {
    PyErr_SetString(PyExc_RuntimeError, "pixelpipes._native.setup() was not called");
    return NULL;
  }
  pxp_sample *sample = NULL;
  pxp_status status;
  PyThreadState *state = PyEval_SaveThread();
  status = pxp_pipeline_run(&sample, pipeline, (uint64_t)index);
  PyEval_RestoreThread(state);
  if (status < 0) return PyLong_FromLong(status);
  return pxp_adopt_outputs(sample, names);
}

/* setup(TensorMemory, numpy.asarray, {dtype code: typestr}): once, at import. */
static PyObject *pxp_fast_setup(PyObject *module, PyObject *args) {
  PyObject *memory, *asarray, *typestrs;
  if (!PyArg_ParseTuple(args, "OOO", &memory, &asarray, &typestrs)) return NULL;
  if (!PyDict_Check(typestrs)) {
    PyErr_SetString(PyExc_TypeError, "setup(): typestrs must be a dict");
    return NULL;
  }
  if (!pxp_owner_type) {
    pxp_owner_type = PyType_FromSpec(&pxp_sample_owner_spec);
    pxp_key_version = PyUnicode_InternFromString("version");
    pxp_key_shape = PyUnicode_InternFromString("shape");
    pxp_key_typestr = PyUnicode_InternFromString("typestr");
    pxp_key_data = PyUnicode_InternFromString("data");
    pxp_key_strides = PyUnicode_InternFromString("strides");
    pxp_three = PyLong_FromLong(3);
    if (!pxp_owner_type || !pxp_key_version || !pxp_key_shape || !pxp_key_typestr || !pxp_key_data ||
        !pxp_key_strides || !pxp_three) {
      Py_CLEAR(pxp_owner_type);
      return NULL;
    }
  }
  PyObject *old[3] = {pxp_tensor_memory, pxp_asarray, pxp_typestrs};
  Py_INCREF(memory);
  Py_INCREF(asarray);
  Py_INCREF(typestrs);
  pxp_tensor_memory = memory;
  pxp_asarray = asarray;
  pxp_typestrs = typestrs;
  for (int i = 0; i < 3; ++i) Py_XDECREF(old[i]);
  Py_RETURN_NONE;
}

static PyMethodDef pxp_fast_methods[] = {
    {"setup", pxp_fast_setup, METH_VARARGS, "setup(TensorMemory, asarray, typestrs): the fast run's helpers."},
    {"run", pxp_fast_run, METH_VARARGS,
     "run(pipeline address, index, names) -> {name: array}, (partial, owner, sample address) or a status."},
    {NULL, NULL, 0, NULL}};

/* Called once through CFFI (which releases the GIL around its calls): adds setup() and run() to
 * the module pixelpipes._native. 0 on success, -1 with the Python error printed. */
int pxp_python_install_fast_run(void) {
  PyGILState_STATE gil = PyGILState_Ensure();
  int status = -1;
  PyObject *module = PyImport_ImportModule("pixelpipes._native");
  if (module) {
    status = PyModule_AddFunctions(module, pxp_fast_methods);
    Py_DECREF(module);
  }
  if (status < 0) PyErr_Print();
  PyGILState_Release(gil);
  return status;
}
