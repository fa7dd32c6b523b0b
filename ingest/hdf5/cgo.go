//go:build cgo

package hdf5

/*
#cgo CFLAGS: -I/usr/include/hdf5/serial
#cgo linux,amd64 LDFLAGS: -L/usr/lib/x86_64-linux-gnu/hdf5/serial
#cgo linux,arm64 LDFLAGS: -L/usr/lib/aarch64-linux-gnu/hdf5/serial
#cgo LDFLAGS: -lhdf5

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <hdf5.h>

// ---- Fault guard ----
//
// HDF5 1.10 trusts some lengths and indices it reads from the file (global
// heap objects, the store of variable-length strings, above all) and a
// corrupt file can make it read out of bounds. While a guarded wrapper below
// runs, a SIGSEGV, SIGBUS, SIGFPE or SIGABRT (glibc's answer to a heap the
// library overran) on its thread jumps back to it, which
// returns its failure value and sets obl_faulted; the library may then be in
// any state, so the Go side calls it no more. Any other fault goes on to the
// handler that was there before (Go's), unchanged.

static volatile sig_atomic_t obl_faulted;
static __thread sigjmp_buf *obl_jmp;
#define OBL_NSIGS 4
static const int obl_sigs[OBL_NSIGS] = {SIGSEGV, SIGBUS, SIGFPE, SIGABRT};
static struct sigaction obl_prev[OBL_NSIGS];

static void obl_on_fault(int sig, siginfo_t *info, void *ctx) {
	sigjmp_buf *j = obl_jmp;
	if (j != NULL) {
		obl_jmp = NULL;
		obl_faulted = 1;
		siglongjmp(*j, 1);
	}
	for (int i = 0; i < OBL_NSIGS; i++) {
		if (obl_sigs[i] != sig) {
			continue;
		}
		struct sigaction *p = &obl_prev[i];
		if (p->sa_flags & SA_SIGINFO) {
			p->sa_sigaction(sig, info, ctx);
		} else if (p->sa_handler != SIG_DFL && p->sa_handler != SIG_IGN) {
			p->sa_handler(sig);
		} else {
			signal(sig, SIG_DFL);
			raise(sig);
		}
		return;
	}
}

static int obl_guard_install(void) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = obl_on_fault;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (int i = 0; i < OBL_NSIGS; i++) {
		if (sigaction(obl_sigs[i], &sa, &obl_prev[i]) < 0) {
			return -1;
		}
	}
	return 0;
}

static int obl_is_faulted(void) { return obl_faulted != 0; }

// OBL_GUARDED is the body of a wrapper returning expr, or fail after a fault.
#define OBL_GUARDED(T, fail, expr)                      \
	sigjmp_buf env_;                                   \
	if (obl_faulted) {                                 \
		return (fail);                                 \
	}                                                  \
	if (sigsetjmp(env_, 1) != 0) {                     \
		obl_jmp = NULL;                                \
		return (fail);                                 \
	}                                                  \
	obl_jmp = &env_;                                   \
	T r_ = (expr);                                     \
	obl_jmp = NULL;                                    \
	return r_;

// The H5T_NATIVE_* and H5T_STD_* names are macros that call H5open: cgo
// reaches them through functions.
static hid_t obl_native_double(void) { return H5T_NATIVE_DOUBLE; }
static hid_t obl_native_int64(void) { return H5T_NATIVE_INT64; }
static hid_t obl_native_uint64(void) { return H5T_NATIVE_UINT64; }
static hid_t obl_ref_obj(void) { return H5T_STD_REF_OBJ; }
static hid_t obl_ref_dsetreg(void) { return H5T_STD_REF_DSETREG; }
static hid_t obl_c_s1(void) { return H5T_C_S1; }

#if H5_VERSION_GE(1, 12, 0)
#define OBL_RECLAIM H5Treclaim
#else
#define OBL_RECLAIM H5Dvlen_reclaim
#endif

// obl_quiet stops the library printing error stacks on this thread (the
// setting is per thread in a thread-safe build) and clears the stack.
static void obl_quiet(void) {
	if (obl_faulted) {
		return;
	}
	H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
	H5Eclear2(H5E_DEFAULT);
}

// obl_err holds the outermost and innermost descriptions of the error stack.
typedef struct {
	char top[256];
	char deep[256];
	int n;
} obl_err;

static herr_t obl_err_cb(unsigned n, const H5E_error2_t *e, void *data) {
	obl_err *o = (obl_err *)data;
	const char *d = (e != NULL && e->desc != NULL) ? e->desc : "";
	if (o->n == 0) {
		strncpy(o->top, d, sizeof o->top - 1);
	}
	strncpy(o->deep, d, sizeof o->deep - 1);
	o->n++;
	return 0;
}

static void obl_errmsg(obl_err *o) {
	memset(o, 0, sizeof *o);
	if (obl_faulted) {
		return;
	}
	H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, obl_err_cb, o);
	H5Eclear2(H5E_DEFAULT);
}

// obl_tinfo describes a datatype.
typedef struct {
	int cls;
	size_t size;
	int sign;
	int vlenstr;
	int utf8;
	int strpad;
	int isbool;
	int region;
} obl_tinfo;

static int obl_typeinfo_(hid_t t, obl_tinfo *o) {
	memset(o, 0, sizeof *o);
	H5T_class_t c = H5Tget_class(t);
	if (c < 0) {
		return -1;
	}
	o->cls = (int)c;
	o->size = H5Tget_size(t);
	switch (c) {
	case H5T_INTEGER:
		o->sign = H5Tget_sign(t) == H5T_SGN_2;
		break;
	case H5T_STRING: {
		htri_t v = H5Tis_variable_str(t);
		if (v < 0) {
			return -1;
		}
		o->vlenstr = v > 0;
		o->utf8 = H5Tget_cset(t) == H5T_CSET_UTF8;
		o->strpad = (int)H5Tget_strpad(t);
		break;
	}
	case H5T_ENUM: {
		hid_t super = H5Tget_super(t);
		if (super < 0) {
			return -1;
		}
		o->sign = H5Tget_sign(super) == H5T_SGN_2;
		H5Tclose(super);
		if (o->size == 1 && H5Tget_nmembers(t) == 2) {
			char *n0 = H5Tget_member_name(t, 0);
			char *n1 = H5Tget_member_name(t, 1);
			unsigned char v0 = 2, v1 = 2;
			if (n0 != NULL && n1 != NULL && strcmp(n0, "FALSE") == 0 && strcmp(n1, "TRUE") == 0 &&
			    H5Tget_member_value(t, 0, &v0) >= 0 && H5Tget_member_value(t, 1, &v1) >= 0 &&
			    v0 == 0 && v1 == 1) {
				o->isbool = 1;
			}
			if (n0 != NULL) H5free_memory(n0);
			if (n1 != NULL) H5free_memory(n1);
		}
		break;
	}
	case H5T_REFERENCE:
		o->region = H5Tequal(t, H5T_STD_REF_DSETREG) > 0;
		break;
	default:
		break;
	}
	return 0;
}

static int obl_typeinfo(hid_t t, obl_tinfo *o) { OBL_GUARDED(int, -1, obl_typeinfo_(t, o)) }

// obl_lay says where the elements of a dataset are when the Go side can
// read them from the file itself (direct reads): contiguous storage that is
// allocated, in this file (no external storage), of exactly npoints × size
// bytes, holding integers of 1, 2, 4 or 8 bytes without padding bits or
// IEEE floats of 4 or 8 bytes, either byte order.
typedef struct {
	int direct;
	haddr_t addr;
	int bigendian;
} obl_lay;

static int obl_layout_(hid_t ds, hid_t ft, const obl_tinfo *ti, obl_lay *o) {
	memset(o, 0, sizeof *o);
	size_t size = ti->size;
	if (size != 1 && size != 2 && size != 4 && size != 8) {
		return 0;
	}
	switch (ti->cls) {
	case H5T_INTEGER:
		if (H5Tget_precision(ft) != 8 * size || H5Tget_offset(ft) != 0) {
			return 0;
		}
		break;
	case H5T_FLOAT:
		if (H5Tequal(ft, H5T_IEEE_F32LE) <= 0 && H5Tequal(ft, H5T_IEEE_F32BE) <= 0 &&
		    H5Tequal(ft, H5T_IEEE_F64LE) <= 0 && H5Tequal(ft, H5T_IEEE_F64BE) <= 0) {
			return 0;
		}
		break;
	default:
		return 0;
	}
	H5T_order_t order = H5Tget_order(ft);
	if (order != H5T_ORDER_LE && order != H5T_ORDER_BE) {
		return 0;
	}
	hid_t pl = H5Dget_create_plist(ds);
	if (pl < 0) {
		return -1;
	}
	H5D_layout_t l = H5Pget_layout(pl);
	int next = H5Pget_external_count(pl);
	H5Pclose(pl);
	if (l != H5D_CONTIGUOUS || next != 0) {
		return 0;
	}
	hid_t sp = H5Dget_space(ds);
	if (sp < 0) {
		return -1;
	}
	hssize_t np = H5Sget_simple_extent_npoints(sp);
	H5Sclose(sp);
	haddr_t a = H5Dget_offset(ds);
	if (np < 0 || a == HADDR_UNDEF || H5Dget_storage_size(ds) != (hsize_t)np * size) {
		return 0;
	}
	o->direct = 1;
	o->addr = a;
	o->bigendian = order == H5T_ORDER_BE;
	return 0;
}

static int obl_layout(hid_t ds, hid_t ft, const obl_tinfo *ti, obl_lay *o) {
	OBL_GUARDED(int, -1, obl_layout_(ds, ft, ti, o))
}

// obl_file_ident gives the device and inode of the file f, when the library
// reads it through the default (sec2) driver: 1 then, 0 for another driver,
// -1 on an error.
static int obl_file_ident_(hid_t f, unsigned long long *dev, unsigned long long *ino) {
	hid_t fapl = H5Fget_access_plist(f);
	if (fapl < 0) {
		return -1;
	}
	if (H5Pget_driver(fapl) != H5FD_SEC2) {
		H5Pclose(fapl);
		return 0;
	}
	void *h = NULL;
	herr_t r = H5Fget_vfd_handle(f, fapl, &h);
	H5Pclose(fapl);
	struct stat st;
	if (r < 0 || h == NULL || fstat(*(int *)h, &st) < 0) {
		return -1;
	}
	*dev = (unsigned long long)st.st_dev;
	*ino = (unsigned long long)st.st_ino;
	return 1;
}

static int obl_file_ident(hid_t f, unsigned long long *dev, unsigned long long *ino) {
	OBL_GUARDED(int, -1, obl_file_ident_(f, dev, ino))
}

// obl_exists returns 1 if every link along the absolute path exists, 0 if
// one does not, -1 on a library error.
static int obl_exists_(hid_t f, const char *path) {
	size_t n = strlen(path);
	char *p = malloc(n + 1);
	if (p == NULL) {
		return -1;
	}
	memcpy(p, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] == '/' || p[i] == '\0') {
			char c = p[i];
			p[i] = '\0';
			htri_t e = H5Lexists(f, p, H5P_DEFAULT);
			p[i] = c;
			if (e <= 0) {
				free(p);
				return e < 0 ? -1 : 0;
			}
		}
	}
	free(p);
	return 1;
}

static int obl_exists(hid_t f, const char *path) { OBL_GUARDED(int, -1, obl_exists_(f, path)) }

// obl_objkind opens name (relative to loc) and returns 1 for a group, 2 for
// a dataset, 3 for a committed datatype, 0 for anything else, -1 if it
// cannot be opened.
static int obl_objkind_(hid_t loc, const char *name) {
	hid_t o = H5Oopen(loc, name, H5P_DEFAULT);
	if (o < 0) {
		return -1;
	}
	H5I_type_t t = H5Iget_type(o);
	H5Oclose(o);
	switch (t) {
	case H5I_GROUP:
		return 1;
	case H5I_DATASET:
		return 2;
	case H5I_DATATYPE:
		return 3;
	default:
		return 0;
	}
}

static int obl_objkind(hid_t loc, const char *name) { OBL_GUARDED(int, -1, obl_objkind_(loc, name)) }

static int obl_nlinks_(hid_t g, hsize_t *n) {
	H5G_info_t info;
	if (H5Gget_info(g, &info) < 0) {
		return -1;
	}
	*n = info.nlinks;
	return 0;
}

static int obl_nlinks(hid_t g, hsize_t *n) { OBL_GUARDED(int, -1, obl_nlinks_(g, n)) }

static ssize_t obl_linkname(hid_t g, hsize_t i, char *buf, size_t cap) {
	OBL_GUARDED(ssize_t, -1, H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, buf, cap, H5P_DEFAULT))
}

// obl_linkinfo returns 0 for a hard link, 1 for a soft link, 2 for an
// external link, 3 for a user-defined link, -1 on error. For soft and
// external links *target is set to a malloc'd description of the target;
// for a hard link *addr is the object's address in the file (the first 8
// bytes of its token from HDF5 1.12 on), which tells hard links to one
// object apart from links to others.
static int obl_linkinfo_(hid_t g, const char *name, char **target, unsigned long long *addr) {
	H5L_info_t info;
	*target = NULL;
	*addr = 0;
	if (H5Lget_info(g, name, &info, H5P_DEFAULT) < 0) {
		return -1;
	}
	if (info.type == H5L_TYPE_HARD) {
#if defined(H5L_info_t_vers) && H5L_info_t_vers >= 2
		memcpy(addr, &info.u.token, sizeof *addr < sizeof info.u.token ? sizeof *addr : sizeof info.u.token);
#else
		*addr = (unsigned long long)info.u.address;
#endif
		return 0;
	}
	if (info.type != H5L_TYPE_SOFT && info.type != H5L_TYPE_EXTERNAL) {
		return 3;
	}
	size_t n = info.u.val_size;
	char *buf = calloc(n + 1, 1);
	if (buf == NULL) {
		return -1;
	}
	if (H5Lget_val(g, name, buf, n, H5P_DEFAULT) < 0) {
		free(buf);
		return -1;
	}
	if (info.type == H5L_TYPE_SOFT) {
		*target = buf;
		return 1;
	}
	const char *file = NULL, *obj = NULL;
	unsigned flags = 0;
	if (H5Lunpack_elink_val(buf, n, &flags, &file, &obj) >= 0 && file != NULL && obj != NULL) {
		size_t m = strlen(file) + strlen(obj) + 2;
		char *s = malloc(m);
		if (s != NULL) {
			snprintf(s, m, "%s:%s", file, obj);
			*target = s;
		}
	}
	free(buf);
	return 2;
}

static int obl_linkinfo(hid_t g, const char *name, char **target, unsigned long long *addr) {
	OBL_GUARDED(int, -1, obl_linkinfo_(g, name, target, addr))
}

// obl_names collects attribute names, each ended by a NUL.
typedef struct {
	char *buf;
	size_t len, cap;
} obl_names;

static herr_t obl_names_add(obl_names *o, const char *name) {
	size_t m = strlen(name) + 1;
	if (o->len + m > o->cap) {
		size_t c = o->cap ? 2 * o->cap : 256;
		while (c < o->len + m) {
			c *= 2;
		}
		char *b = realloc(o->buf, c);
		if (b == NULL) {
			return -1;
		}
		o->buf = b;
		o->cap = c;
	}
	memcpy(o->buf + o->len, name, m);
	o->len += m;
	return 0;
}

static herr_t obl_attr_cb(hid_t loc, const char *name, const H5A_info_t *info, void *data) {
	return obl_names_add((obl_names *)data, name);
}

static herr_t obl_attr_names_(hid_t obj, obl_names *o) {
	hsize_t idx = 0;
	return H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, obl_attr_cb, o);
}

static herr_t obl_attr_names(hid_t obj, obl_names *o) { OBL_GUARDED(herr_t, -1, obl_attr_names_(obj, o)) }

// obl_link_names collects the names of the links of the group at path, at
// most max of them (more is set when there are more).
typedef struct {
	obl_names names;
	size_t max, n;
	int more;
} obl_lnames;

static herr_t obl_lname_cb(hid_t g, const char *name, const H5L_info_t *info, void *data) {
	obl_lnames *o = (obl_lnames *)data;
	if (o->n == o->max) {
		o->more = 1;
		return 1;
	}
	o->n++;
	return obl_names_add(&o->names, name);
}

static herr_t obl_link_names_(hid_t f, const char *path, obl_lnames *o) {
	hid_t g = H5Gopen2(f, path, H5P_DEFAULT);
	if (g < 0) {
		return -1;
	}
	hsize_t idx = 0;
	herr_t r = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, obl_lname_cb, o);
	H5Gclose(g);
	return r < 0 ? -1 : 0;
}

static herr_t obl_link_names(hid_t f, const char *path, obl_lnames *o) {
	OBL_GUARDED(herr_t, -1, obl_link_names_(f, path, o))
}

// obl_refname writes the path of the object a reference points at.
static ssize_t obl_refname(hid_t loc, int region, const void *ref, char *buf, size_t cap) {
	OBL_GUARDED(ssize_t, -1, H5Rget_name(loc, region ? H5R_DATASET_REGION : H5R_OBJECT, ref, buf, cap))
}

// Guarded wrappers of single API calls.
static herr_t obl_dread(hid_t ds, hid_t mt, hid_t ms, hid_t fs, void *buf) {
	OBL_GUARDED(herr_t, -1, H5Dread(ds, mt, ms, fs, H5P_DEFAULT, buf))
}
static herr_t obl_aread(hid_t a, hid_t mt, void *buf) { OBL_GUARDED(herr_t, -1, H5Aread(a, mt, buf)) }
static hid_t obl_oopen(hid_t loc, const char *name) { OBL_GUARDED(hid_t, -1, H5Oopen(loc, name, H5P_DEFAULT)) }
static htri_t obl_aexists(hid_t obj, const char *name) { OBL_GUARDED(htri_t, -1, H5Aexists(obj, name)) }
static hid_t obl_aopen(hid_t obj, const char *name) { OBL_GUARDED(hid_t, -1, H5Aopen(obj, name, H5P_DEFAULT)) }
static hid_t obl_dget_type(hid_t ds) { OBL_GUARDED(hid_t, -1, H5Dget_type(ds)) }
static hid_t obl_aget_type(hid_t a) { OBL_GUARDED(hid_t, -1, H5Aget_type(a)) }
static hid_t obl_aget_space(hid_t a) { OBL_GUARDED(hid_t, -1, H5Aget_space(a)) }
static int obl_sget_type(hid_t s) { OBL_GUARDED(int, -1, (int)H5Sget_simple_extent_type(s)) }
static hssize_t obl_snpoints(hid_t s) { OBL_GUARDED(hssize_t, -1, H5Sget_simple_extent_npoints(s)) }
static hid_t obl_tnative(hid_t t) { OBL_GUARDED(hid_t, -1, H5Tget_native_type(t, H5T_DIR_ASCEND)) }
static hid_t obl_tcopy(hid_t t) { OBL_GUARDED(hid_t, -1, H5Tcopy(t)) }
static size_t obl_tsize(hid_t t) { OBL_GUARDED(size_t, 0, H5Tget_size(t)) }
static hid_t obl_vlenstr_type(int utf8) {
	hid_t t = obl_tcopy(H5T_C_S1);
	if (t < 0) {
		return -1;
	}
	if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, utf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII) < 0) {
		H5Tclose(t);
		return -1;
	}
	return t;
}
// obl_vlen_bytes_type returns a memory type for a variable-length sequence
// of one-byte strings or integers (MATLAB's MATLAB_fields attribute), or -1
// for any other sequence.
static hid_t obl_vlen_bytes_type_(hid_t ft) {
	hid_t super = H5Tget_super(ft);
	if (super < 0) {
		return -1;
	}
	H5T_class_t c = H5Tget_class(super);
	size_t size = H5Tget_size(super);
	hid_t mt = -1;
	if (size == 1 && c == H5T_STRING) {
		// Strings do not convert to integers: keep the file's
		// one-character string type.
		mt = H5Tvlen_create(super);
	} else if (size == 1 && c == H5T_INTEGER) {
		mt = H5Tvlen_create(H5T_NATIVE_UCHAR);
	}
	H5Tclose(super);
	return mt;
}
static hid_t obl_vlen_bytes_type(hid_t ft) { OBL_GUARDED(hid_t, -1, obl_vlen_bytes_type_(ft)) }
static herr_t obl_reclaim_(hid_t type, size_t n, void *buf) {
	hsize_t dims = n;
	hid_t s = H5Screate_simple(1, &dims, NULL);
	if (s < 0) {
		return -1;
	}
	herr_t r = OBL_RECLAIM(type, s, H5P_DEFAULT, buf);
	H5Sclose(s);
	return r;
}
static herr_t obl_reclaim(hid_t type, size_t n, void *buf) { OBL_GUARDED(herr_t, -1, obl_reclaim_(type, n, buf)) }

// Closing after a fault would call into a library in an unknown state.
static void obl_oclose(hid_t id) { if (!obl_faulted) H5Oclose(id); }
static void obl_aclose(hid_t id) { if (!obl_faulted) H5Aclose(id); }
static void obl_tclose(hid_t id) { if (!obl_faulted) H5Tclose(id); }
static void obl_sclose(hid_t id) { if (!obl_faulted) H5Sclose(id); }

// After a fault the C heap may be corrupt: leak rather than free.
static void obl_free(void *p) { if (!obl_faulted) free(p); }
*/
import "C"

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"path"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	h5 "gonum.org/v1/hdf5"
)

