// cpng: a small C shim over libpng. libpng reports errors by longjmp; the setjmp lives here, in C, so a
// longjmp never crosses Swift frames. Every call returns 0 on success or a nonzero code with a message.
#ifndef CPNG_H
#define CPNG_H

#include <stddef.h>

#define CPNG_OK 0
#define CPNG_ERR_OPEN 1      // the file could not be opened (message: strerror)
#define CPNG_ERR_SIGNATURE 2 // not a PNG (first 8 bytes are not the PNG signature)
#define CPNG_ERR_DECODE 3    // libpng reported an error while reading (message: libpng's text)
#define CPNG_ERR_ENCODE 4    // libpng reported an error while writing
#define CPNG_ERR_MEMORY 5    // allocation failed
#define CPNG_ERR_ARGUMENT 6  // bad arguments (e.g. channels not 3 or 4)

/// A decoded image: 8-bit RGB (channels = 3) or RGBA (channels = 4), row-major, plus its text chunks.
typedef struct cpng_image {
    unsigned char *pixels;
    int width;
    int height;
    int channels;
    int text_count;
    char **text_keys;    // NUL-terminated; tEXt values are Latin-1, iTXt values UTF-8
    char **text_values;
    int *text_is_utf8;   // 1 for iTXt, 0 for tEXt/zTXt
} cpng_image;

/// Reads any PNG (palette, grey, 1-16 bit, alpha, tRNS, interlaced) into 8-bit RGB or RGBA.
/// With `want_pixels` = 0 only the header and text chunks are read (pixels stays NULL).
int cpng_read_file(const char *path, int want_pixels, cpng_image *out, char *message, int message_size);

/// Same as `cpng_read_file` from a memory buffer (e.g. a PNG embedded in a font's CBDT table).
int cpng_read_memory(const unsigned char *data, size_t size, int want_pixels, cpng_image *out,
                     char *message, int message_size);

/// Frees what a successful read allocated; safe on a zeroed struct.
void cpng_image_free(cpng_image *image);

/// Writes 8-bit RGB (channels 3) or RGBA (channels 4) with text chunks. `text_utf8[i]` = 1 writes an
/// uncompressed iTXt chunk (UTF-8), 0 writes tEXt (Latin-1).
int cpng_write_file(const char *path, const unsigned char *pixels, int width, int height, int channels,
                    int text_count, const char *const *keys, const char *const *values, const int *text_utf8,
                    char *message, int message_size);

#endif
