// arroz_dnnl.c: the oneDNN 2.x convolution shim (see include/arroz_dnnl.h).
//
// The few oneDNN C API functions used are declared here by hand and resolved with dlsym, so the build needs
// neither oneDNN's headers nor its library. Descriptor structs (dnnl_memory_desc_t, dnnl_convolution_desc_t)
// are only ever filled and read by oneDNN itself, so they are opaque, generously sized byte buffers here.
// When oneDNN's headers happen to be installed, the constants and sizes below are checked against them at
// compile time.
#include "arroz_dnnl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// MARK: - oneDNN 2.x ABI (dnnl_types.h, stable across 2.x)

typedef int dnnl_status;
typedef int64_t dnnl_dims[12];
typedef struct { _Alignas(64) unsigned char bytes[2048]; } md_t;    // dnnl_memory_desc_t: 696 bytes in 2.6
typedef struct { _Alignas(64) unsigned char bytes[16384]; } opd_t;  // dnnl_convolution_desc_t: 5976
typedef struct { int arg; void *memory; } exec_arg;

enum {
    k_f32 = 3, k_bf16 = 2, k_u8 = 6,
    k_tag_any = 1, k_tag_x = 2, k_tag_abcd = 5, k_tag_abcde = 7,
    k_fwd_training = 64, k_bwd_data = 160, k_bwd_weights = 192,
    k_conv_direct = 1,
    k_arg_src = 1, k_arg_dst = 17, k_arg_weights = 33, k_arg_bias = 41, k_arg_scratchpad = 80,
    k_arg_diff_src = 129, k_arg_diff_dst = 145, k_arg_diff_weights = 161,
    k_arg_from = 1, k_arg_to = 17,
    k_query_impl_info_str = 8,
    k_query_src_md = 129, k_query_diff_src_md = 130, k_query_weights_md = 131,
    k_query_diff_weights_md = 132, k_query_dst_md = 133, k_query_diff_dst_md = 134,
    k_query_scratchpad_md = 136,
    k_scratchpad_user = 1, k_engine_cpu = 1, k_stream_default = 1,
    k_isa_avx512_core_bf16 = 231,
};

#if __has_include(<oneapi/dnnl/dnnl.h>)
#include <oneapi/dnnl/dnnl.h>
_Static_assert(sizeof(dnnl_memory_desc_t) <= sizeof(md_t), "memory desc buffer too small");
_Static_assert(sizeof(dnnl_convolution_desc_t) <= sizeof(opd_t), "conv desc buffer too small");
_Static_assert(sizeof(dnnl_matmul_desc_t) <= sizeof(opd_t), "matmul desc buffer too small");
_Static_assert(sizeof(dnnl_exec_arg_t) == sizeof(exec_arg), "exec arg layout");
#define SAME(a, b) ((int)(a) == (int)(b))
_Static_assert(SAME(k_f32, dnnl_f32) && SAME(k_bf16, dnnl_bf16) && SAME(k_u8, dnnl_u8), "data types");
_Static_assert(SAME(k_tag_any, dnnl_format_tag_any) && SAME(k_tag_x, dnnl_x) && SAME(k_tag_abcd, dnnl_abcd)
    && SAME(k_tag_abcde, dnnl_abcde), "format tags");
_Static_assert(SAME(k_fwd_training, dnnl_forward_training) && SAME(k_bwd_data, dnnl_backward_data)
    && SAME(k_bwd_weights, dnnl_backward_weights) && SAME(k_conv_direct, dnnl_convolution_direct), "prop/alg kinds");
_Static_assert(SAME(k_arg_src, DNNL_ARG_SRC) && SAME(k_arg_dst, DNNL_ARG_DST) && SAME(k_arg_weights, DNNL_ARG_WEIGHTS)
    && SAME(k_arg_bias, DNNL_ARG_BIAS) && SAME(k_arg_scratchpad, DNNL_ARG_SCRATCHPAD)
    && SAME(k_arg_diff_src, DNNL_ARG_DIFF_SRC) && SAME(k_arg_diff_dst, DNNL_ARG_DIFF_DST)
    && SAME(k_arg_diff_weights, DNNL_ARG_DIFF_WEIGHTS) && SAME(k_arg_from, DNNL_ARG_FROM)
    && SAME(k_arg_to, DNNL_ARG_TO), "argument ids");