// handle is a file open in the HDF5 library of this process. Its fields
// are guarded by mu.
type handle struct {
	f      *h5.File
	closed bool
	id     fileIdent
}

var _ backend = (*handle)(nil)

// mu serializes every call into the HDF5 library. Debian builds it
// thread-safe, which only means it takes its own global lock; its error
// stack and error printing are per thread, so each call also keeps to one
// OS thread from silencing to reading the stack.
var mu sync.Mutex

func init() { installGuard() }

var guardOnce sync.Once

// installGuard installs the fault guard, once. The package's init does;
// so does a reader process (serve), whose init may run first.
func installGuard() {
	guardOnce.Do(func() {
		// Without the guard a fault still crashes the program, as it
		// would anyway; there is nothing better to do than go on.
		_ = C.obl_guard_install()
	})
}

var (
	errFault    = fmt.Errorf("%w while reading this: the file is corrupt; HDF5 reads are disabled in this process from now on", ErrFault)
	errDisabled = fmt.Errorf("%w on an earlier, corrupt file: HDF5 reads are disabled in this process", ErrFault)
)

// call runs fn holding mu on a locked OS thread with error printing off. A
// Go panic in fn becomes an error, and so does a fault caught by the guard;
// after a fault, call runs nothing more.
func call(fn func() error) (err error) {
	mu.Lock()
	defer mu.Unlock()
	if C.obl_is_faulted() != 0 {
		return errDisabled
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	C.obl_quiet()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
		if C.obl_is_faulted() != 0 {
			err = errFault
		}
	}()
	return fn()
}

