/* blas.h — which BLAS dense algebra binds to (core-internal). */
#pragma once

/* OpenBLAS's build configuration ("OpenBLAS 0.3.21 DYNAMIC_ARCH ..."). Calling
 * into libopenblas from libtundish also keeps it on libtundish's NEEDED list
 * ahead of libgsl, so every cblas_* in the process (plugins included) binds
 * to OpenBLAS rather than to libgsl's dependency libgslcblas. */
const char *td_blas_config (void);