_Static_assert(SAME(k_query_impl_info_str, dnnl_query_impl_info_str) && SAME(k_query_src_md, dnnl_query_src_md)
    && SAME(k_query_diff_src_md, dnnl_query_diff_src_md) && SAME(k_query_weights_md, dnnl_query_weights_md)
    && SAME(k_query_diff_weights_md, dnnl_query_diff_weights_md) && SAME(k_query_dst_md, dnnl_query_dst_md)
    && SAME(k_query_diff_dst_md, dnnl_query_diff_dst_md) && SAME(k_query_scratchpad_md, dnnl_query_scratchpad_md),
    "queries");
_Static_assert(SAME(k_scratchpad_user, dnnl_scratchpad_mode_user) && SAME(k_engine_cpu, dnnl_cpu)
    && SAME(k_stream_default, dnnl_stream_default_flags) && SAME(k_isa_avx512_core_bf16, dnnl_cpu_isa_avx512_core_bf16),
    "modes");
#endif

// MARK: - the functions, resolved once

static struct {
    dnnl_status (*engine_create)(void **, int, size_t);
    dnnl_status (*stream_create)(void **, void *, unsigned);
    dnnl_status (*stream_wait)(void *);
    dnnl_status (*stream_destroy)(void *);
    dnnl_status (*md_init_by_tag)(md_t *, int, const dnnl_dims, int, int);
    size_t (*md_get_size)(const md_t *);
    int (*md_equal)(const md_t *, const md_t *);
    dnnl_status (*conv_fwd_init)(opd_t *, int, int, const md_t *, const md_t *, const md_t *, const md_t *,
        const dnnl_dims, const dnnl_dims, const dnnl_dims);
    dnnl_status (*conv_bwd_data_init)(opd_t *, int, const md_t *, const md_t *, const md_t *, const dnnl_dims,
        const dnnl_dims, const dnnl_dims);
    dnnl_status (*conv_bwd_weights_init)(opd_t *, int, const md_t *, const md_t *, const md_t *, const md_t *,
        const dnnl_dims, const dnnl_dims, const dnnl_dims);
    dnnl_status (*md_init_by_strides)(md_t *, int, const dnnl_dims, int, const dnnl_dims);
    dnnl_status (*matmul_init)(opd_t *, const md_t *, const md_t *, const md_t *, const md_t *);
    dnnl_status (*attr_create)(void **);
    dnnl_status (*attr_destroy)(void *);
    dnnl_status (*attr_set_scratchpad_mode)(void *, int);
    dnnl_status (*pd_create)(void **, const void *, const void *, void *, const void *);
    dnnl_status (*pd_destroy)(void *);
    dnnl_status (*pd_query)(const void *, int, int, void *);
    const md_t *(*pd_query_md)(const void *, int, int);
    dnnl_status (*reorder_pd_create)(void **, const md_t *, void *, const md_t *, void *, const void *);
    dnnl_status (*prim_create)(void **, const void *);
    dnnl_status (*prim_destroy)(void *);
    dnnl_status (*prim_execute)(const void *, void *, int, const exec_arg *);
    dnnl_status (*mem_create)(void **, const md_t *, void *, void *);
    dnnl_status (*mem_destroy)(void *);
    int (*get_effective_cpu_isa)(void);
    void (*omp_set_num_threads)(int);
} F;

static void *engine;
static int loaded;
static char error_text[256] = "oneDNN not loaded yet";
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void set_error(const char *what, int status) {
    snprintf(error_text, sizeof error_text, "%s (oneDNN status %d)", what, status);
}

static void load(void) {
    // libgomp reads these when oneDNN pulls it in: threads that sleep between calls instead of spinning for
    // ~0.1 s (on two cores a spinning worker takes a core from our own threads), unless the user chose.
    setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    void *lib = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(error_text, sizeof error_text, "oneDNN unavailable: %s", dlerror());
        return;
    }