// cfree frees C memory, unless the library faulted meanwhile.
func cfree(p *C.char) { C.obl_free(unsafe.Pointer(p)) }

// closeObj closes an object opened through gonum/hdf5, unless the library
// faulted meanwhile.
func closeObj(c interface{ Close() error }) {
	if C.obl_is_faulted() == 0 {
		c.Close()
	}
}

// libErr describes the failure of the last library call from the error
// stack: the outermost and innermost messages, else what.
func libErr(what string) error {
	var o C.obl_err
	C.obl_errmsg(&o)
	top := C.GoString(&o.top[0])
	deep := C.GoString(&o.deep[0])
	switch {
	case top != "" && deep != "" && top != deep:
		return errors.New(top + ": " + deep)
	case deep != "":
		return errors.New(deep)
	case top != "":
		return errors.New(top)
	}
	return errors.New(what)
}

// openFile opens name in the HDF5 library of this process.
func openFile(name string) (*handle, error) {
	if err := checkFile(name); err != nil {
		return nil, err
	}
	var h *handle
	err := call(func() error {
		if !h5.IsHDF5(name) {
			var o C.obl_err
			C.obl_errmsg(&o)
			if o.n > 0 {
				return fmt.Errorf("%w: %s", ErrNotHDF5, C.GoString(&o.deep[0]))
			}
			return fmt.Errorf("%w (no HDF5 signature)", ErrNotHDF5)
		}
		f, err := h5.OpenFile(name, h5.F_ACC_RDONLY)
		if err != nil {
			return libErr("cannot open")
		}
		h = &handle{f: f}
		var dev, ino C.ulonglong
		switch C.obl_file_ident(h.fid(), &dev, &ino) {
		case 1:
			h.id = fileIdent{OK: true, Dev: uint64(dev), Ino: uint64(ino)}
		default:
			C.obl_quiet()
		}
		return nil
	})
	return h, err
}

