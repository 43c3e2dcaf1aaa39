// CBLAS: the OpenBLAS C interface (sgemm) and its thread control.
#include <cblas.h>