#define SYM(field, name)                                                                    \
    do {                                                                                    \
        *(void **)(&F.field) = dlsym(lib, name);                                            \
        if (!F.field) {                                                                     \
            snprintf(error_text, sizeof error_text, "oneDNN lacks %s (not a 2.x library?)", name); \
            return;                                                                         \
        }                                                                                   \
    } while (0)
    SYM(engine_create, "dnnl_engine_create");
    SYM(stream_create, "dnnl_stream_create");
    SYM(stream_wait, "dnnl_stream_wait");
    SYM(stream_destroy, "dnnl_stream_destroy");
    SYM(md_init_by_tag, "dnnl_memory_desc_init_by_tag");
    SYM(md_get_size, "dnnl_memory_desc_get_size");
    SYM(md_equal, "dnnl_memory_desc_equal");
    SYM(conv_fwd_init, "dnnl_convolution_forward_desc_init");
    SYM(conv_bwd_data_init, "dnnl_convolution_backward_data_desc_init");
    SYM(conv_bwd_weights_init, "dnnl_convolution_backward_weights_desc_init");
    SYM(md_init_by_strides, "dnnl_memory_desc_init_by_strides");
    SYM(matmul_init, "dnnl_matmul_desc_init");
    SYM(attr_create, "dnnl_primitive_attr_create");
    SYM(attr_destroy, "dnnl_primitive_attr_destroy");
    SYM(attr_set_scratchpad_mode, "dnnl_primitive_attr_set_scratchpad_mode");
    SYM(pd_create, "dnnl_primitive_desc_create");
    SYM(pd_destroy, "dnnl_primitive_desc_destroy");
    SYM(pd_query, "dnnl_primitive_desc_query");
    SYM(pd_query_md, "dnnl_primitive_desc_query_md");
    SYM(reorder_pd_create, "dnnl_reorder_primitive_desc_create");
    SYM(prim_create, "dnnl_primitive_create");
    SYM(prim_destroy, "dnnl_primitive_destroy");
    SYM(prim_execute, "dnnl_primitive_execute");
    SYM(mem_create, "dnnl_memory_create");
    SYM(mem_destroy, "dnnl_memory_destroy");
    SYM(get_effective_cpu_isa, "dnnl_get_effective_cpu_isa");
#undef SYM
    *(void **)(&F.omp_set_num_threads) = dlsym(RTLD_DEFAULT, "omp_set_num_threads");
    if (!F.omp_set_num_threads) *(void **)(&F.omp_set_num_threads) = dlsym(lib, "omp_set_num_threads");
    int s = F.engine_create(&engine, k_engine_cpu, 0);
    if (s != 0) {
        set_error("oneDNN: no CPU engine", s);
        return;
    }
    loaded = 1;
    snprintf(error_text, sizeof error_text, "ok");
}

int arroz_dnnl_available(void) {
    pthread_once(&load_once, load);
    return loaded;
}

const char *arroz_dnnl_last_error(void) { return error_text; }

int arroz_dnnl_cpu_isa(void) { return arroz_dnnl_available() ? F.get_effective_cpu_isa() : 0; }

int arroz_dnnl_has_bf16(void) {
    // dnnl_cpu_isa_t values are bit sets; avx512_core_bf16 and every AMX level contain its bits.
    int isa = arroz_dnnl_cpu_isa();
    return isa != 0 && (isa & k_isa_avx512_core_bf16) == k_isa_avx512_core_bf16;
}

// MARK: - convolution primitives

/// Slot i of a primitive: 0, 1 = the inputs a, b; 2 = bias; 3 = the output.
typedef struct {
    int present;
    int arg;             // DNNL_ARG_* of the convolution
    md_t user;           // plain NCHW / OIHW / GOIHW fp32, as our buffers are
    md_t prim;           // what the primitive wants
    void *reorder;       // user → prim (inputs) or prim → user (output); NULL when they are the same
    size_t prim_bytes;
} slot_t;

struct arroz_dnnl_conv {
    void *prim;
    slot_t slot[4];
    size_t scratch_bytes;
    size_t out_count;    // floats of the user output
    char impl[96];
};