func (h *handle) ident() fileIdent { return h.id }

func (h *handle) fid() C.hid_t { return C.hid_t(h.f.ID()) }

func (h *handle) close() error {
	return call(func() error {
		if h.closed {
			return nil
		}
		h.closed = true
		if err := h.f.Close(); err != nil {
			return libErr("cannot close")
		}
		return nil
	})
}

// locked runs fn through call after checking the file is open.
func (h *handle) locked(fn func() error) error {
	return call(func() error {
		if h.closed {
			return ErrClosed
		}
		return fn()
	})
}

func (h *handle) stat(p string, siblings bool) (s statInfo, err error) {
	err = h.locked(func() error {
		if siblings {
			s.Siblings = h.linkNames(path.Dir(p))
		}
		s.Kind, err = h.kind(p)
		return err
	})
	if err == nil && s.Kind == KindDataset {
		var derr error
		s.Info, s.Layout, derr = h.dataset(p)
		s.IsSet = derr == nil
	}
	return s, err
}

// linkNames lists the links of the group at g: nil when it has more than
// maxListed or cannot be listed. Call it with mu held.
func (h *handle) linkNames(g string) []string {
	cg := C.CString(g)
	defer cfree(cg)
	o := C.obl_lnames{max: maxListed}
	defer func() { cfree(o.names.buf) }()
	if C.obl_link_names(h.fid(), cg, &o) < 0 || o.more != 0 {
		C.obl_quiet()
		return nil
	}
	names := []string{}
	if o.names.len > 0 {
		raw := C.GoStringN(o.names.buf, C.int(o.names.len))
		names = strings.Split(strings.TrimSuffix(raw, "\x00"), "\x00")
	}
	return names
}

