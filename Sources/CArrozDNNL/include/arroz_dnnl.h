// arroz_dnnl: a tiny C shim over the oneDNN 2.x C API, loaded with dlopen("libdnnl.so.2") at run time, so
// nothing links against oneDNN at build time and a machine without it simply reports it unavailable.
#ifndef ARROZ_DNNL_H
#define ARROZ_DNNL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Loads libdnnl.so.2 and creates a CPU engine, once per process. Returns 1 when oneDNN is usable.
int arroz_dnnl_available(void);
/// Why oneDNN is unavailable (or the last creation failure), for logs. Never NULL.
const char *arroz_dnnl_last_error(void);
/// oneDNN's effective ISA as a number (dnnl_cpu_isa_t), or 0.
int arroz_dnnl_cpu_isa(void);
/// Whether the CPU does bf16 arithmetic natively (AVX512-BF16 or AMX), so a bf16 convolution pays.
int arroz_dnnl_has_bf16(void);

/// Which product of a convolution a primitive computes (see ConvBackend.swift).
enum { ARROZ_DNNL_FORWARD = 0, ARROZ_DNNL_BACKWARD_DATA = 1, ARROZ_DNNL_BACKWARD_WEIGHTS = 2 };
/// Layout of the primitive's own tensors: whatever oneDNN prefers (reordered at the seam), or plain NCHW.
enum { ARROZ_DNNL_LAYOUT_ANY = 0, ARROZ_DNNL_LAYOUT_PLAIN = 1 };

typedef struct arroz_dnnl_conv arroz_dnnl_conv;

/// A convolution primitive on NCHW fp32 user buffers. `geo`: N, Cin, H, W, Cout, kh, kw, sh, sw,
/// pad top, bottom, left, right, groups (ConvGeometry's fields). `bf16`: the primitive reads its inputs as
/// bf16 (converted at the seam) and accumulates and writes fp32. NULL when oneDNN has no implementation.
arroz_dnnl_conv *arroz_dnnl_conv_create(int kind, const long *geo, int has_bias, int bf16, int layout);
void arroz_dnnl_conv_destroy(arroz_dnnl_conv *conv);
/// The implementation oneDNN chose ("jit:avx512_core", "gemm:jit", …).
const char *arroz_dnnl_conv_impl(const arroz_dnnl_conv *conv);

/// Runs the primitive with `threads` OpenMP threads:
///   forward           a = input,       b = weight,      bias (or NULL), out = output
///   backward data     a = gradOutput,  b = weight,                      out = gradInput
///   backward weights  a = input,       b = gradOutput,                  out = gradWeight
/// `accumulate`: adds into `out` instead of overwriting it. Returns 0 on success.
int arroz_dnnl_conv_run(
    const arroz_dnnl_conv *conv, const float *a, const float *b, const float *bias, float *out,
    int accumulate, int threads);

typedef struct arroz_dnnl_matmul arroz_dnnl_matmul;

/// C[M,N] = op(A)·op(B) with A and B rounded to bf16 and fp32 accumulation; row-major with the BLAS
/// conventions (op(A) is [M,K], stored [K,M] with leading dimension `lda` when `trans_a`). NULL when oneDNN
/// has no implementation.
arroz_dnnl_matmul *arroz_dnnl_matmul_create(long m, long n, long k, int trans_a, int trans_b, long lda, long ldb);
void arroz_dnnl_matmul_destroy(arroz_dnnl_matmul *mm);
/// C = alpha · op(A)·op(B) + beta · C (leading dimension `ldc`), on `threads` OpenMP threads. 0 on success.
int arroz_dnnl_matmul_run(
    const arroz_dnnl_matmul *mm, const float *a, const float *b, float *c, long ldc, float alpha, float beta,
    int threads);

/// Runs `iters` rounds of 12 independent vector FMAs on this thread (AVX-512, else AVX2); returns the flops
/// done (0 when the CPU has neither), adding a result into `sink` so nothing is optimised away.
double arroz_fma_peak_run(long iters, float *sink);
/// The vector width `arroz_fma_peak_run` uses, in bits (512, 256, or 0).
int arroz_fma_peak_width(void);
/// 1 when the CPU has the AVX-512 subsets of Skylake-SP (F, BW, DQ, VL), which OpenBLAS's SkylakeX kernels use.
int arroz_cpu_has_avx512_skx(void);

#ifdef __cplusplus
}
#endif
#endif