static void dims4(dnnl_dims d, long a, long b, long c, long e) {
    memset(d, 0, sizeof(dnnl_dims));
    d[0] = a; d[1] = b; d[2] = c; d[3] = e;
}

/// The user (plain fp32) and primitive (`dt`, `tag`) descriptors of one NCHW activation.
static int act_mds(slot_t *s, int arg, long n, long c, long h, long w, int dt, int tag) {
    dnnl_dims d;
    dims4(d, n, c, h, w);
    s->present = 1;
    s->arg = arg;
    if (F.md_init_by_tag(&s->user, 4, d, k_f32, k_tag_abcd) != 0) return -1;
    return F.md_init_by_tag(&s->prim, 4, d, dt, tag == k_tag_abcd ? k_tag_abcd : k_tag_any);
}

/// Weight descriptors: [Cout, Cin/g, kh, kw] as OIHW, or [g, Cout/g, Cin/g, kh, kw] as GOIHW when grouped.
static int wei_mds(slot_t *s, int arg, const long *g, int dt, int tag) {
    long cout = g[4], cin = g[1], kh = g[5], kw = g[6], groups = g[13];
    dnnl_dims d;
    memset(d, 0, sizeof d);
    int nd;
    if (groups == 1) {
        nd = 4;
        d[0] = cout; d[1] = cin; d[2] = kh; d[3] = kw;
    } else {
        nd = 5;
        d[0] = groups; d[1] = cout / groups; d[2] = cin / groups; d[3] = kh; d[4] = kw;
    }
    s->present = 1;
    s->arg = arg;
    int plain = nd == 4 ? k_tag_abcd : k_tag_abcde;
    if (F.md_init_by_tag(&s->user, nd, d, k_f32, plain) != 0) return -1;
    return F.md_init_by_tag(&s->prim, nd, d, dt, tag == k_tag_abcd ? plain : k_tag_any);
}

static int query_md(const void *pd, slot_t *s, int query, int is_output) {
    const md_t *m = F.pd_query_md(pd, query, 0);
    if (!m) return -1;
    memcpy(&s->prim, m, sizeof(md_t));
    s->prim_bytes = F.md_get_size(&s->prim);
    if (F.md_equal(&s->prim, &s->user)) return 0;
    void *rpd = NULL;
    int st = is_output ? F.reorder_pd_create(&rpd, &s->prim, engine, &s->user, engine, NULL)
                       : F.reorder_pd_create(&rpd, &s->user, engine, &s->prim, engine, NULL);
    if (st != 0) return st;
    st = F.prim_create(&s->reorder, rpd);
    F.pd_destroy(rpd);
    return st;
}

void arroz_dnnl_conv_destroy(arroz_dnnl_conv *c) {
    if (!c) return;
    for (int i = 0; i < 4; i++)
        if (c->slot[i].reorder) F.prim_destroy(c->slot[i].reorder);
    if (c->prim) F.prim_destroy(c->prim);
    free(c);
}