// kind returns what the absolute path p names. Call it with mu held.
func (h *handle) kind(p string) (Kind, error) {
	cp := C.CString(p)
	defer cfree(cp)
	if p != "/" {
		switch C.obl_exists(h.fid(), cp) {
		case 0:
			return KindUnknown, ErrNotFound
		case -1:
			return KindUnknown, h.lookupErr(p)
		}
	}
	switch C.obl_objkind(h.fid(), cp) {
	case 1:
		return KindGroup, nil
	case 2:
		return KindDataset, nil
	case 3:
		return KindDatatype, nil
	case 0:
		return KindUnknown, nil
	}
	return KindUnknown, fmt.Errorf("cannot open the object (dangling soft link, external link or corrupt header): %v", libErr("open failed"))
}

// lookupErr explains why the links along p could not be followed: an
// ancestor that is not a group, or the library's reason. Call it with mu
// held.
func (h *handle) lookupErr(p string) error {
	err := libErr("lookup failed")
	for i := 1; i < len(p); i++ {
		if p[i] != '/' {
			continue
		}
		cq := C.CString(p[:i])
		k := C.obl_objkind(h.fid(), cq)
		cfree(cq)
		switch k {
		case 1:
			continue
		case 2, 3:
			return fmt.Errorf("%w (%s is not a group)", ErrNotFound, p[:i])
		}
		break
	}
	return fmt.Errorf("%w (%v)", ErrNotFound, err)
}

// need checks that p names an object of kind want. Call it with mu held.
func (h *handle) need(p string, want Kind) error {
	k, err := h.kind(p)
	if err != nil {
		return err
	}
	if k != want {
		return fmt.Errorf("is a %v, not a %v", k, want)
	}
	return nil
}

func (h *handle) members(p string) (ms []Member, err error) {
	err = h.locked(func() error {
		if err := h.need(p, KindGroup); err != nil {
			return err
		}
		g, err := h.f.OpenGroup(p)
		if err != nil {
			return libErr("cannot open group")
		}
		defer closeObj(g)
		gid := C.hid_t(g.ID())
		var n C.hsize_t
		if C.obl_nlinks(gid, &n) < 0 {
			return libErr("cannot count links")
		}
		ms = make([]Member, 0, int(n))
		for i := C.hsize_t(0); i < n; i++ {
			size := C.obl_linkname(gid, i, nil, 0)
			if size < 0 {
				return libErr("cannot read a link name")
			}
			buf := (*C.char)(C.calloc(C.size_t(size)+1, 1))
			if buf == nil {
				return errors.New("out of memory")
			}
			size = C.obl_linkname(gid, i, buf, C.size_t(size)+1)
			name := C.GoString(buf)
			cfree(buf)
			if size < 0 {
				return libErr("cannot read a link name")
			}
			m, err := member(gid, name)
			if err != nil {
				return fmt.Errorf("link %q: %w", name, err)
			}
			ms = append(ms, m)
		}
		return nil
	})
	if err != nil {
		ms = nil
	}
	return ms, err
}

// member describes the link name of group gid. Call it with mu held.
func member(gid C.hid_t, name string) (Member, error) {
	m := Member{Name: name}
	cn := C.CString(name)
	defer cfree(cn)
	var target *C.char
	var addr C.ulonglong
	lt := C.obl_linkinfo(gid, cn, &target, &addr)
	m.Addr = uint64(addr)
	if target != nil {
		m.Link = C.GoString(target)
		cfree(target)
	}
	switch lt {
	case -1:
		return m, libErr("cannot read the link")
	case 2:
		if m.Link == "" {
			m.Link = "external link"
		}
		return m, nil
	case 3:
		m.Link = "user-defined link"
		return m, nil
	}
	switch C.obl_objkind(gid, cn) {
	case 1:
		m.Kind = KindGroup
	case 2:
		m.Kind = KindDataset
	case 3:
		m.Kind = KindDatatype
	case -1:
		if lt == 0 {
			return m, libErr("cannot open the object")
		}
		C.obl_quiet() // a dangling soft link: not an error
	}
	return m, nil
}

