// CZlib: zlib's gzip file reader (gzopen/gzread) for the Fashion-MNIST .gz IDX files.
#include <zlib.h>