arroz_dnnl_conv *arroz_dnnl_conv_create(int kind, const long *g, int has_bias, int bf16, int layout) {
    if (!arroz_dnnl_available()) return NULL;
    long N = g[0], Cin = g[1], H = g[2], W = g[3], Cout = g[4], kh = g[5], kw = g[6];
    long sh = g[7], sw = g[8], pt = g[9], pl = g[11];
    long Ho = (H + g[9] + g[10] - kh) / sh + 1, Wo = (W + g[11] + g[12] - kw) / sw + 1;
    // oneDNN wants (H − kh + pt + pb) / sh + 1 == Ho with the bottom padding the last output row needs.
    long pb = (Ho - 1) * sh + kh - H - pt, pr = (Wo - 1) * sw + kw - W - pl;
    if (pb < 0 || pr < 0) {
        snprintf(error_text, sizeof error_text, "oneDNN shim: output crops the input (pad %ld %ld)", pb, pr);
        return NULL;
    }
    arroz_dnnl_conv *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    int in_dt = bf16 ? k_bf16 : k_f32;
    int tag = layout == ARROZ_DNNL_LAYOUT_PLAIN ? k_tag_abcd : k_tag_any;
    dnnl_dims strides = {sh, sw}, pad_l = {pt, pl}, pad_r = {pb, pr};
    slot_t src, dst, wei, bias;
    memset(&src, 0, sizeof src); memset(&dst, 0, sizeof dst);
    memset(&wei, 0, sizeof wei); memset(&bias, 0, sizeof bias);
    // Forward descriptors (also the hint every backward primitive needs): src/weights in the compute type,
    // dst in fp32 (bf16 compute still accumulates and writes fp32).
    int st = act_mds(&src, k_arg_src, N, Cin, H, W, in_dt, tag);
    if (!st) st = act_mds(&dst, k_arg_dst, N, Cout, Ho, Wo, k_f32, tag);
    if (!st) st = wei_mds(&wei, k_arg_weights, g, in_dt, tag);
    if (!st && has_bias && kind == ARROZ_DNNL_FORWARD) {
        dnnl_dims d = {Cout};
        bias.present = 1;
        bias.arg = k_arg_bias;
        st = F.md_init_by_tag(&bias.user, 1, d, k_f32, k_tag_x);
        memcpy(&bias.prim, &bias.user, sizeof(md_t));
    }
    void *attr = NULL, *fwd_pd = NULL, *pd = NULL;
    opd_t *od = calloc(1, sizeof(opd_t));
    if (!st) st = F.attr_create(&attr);
    if (!st) st = F.attr_set_scratchpad_mode(attr, k_scratchpad_user);
    if (!st) st = F.conv_fwd_init(od, k_fwd_training, k_conv_direct, &src.prim, &wei.prim,
                                  bias.present ? &bias.prim : NULL, &dst.prim, strides, pad_l, pad_r);
    if (!st) st = F.pd_create(&fwd_pd, od, attr, engine, NULL);
    if (st) { set_error("oneDNN: no forward convolution for this geometry", st); goto fail; }
    if (kind == ARROZ_DNNL_FORWARD) {
        pd = fwd_pd;
        fwd_pd = NULL;
        c->slot[0] = src; c->slot[1] = wei; c->slot[2] = bias; c->slot[3] = dst;
        st = query_md(pd, &c->slot[0], k_query_src_md, 0);
        if (!st) st = query_md(pd, &c->slot[1], k_query_weights_md, 0);
        if (!st) st = query_md(pd, &c->slot[3], k_query_dst_md, 1);
    } else if (kind == ARROZ_DNNL_BACKWARD_DATA) {
        slot_t dsrc = src, ddst = dst;
        dsrc.arg = k_arg_diff_src;
        ddst.arg = k_arg_diff_dst;
        // diff_dst in the compute type, diff_src in fp32
        dnnl_dims d;
        dims4(d, N, Cout, Ho, Wo);
        st = F.md_init_by_tag(&ddst.prim, 4, d, in_dt, tag == k_tag_abcd ? k_tag_abcd : k_tag_any);
        dims4(d, N, Cin, H, W);
        if (!st) st = F.md_init_by_tag(&dsrc.prim, 4, d, k_f32, tag == k_tag_abcd ? k_tag_abcd : k_tag_any);
        if (!st) st = F.conv_bwd_data_init(od, k_conv_direct, &dsrc.prim, &wei.prim, &ddst.prim, strides,
                                           pad_l, pad_r);
        if (!st) st = F.pd_create(&pd, od, attr, engine, fwd_pd);
        if (st) { set_error("oneDNN: no backward-data convolution for this geometry", st); goto fail; }
        c->slot[0] = ddst; c->slot[1] = wei; c->slot[3] = dsrc;
        st = query_md(pd, &c->slot[0], k_query_diff_dst_md, 0);
        if (!st) st = query_md(pd, &c->slot[1], k_query_weights_md, 0);
        if (!st) st = query_md(pd, &c->slot[3], k_query_diff_src_md, 1);
    } else {
        slot_t dwei = wei, ddst = dst;
        dwei.arg = k_arg_diff_weights;
        ddst.arg = k_arg_diff_dst;
        dnnl_dims d;
        dims4(d, N, Cout, Ho, Wo);
        st = F.md_init_by_tag(&ddst.prim, 4, d, in_dt, tag == k_tag_abcd ? k_tag_abcd : k_tag_any);
        slot_t tmp;
        memset(&tmp, 0, sizeof tmp);
        if (!st) st = wei_mds(&tmp, k_arg_diff_weights, g, k_f32, tag);
        if (!st) memcpy(&dwei.prim, &tmp.prim, sizeof(md_t));
        if (!st) st = F.conv_bwd_weights_init(od, k_conv_direct, &src.prim, &dwei.prim, NULL, &ddst.prim,
                                              strides, pad_l, pad_r);
        if (!st) st = F.pd_create(&pd, od, attr, engine, fwd_pd);
        if (st) { set_error("oneDNN: no backward-weights convolution for this geometry", st); goto fail; }
        c->slot[0] = src; c->slot[1] = ddst; c->slot[3] = dwei;
        st = query_md(pd, &c->slot[0], k_query_src_md, 0);
        if (!st) st = query_md(pd, &c->slot[1], k_query_diff_dst_md, 0);
        if (!st) st = query_md(pd, &c->slot[3], k_query_diff_weights_md, 1);
    }
    if (st) { set_error("oneDNN: reorder for a convolution operand", st); goto fail; }
    const md_t *sp = F.pd_query_md(pd, k_query_scratchpad_md, 0);
    c->scratch_bytes = sp ? F.md_get_size(sp) : 0;
    c->out_count = F.md_get_size(&c->slot[3].user) / sizeof(float);
    const char *impl = NULL;
    if (F.pd_query(pd, k_query_impl_info_str, 0, (void *)&impl) == 0 && impl)
        snprintf(c->impl, sizeof c->impl, "%s", impl);
    st = F.prim_create(&c->prim, pd);
    if (st) { set_error("oneDNN: primitive creation", st); goto fail; }
    F.pd_destroy(pd);
    F.attr_destroy(attr);
    free(od);
    return c;
fail:
    if (pd) F.pd_destroy(pd);
    if (fwd_pd) F.pd_destroy(fwd_pd);
    if (attr) F.attr_destroy(attr);
    free(od);
    arroz_dnnl_conv_destroy(c);
    return NULL;
}