// typeInfo describes the datatype t.
func typeInfo(t C.hid_t) (C.obl_tinfo, Dtype, error) {
	var ti C.obl_tinfo
	if C.obl_typeinfo(t, &ti) < 0 {
		return ti, Dtype{}, libErr("cannot read the datatype")
	}
	d := Dtype{Size: int(ti.size)}
	switch ti.cls {
	case C.H5T_INTEGER:
		d.Class = Uint
		if ti.sign != 0 {
			d.Class = Int
		}
	case C.H5T_FLOAT:
		d.Class = Float
	case C.H5T_STRING:
		d.Class = String
		d.VarLen = ti.vlenstr != 0
		d.UTF8 = ti.utf8 != 0
		if d.VarLen {
			d.Size = 0
		}
	case C.H5T_ENUM:
		d.Class = Enum
		if ti.isbool != 0 {
			d.Class = Bool
		}
	case C.H5T_REFERENCE:
		d.Class = Reference
		d.Region = ti.region != 0
	case C.H5T_COMPOUND:
		d.Class = Compound
	case C.H5T_OPAQUE:
		d.Class = Opaque
	case C.H5T_ARRAY:
		d.Class = Array
	case C.H5T_VLEN:
		d.Class = VarLen
	case C.H5T_BITFIELD:
		d.Class = Bitfield
	case C.H5T_TIME:
		d.Class = Time
	}
	return ti, d, nil
}

// space describes a dataspace: its shape, or null.
func space(s *h5.Dataspace) (shape []int, null bool, err error) {
	switch s.SimpleExtentType() {
	case h5.S_NULL:
		return nil, true, nil
	case h5.S_SCALAR:
		return nil, false, nil
	case h5.S_SIMPLE:
	default:
		return nil, false, libErr("cannot read the dataspace")
	}
	rank := s.SimpleExtentNDims()
	if rank < 0 {
		return nil, false, libErr("cannot read the dataspace")
	}
	if rank == 0 {
		return nil, false, nil
	}
	dims, _, err := s.SimpleExtentDims()
	if err != nil {
		return nil, false, libErr("cannot read the dataspace")
	}
	shape = make([]int, rank)
	for i, d := range dims {
		if uint64(d) > math.MaxInt64 {
			return nil, false, fmt.Errorf("dimension %d of length %d is not credible", i, d)
		}
		shape[i] = int(d)
	}
	return shape, false, nil
}

func (h *handle) dataset(p string) (info DatasetInfo, lay layout, err error) {
	err = h.locked(func() error {
		if err := h.need(p, KindDataset); err != nil {
			return err
		}
		ds, err := h.f.OpenDataset(p)
		if err != nil {
			return libErr("cannot open dataset")
		}
		defer closeObj(ds)
		ft := C.obl_dget_type(C.hid_t(ds.ID()))
		if ft < 0 {
			return libErr("cannot read the datatype")
		}
		defer C.obl_tclose(ft)
		ti, d, err := typeInfo(ft)
		if err != nil {
			return err
		}
		info.Dtype = d
		s := ds.Space()
		if s == nil {
			return libErr("cannot read the dataspace")
		}
		defer closeObj(s)
		if info.Shape, info.Null, err = space(s); err != nil || info.Null {
			return err
		}
		var o C.obl_lay
		if C.obl_layout(C.hid_t(ds.ID()), ft, &ti, &o) < 0 || o.direct == 0 || uint64(o.addr) > math.MaxInt64 {
			C.obl_quiet() // not read directly; the library reads it
			return nil
		}
		lay = layout{Direct: true, Offset: int64(o.addr), BigEndian: o.bigendian != 0}
		return nil
	})
	return info, lay, err
}

func (h *handle) attrNames(p string) (names []string, err error) {
	err = h.locked(func() error {
		if _, err := h.kind(p); err != nil {
			return err
		}
		cp := C.CString(p)
		defer cfree(cp)
		obj := C.obl_oopen(h.fid(), cp)
		if obj < 0 {
			return libErr("cannot open the object")
		}
		defer C.obl_oclose(obj)
		var o C.obl_names
		defer func() { cfree(o.buf) }()
		if C.obl_attr_names(obj, &o) < 0 {
			return libErr("cannot list attributes")
		}
		names = []string{}
		if o.len > 0 {
			raw := C.GoStringN(o.buf, C.int(o.len))
			names = strings.Split(strings.TrimSuffix(raw, "\x00"), "\x00")
		}
		return nil
	})
	return names, err
}

func (h *handle) attr(p, name string) (v any, err error) {
	err = h.locked(func() error {
		if _, err := h.kind(p); err != nil {
			return err
		}
		cp := C.CString(p)
		defer cfree(cp)
		cn := C.CString(name)
		defer cfree(cn)
		obj := C.obl_oopen(h.fid(), cp)
		if obj < 0 {
			return libErr("cannot open the object")
		}
		defer C.obl_oclose(obj)
		switch C.obl_aexists(obj, cn) {
		case 0:
			return ErrNotFound
		case 1:
		default:
			return libErr("cannot look the attribute up")
		}
		a := C.obl_aopen(obj, cn)
		if a < 0 {
			return libErr("cannot open the attribute")
		}
		defer C.obl_aclose(a)
		ft := C.obl_aget_type(a)
		if ft < 0 {
			return libErr("cannot read the datatype")
		}
		defer C.obl_tclose(ft)
		ti, d, err := typeInfo(ft)
		if err != nil {
			return err
		}
		sid := C.obl_aget_space(a)
		if sid < 0 {
			return libErr("cannot read the dataspace")
		}
		defer C.obl_sclose(sid)
		var n int
		scalar := false
		switch C.obl_sget_type(sid) {
		case C.H5S_NULL:
			v = nil
			return nil
		case C.H5S_SCALAR:
			n, scalar = 1, true
		case C.H5S_SIMPLE:
			np := C.obl_snpoints(sid)
			if np < 0 {
				return libErr("cannot read the dataspace")
			}
			if np > maxElements {
				return fmt.Errorf("%d elements: too many for an attribute", np)
			}
			n = int(np)
		default:
			return libErr("cannot read the dataspace")
		}
		w := wantFloat
		switch d.Class {
		case Int, Enum:
			w = wantInt
		case Uint:
			w = wantUint
		case Bool:
			w = wantBool
		case String:
			w = wantString
		case Reference:
			w = wantRef
		case VarLen:
			out, err := readVlenBytes(ft, n, func(mt C.hid_t, buf unsafe.Pointer) C.herr_t { return C.obl_aread(a, mt, buf) })
			if err != nil {
				return fmt.Errorf("dtype %v: %w", d, err)
			}
			v = out
			if scalar {
				v = out[0]
			}
			return nil
		case Float:
		default:
			return fmt.Errorf("dtype %v: %w", d, ErrUnsupported)
		}
		rd := func(mt C.hid_t, buf unsafe.Pointer) C.herr_t { return C.obl_aread(a, mt, buf) }
		out, err := convert(h.fid(), ft, ti, d, n, w, rd, nil)
		if err != nil {
			return err
		}
		v = out
		if scalar {
			v = first(out)
		}
		return nil
	})
	return v, err
}