const char *arroz_dnnl_conv_impl(const arroz_dnnl_conv *c) { return c ? c->impl : ""; }

static void *aligned(size_t bytes) {
    void *p = NULL;
    if (bytes == 0) bytes = 64;
    return posix_memalign(&p, 64, (bytes + 63) / 64 * 64) == 0 ? p : NULL;
}

/// One stream per thread: oneDNN streams are not thread-safe, primitives are.
static __thread void *thread_stream;

int arroz_dnnl_conv_run(
    const arroz_dnnl_conv *c, const float *a, const float *b, const float *bias, float *out,
    int accumulate, int threads
) {
    if (!c) return -1;
    if (!thread_stream && F.stream_create(&thread_stream, engine, k_stream_default) != 0) return -1;
    if (F.omp_set_num_threads) F.omp_set_num_threads(threads > 0 ? threads : 1);
    void *user_ptr[4] = {(void *)a, (void *)b, (void *)bias, out};
    void *mem[4] = {0}, *user_mem[4] = {0}, *owned[4] = {0}, *scratch = NULL, *scratch_mem = NULL;
    float *acc_tmp = NULL;
    int st = 0;
    // With `accumulate`, the output lands in a temporary first and is added afterwards.
    if (accumulate) {
        acc_tmp = aligned(c->out_count * sizeof(float));
        if (!acc_tmp) return -1;
        user_ptr[3] = acc_tmp;
    }
    for (int i = 0; i < 4 && !st; i++) {
        const slot_t *s = &c->slot[i];
        if (!s->present || (i == 2 && !bias)) continue;
        if (s->reorder) {
            owned[i] = aligned(s->prim_bytes);
            if (!owned[i]) { st = -1; break; }
            st = F.mem_create(&user_mem[i], &s->user, engine, user_ptr[i]);
            if (!st) st = F.mem_create(&mem[i], &s->prim, engine, owned[i]);
            if (!st && i < 3) {
                exec_arg args[2] = {{k_arg_from, user_mem[i]}, {k_arg_to, mem[i]}};
                st = F.prim_execute(s->reorder, thread_stream, 2, args);
            }
        } else {
            st = F.mem_create(&mem[i], &s->prim, engine, user_ptr[i]);
        }
    }
    if (!st && c->scratch_bytes) {
        md_t smd;
        dnnl_dims d = {(int64_t)c->scratch_bytes};
        scratch = aligned(c->scratch_bytes);
        st = scratch ? F.md_init_by_tag(&smd, 1, d, k_u8, k_tag_x) : -1;
        if (!st) st = F.mem_create(&scratch_mem, &smd, engine, scratch);
    }
    if (!st) {
        exec_arg args[5];
        int n = 0;
        for (int i = 0; i < 4; i++)
            if (mem[i]) args[n++] = (exec_arg){c->slot[i].arg, mem[i]};
        if (scratch_mem) args[n++] = (exec_arg){k_arg_scratchpad, scratch_mem};
        st = F.prim_execute(c->prim, thread_stream, n, args);
    }
    if (!st && c->slot[3].reorder) {
        exec_arg args[2] = {{k_arg_from, mem[3]}, {k_arg_to, user_mem[3]}};
        st = F.prim_execute(c->slot[3].reorder, thread_stream, 2, args);
    }
    if (!st) st = F.stream_wait(thread_stream);
    if (!st && accumulate) {
        for (size_t i = 0; i < c->out_count; i++) out[i] += acc_tmp[i];
    }
    for (int i = 0; i < 4; i++) {
        if (mem[i]) F.mem_destroy(mem[i]);
        if (user_mem[i]) F.mem_destroy(user_mem[i]);
        free(owned[i]);
    }
    if (scratch_mem) F.mem_destroy(scratch_mem);
    free(scratch);
    free(acc_tmp);
    return st;
}

// MARK: - bf16 matrix products

struct arroz_dnnl_matmul {
    void *prim;
    md_t a, b, c;           // bf16 A [M,K] and B [K,N] with the caller's strides; fp32 C [M,N] packed
    size_t scratch_bytes;
    long m, n, k, a_count, b_count;
};

arroz_dnnl_matmul *arroz_dnnl_matmul_create(long m, long n, long k, int trans_a, int trans_b, long lda, long ldb) {
    if (!arroz_dnnl_available()) return NULL;
    arroz_dnnl_matmul *mm = calloc(1, sizeof *mm);
    opd_t *od = calloc(1, sizeof(opd_t));
    void *attr = NULL, *pd = NULL;
    if (!mm || !od) { free(mm); free(od); return NULL; }
    mm->m = m; mm->n = n; mm->k = k;
    dnnl_dims da = {m, k}, db = {k, n}, dc = {m, n};
    dnnl_dims sa = {trans_a ? 1 : lda, trans_a ? lda : 1};
    dnnl_dims sb = {trans_b ? 1 : ldb, trans_b ? ldb : 1};
    dnnl_dims sc = {n, 1};
    // Elements spanned by each operand as stored (rows of the stored matrix × its leading dimension).
    mm->a_count = (trans_a ? k - 1 : m - 1) * lda + (trans_a ? m : k);
    mm->b_count = (trans_b ? n - 1 : k - 1) * ldb + (trans_b ? k : n);
    int st = F.md_init_by_strides(&mm->a, 2, da, k_bf16, sa);
    if (!st) st = F.md_init_by_strides(&mm->b, 2, db, k_bf16, sb);
    if (!st) st = F.md_init_by_strides(&mm->c, 2, dc, k_f32, sc);
    if (!st) st = F.attr_create(&attr);
    if (!st) st = F.attr_set_scratchpad_mode(attr, k_scratchpad_user);
    if (!st) st = F.matmul_init(od, &mm->a, &mm->b, NULL, &mm->c);
    if (!st) st = F.pd_create(&pd, od, attr, engine, NULL);
    if (!st) {
        const md_t *sp = F.pd_query_md(pd, k_query_scratchpad_md, 0);
        mm->scratch_bytes = sp ? F.md_get_size(sp) : 0;
        st = F.prim_create(&mm->prim, pd);
    }
    if (pd) F.pd_destroy(pd);
    if (attr) F.attr_destroy(attr);
    free(od);
    if (st) {
        set_error("oneDNN: no bf16 matmul for this shape", st);
        free(mm);
        return NULL;
    }
    return mm;
}