// Internal read targets beyond those of File's methods, for attributes.
const (
	wantUint want = 100 + iota
	wantBool
)

// first returns element 0 of a one-element slice made by convert.
func first(v any) any {
	switch s := v.(type) {
	case []float64:
		return s[0]
	case []int64:
		return s[0]
	case []uint64:
		return s[0]
	case []bool:
		return s[0]
	case []string:
		return s[0]
	case []Ref:
		return s[0]
	}
	return v
}

// read reads count rows from row start of the dataset at p, converting as w
// asks. A numeric read goes into dst, a []float64 for wantFloat or a
// []int64 for wantInt, when it can hold all the values; dst may also be a
// func(n int) any that returns such a slice for n values.
func (h *handle) read(p string, start, count int, w want, dst any) (v any, err error) {
	err = h.locked(func() error {
		if err := h.need(p, KindDataset); err != nil {
			return err
		}
		ds, err := h.f.OpenDataset(p)
		if err != nil {
			return libErr("cannot open dataset")
		}
		defer closeObj(ds)
		dsid := C.hid_t(ds.ID())
		ft := C.obl_dget_type(dsid)
		if ft < 0 {
			return libErr("cannot read the datatype")
		}
		defer C.obl_tclose(ft)
		ti, d, err := typeInfo(ft)
		if err != nil {
			return err
		}
		if err := w.accepts(d); err != nil {
			return err
		}
		fs := ds.Space()
		if fs == nil {
			return libErr("cannot read the dataspace")
		}
		defer closeObj(fs)
		shape, null, err := space(fs)
		if err != nil {
			return err
		}
		rows := 1
		switch {
		case null:
			rows = 0
		case len(shape) > 0:
			rows = shape[0]
		}
		if count, err = rowRange(start, count, rows); err != nil {
			return err
		}
		n, err := elements(count, shape)
		if err != nil {
			return err
		}
		if n == 0 {
			v = empty(w)
			return nil
		}
		memspace, filespace := C.hid_t(C.H5S_ALL), C.hid_t(C.H5S_ALL)
		if len(shape) > 0 && count != rows {
			offset := make([]uint, len(shape))
			counts := make([]uint, len(shape))
			offset[0], counts[0] = uint(start), uint(count)
			for i := 1; i < len(shape); i++ {
				counts[i] = uint(shape[i])
			}
			if err := fs.SelectHyperslab(offset, nil, counts, nil); err != nil {
				return libErr("cannot select rows")
			}
			ms, err := h5.CreateSimpleDataspace(counts, nil)
			if err != nil {
				return libErr("cannot make the memory dataspace")
			}
			defer closeObj(ms)
			memspace, filespace = C.hid_t(ms.ID()), C.hid_t(fs.ID())
		}
		rd := func(mt C.hid_t, buf unsafe.Pointer) C.herr_t {
			return C.obl_dread(dsid, mt, memspace, filespace, buf)
		}
		v, err = convert(h.fid(), ft, ti, d, n, w, rd, dst)
		return err
	})
	return v, err
}

// convert reads n elements of file type ft through rd and converts them as
// w asks: []float64, []int64, []uint64, []bool, []string or []Ref; numbers
// go into dst as read does. Call it with mu held.
func convert(fid, ft C.hid_t, ti C.obl_tinfo, d Dtype, n int, w want, rd func(C.hid_t, unsafe.Pointer) C.herr_t, dst any) (any, error) {
	if d.IsInteger() && d.Size > 8 {
		return nil, fmt.Errorf("dtype %d-byte integer: %w", d.Size, ErrUnsupported)
	}
	switch {
	case w == wantString:
		return readStrings(ft, ti, d, n, rd)
	case w == wantRef:
		return readRefs(fid, d, n, rd)
	case d.Class == Bool || d.Class == Enum:
		ints, err := readEnum(ft, ti, n, rd)
		if err != nil {
			return nil, err
		}
		switch w {
		case wantFloat:
			out, _ := into(dst, n).([]float64)
			if len(out) < n {
				out = make([]float64, n)
			}
			out = out[:n]
			for i, x := range ints {
				out[i] = float64(x)
			}
			return out, nil
		case wantBool:
			out := make([]bool, n)
			for i, x := range ints {
				out[i] = x != 0
			}
			return out, nil
		}
		return ints, nil
	case w == wantFloat:
		out, _ := into(dst, n).([]float64)
		if len(out) < n {
			out = make([]float64, n)
		}
		out = out[:n]
		if rd(C.obl_native_double(), unsafe.Pointer(&out[0])) < 0 {
			return nil, libErr("cannot read")
		}
		return out, nil
	case w == wantUint:
		u := make([]uint64, n)
		if rd(C.obl_native_uint64(), unsafe.Pointer(&u[0])) < 0 {
			return nil, libErr("cannot read")
		}
		return u, nil
	case w == wantInt:
		out, _ := into(dst, n).([]int64)
		if len(out) < n {
			out = make([]int64, n)
		}
		out = out[:n]
		if d.Class == Uint && d.Size == 8 {
			// Read as uint64 in place, then check each fits.
			if rd(C.obl_native_uint64(), unsafe.Pointer(&out[0])) < 0 {
				return nil, libErr("cannot read")
			}
			if err := uint64sFit(out); err != nil {
				return nil, err
			}
			return out, nil
		}
		if rd(C.obl_native_int64(), unsafe.Pointer(&out[0])) < 0 {
			return nil, libErr("cannot read")
		}
		return out, nil
	}
	return nil, fmt.Errorf("dtype %v: %w", d, ErrUnsupported)
}