void arroz_dnnl_matmul_destroy(arroz_dnnl_matmul *mm) {
    if (!mm) return;
    if (mm->prim) F.prim_destroy(mm->prim);
    free(mm);
}

/// fp32 → bf16, rounding to nearest even (NaN stays NaN).
static void to_bf16(const float *src, uint16_t *dst, long count) {
    for (long i = 0; i < count; i++) {
        uint32_t u;
        memcpy(&u, &src[i], 4);
        if ((u & 0x7fffffffu) > 0x7f800000u) {
            dst[i] = (uint16_t)((u >> 16) | 0x40);
        } else {
            dst[i] = (uint16_t)((u + 0x7fffu + ((u >> 16) & 1)) >> 16);
        }
    }
}

int arroz_dnnl_matmul_run(
    const arroz_dnnl_matmul *mm, const float *a, const float *b, float *c, long ldc, float alpha, float beta,
    int threads
) {
    if (!mm) return -1;
    if (!thread_stream && F.stream_create(&thread_stream, engine, k_stream_default) != 0) return -1;
    if (F.omp_set_num_threads) F.omp_set_num_threads(threads > 0 ? threads : 1);
    uint16_t *ha = aligned((size_t)mm->a_count * 2), *hb = aligned((size_t)mm->b_count * 2);
    int direct = alpha == 1 && beta == 0 && ldc == mm->n;
    float *out = direct ? c : aligned((size_t)(mm->m * mm->n) * 4);
    void *scratch = mm->scratch_bytes ? aligned(mm->scratch_bytes) : NULL;
    void *ma = NULL, *mb = NULL, *mc = NULL, *ms = NULL;
    int st = (!ha || !hb || !out || (mm->scratch_bytes && !scratch)) ? -1 : 0;
    if (!st) {
        to_bf16(a, ha, mm->a_count);
        to_bf16(b, hb, mm->b_count);
        st = F.mem_create(&ma, &mm->a, engine, ha);
    }
    if (!st) st = F.mem_create(&mb, &mm->b, engine, hb);
    if (!st) st = F.mem_create(&mc, &mm->c, engine, out);
    if (!st && scratch) {
        md_t smd;
        dnnl_dims d = {(int64_t)mm->scratch_bytes};
        st = F.md_init_by_tag(&smd, 1, d, k_u8, k_tag_x);
        if (!st) st = F.mem_create(&ms, &smd, engine, scratch);
    }
    if (!st) {
        exec_arg args[4] = {{k_arg_src, ma}, {k_arg_weights, mb}, {k_arg_dst, mc}, {k_arg_scratchpad, ms}};
        st = F.prim_execute(mm->prim, thread_stream, ms ? 4 : 3, args);
    }
    if (!st) st = F.stream_wait(thread_stream);
    if (!st && !direct) {
        for (long i = 0; i < mm->m; i++) {
            float *crow = c + i * ldc;
            const float *orow = out + i * mm->n;
            if (beta == 0) {
                for (long j = 0; j < mm->n; j++) crow[j] = alpha * orow[j];
            } else {
                for (long j = 0; j < mm->n; j++) crow[j] = alpha * orow[j] + beta * crow[j];
            }
        }
    }
    if (ma) F.mem_destroy(ma);
    if (mb) F.mem_destroy(mb);
    if (mc) F.mem_destroy(mc);
    if (ms) F.mem_destroy(ms);
    free(ha);
    free(hb);
    if (!direct) free(out);
    free(scratch);
    return st;
}