// into returns the slice a numeric read of n values may go into: dst
// itself, or what dst returns when it is a func(n int) any.
func into(dst any, n int) any {
	if f, ok := dst.(func(int) any); ok {
		return f(n)
	}
	return dst
}

// faulted reports a fault caught in the library.
func faulted() bool { return C.obl_is_faulted() != 0 }

// readEnum reads enum (and bool) values as their integer base.
func readEnum(ft C.hid_t, ti C.obl_tinfo, n int, rd func(C.hid_t, unsafe.Pointer) C.herr_t) ([]int64, error) {
	mt := C.obl_tnative(ft)
	if mt < 0 {
		return nil, libErr("cannot make the memory datatype")
	}
	defer C.obl_tclose(mt)
	size := int(C.obl_tsize(mt))
	switch size {
	case 1, 2, 4, 8:
	default:
		return nil, fmt.Errorf("enum of %d bytes: %w", size, ErrUnsupported)
	}
	raw := make([]byte, n*size)
	if rd(mt, unsafe.Pointer(&raw[0])) < 0 {
		return nil, libErr("cannot read")
	}
	out := make([]int64, n)
	signed := ti.sign != 0
	ne := binary.NativeEndian
	for i := range out {
		b := raw[i*size:]
		switch {
		case size == 1 && signed:
			out[i] = int64(int8(b[0]))
		case size == 1:
			out[i] = int64(b[0])
		case size == 2 && signed:
			out[i] = int64(int16(ne.Uint16(b)))
		case size == 2:
			out[i] = int64(ne.Uint16(b))
		case size == 4 && signed:
			out[i] = int64(int32(ne.Uint32(b)))
		case size == 4:
			out[i] = int64(ne.Uint32(b))
		default:
			out[i] = int64(ne.Uint64(b))
		}
	}
	return out, nil
}

func readStrings(ft C.hid_t, ti C.obl_tinfo, d Dtype, n int, rd func(C.hid_t, unsafe.Pointer) C.herr_t) ([]string, error) {
	out := make([]string, n)
	if !d.VarLen {
		mt := C.obl_tcopy(ft)
		if mt < 0 {
			return nil, libErr("cannot make the memory datatype")
		}
		defer C.obl_tclose(mt)
		size := int(C.obl_tsize(mt))
		if size <= 0 || n > maxElements/size {
			return nil, fmt.Errorf("%d strings of %d bytes: too large", n, size)
		}
		raw := make([]byte, n*size)
		if rd(mt, unsafe.Pointer(&raw[0])) < 0 {
			return nil, libErr("cannot read")
		}
		for i := range out {
			s := raw[i*size : (i+1)*size]
			if j := strings.IndexByte(string(s), 0); j >= 0 {
				s = s[:j]
			}
			str := string(s)
			if ti.strpad == C.H5T_STR_SPACEPAD {
				str = strings.TrimRight(str, " ")
			}
			out[i] = str
		}
		return out, nil
	}
	utf8 := C.int(0)
	if d.UTF8 {
		utf8 = 1
	}
	mt := C.obl_vlenstr_type(utf8)
	if mt < 0 {
		return nil, libErr("cannot make the memory datatype")
	}
	defer C.obl_tclose(mt)
	// The library fills ptrs with pointers to strings it allocated.
	ptrs := make([]*C.char, n)
	buf := unsafe.Pointer(&ptrs[0])
	if rd(mt, buf) < 0 {
		return nil, libErr("cannot read")
	}
	for i, p := range ptrs {
		if p != nil {
			out[i] = C.GoString(p)
		}
	}
	C.obl_reclaim(mt, C.size_t(n), buf)
	return out, nil
}

// readVlenBytes reads variable-length sequences of one-byte strings or
// integers as Go strings, one a sequence; other sequences are
// ErrUnsupported.
func readVlenBytes(ft C.hid_t, n int, rd func(C.hid_t, unsafe.Pointer) C.herr_t) ([]string, error) {
	mt := C.obl_vlen_bytes_type(ft)
	if mt < 0 {
		C.obl_quiet()
		return nil, ErrUnsupported
	}
	defer C.obl_tclose(mt)
	seqs := make([]C.hvl_t, n)
	buf := unsafe.Pointer(&seqs[0])
	if rd(mt, buf) < 0 {
		return nil, libErr("cannot read")
	}
	out := make([]string, n)
	for i, q := range seqs {
		if q.p != nil && q.len > 0 {
			if q.len > maxElements {
				C.obl_reclaim(mt, C.size_t(n), buf)
				return nil, fmt.Errorf("a sequence of %d bytes: too long", q.len)
			}
			out[i] = string(C.GoBytes(q.p, C.int(q.len)))
		}
	}
	C.obl_reclaim(mt, C.size_t(n), buf)
	return out, nil
}

func readRefs(fid C.hid_t, d Dtype, n int, rd func(C.hid_t, unsafe.Pointer) C.herr_t) ([]Ref, error) {
	mt, size := C.obl_ref_obj(), C.size_t(C.sizeof_hobj_ref_t)
	if d.Region {
		mt, size = C.obl_ref_dsetreg(), C.size_t(C.sizeof_hdset_reg_ref_t)
	}
	raw := make([]byte, n*int(size))
	buf := unsafe.Pointer(&raw[0])
	if rd(mt, buf) < 0 {
		return nil, libErr("cannot read")
	}
	region := C.int(0)
	if d.Region {
		region = 1
	}
	out := make([]Ref, n)
	for i := range out {
		out[i].Region = d.Region
		ref := unsafe.Add(buf, uintptr(i)*uintptr(size))
		m := C.obl_refname(fid, region, ref, nil, 0)
		if m <= 0 {
			C.obl_quiet() // a null or unnamed reference
			continue
		}
		name := (*C.char)(C.calloc(C.size_t(m)+1, 1))
		if name == nil {
			return nil, errors.New("out of memory")
		}
		if C.obl_refname(fid, region, ref, name, C.size_t(m)+1) > 0 {
			out[i].Path = C.GoString(name)
		}
		cfree(name)
	}
	return out, nil
}
