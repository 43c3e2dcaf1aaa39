// cpng.c: libpng read/write with setjmp kept in C. Errors become (code, message); warnings are ignored.
#include "cpng.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// MARK: - Error plumbing

typedef struct {
    jmp_buf jump;
    char text[512];
} cpng_error_state;

static void cpng_on_error(png_structp png, png_const_charp msg) {
    cpng_error_state *state = (cpng_error_state *)png_get_error_ptr(png);
    snprintf(state->text, sizeof state->text, "%s", msg ? msg : "unknown libpng error");
    longjmp(state->jump, 1);
}

static void cpng_on_warning(png_structp png, png_const_charp msg) {
    (void)png;
    (void)msg;
}

static int cpng_fail(char *message, int message_size, int code, const char *text) {
    if (message && message_size > 0) snprintf(message, (size_t)message_size, "%s", text);
    return code;
}

// MARK: - Reading

typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
} cpng_memory_reader;

static void cpng_read_from_memory(png_structp png, png_bytep out, png_size_t count) {
    cpng_memory_reader *r = (cpng_memory_reader *)png_get_io_ptr(png);
    if (r->offset + count > r->size) png_error(png, "unexpected end of PNG data (file truncated?)");
    memcpy(out, r->data + r->offset, count);
    r->offset += count;
}

static char *cpng_strdup(const char *s, size_t n) {
    char *d = (char *)malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

// Copies the text chunks from `info` into `out` (appending). Returns 0 or CPNG_ERR_MEMORY.
static int cpng_collect_text(png_structp png, png_infop info, cpng_image *out) {
    png_textp text = NULL;
    int n = 0;
    png_get_text(png, info, &text, &n);
    if (n <= 0) return 0;
    int total = out->text_count + n;
    char **keys = (char **)realloc(out->text_keys, sizeof(char *) * (size_t)total);
    if (!keys) return CPNG_ERR_MEMORY;
    out->text_keys = keys;
    char **values = (char **)realloc(out->text_values, sizeof(char *) * (size_t)total);
    if (!values) return CPNG_ERR_MEMORY;
    out->text_values = values;
    int *utf8 = (int *)realloc(out->text_is_utf8, sizeof(int) * (size_t)total);
    if (!utf8) return CPNG_ERR_MEMORY;
    out->text_is_utf8 = utf8;
    for (int i = 0; i < n; i++) {
        int is_itxt = text[i].compression == PNG_ITXT_COMPRESSION_NONE ||
                      text[i].compression == PNG_ITXT_COMPRESSION_zTXt;
        size_t len = is_itxt ? text[i].itxt_length : text[i].text_length;
        const char *value = text[i].text ? text[i].text : "";
        out->text_keys[out->text_count] = cpng_strdup(text[i].key, strlen(text[i].key));
        out->text_values[out->text_count] = cpng_strdup(value, len);
        out->text_is_utf8[out->text_count] = is_itxt;
        if (!out->text_keys[out->text_count] || !out->text_values[out->text_count]) return CPNG_ERR_MEMORY;
        out->text_count++;
    }
    // Remove them from info so a second png_get_text (after png_read_end) does not return them again.
    png_free_data(png, info, PNG_FREE_TEXT, -1);
    return 0;
}

// Decodes with png/info already set up for I/O. All cleanup of `out` on failure is done by the caller.
static int cpng_decode(png_structp png, png_infop info, cpng_error_state *err, int want_pixels, cpng_image *out,
                       unsigned char **scratch, png_bytep **rows_slot, char *message, int message_size) {
    if (setjmp(err->jump)) return cpng_fail(message, message_size, CPNG_ERR_DECODE, err->text);

    png_read_info(png, info);
    png_uint_32 width = 0, height = 0;
    int bit_depth = 0, color_type = 0;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, NULL, NULL, NULL);

    // Everything to 8-bit RGB(A): palette → RGB, grey < 8 bit → 8 bit, tRNS → alpha, 16 → 8, grey → RGB.
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (bit_depth == 16) png_set_scale_16(png);
    if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    int passes = png_set_interlace_handling(png);
    (void)passes;
    png_read_update_info(png, info);

    int channels = png_get_channels(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    if (channels != 3 && channels != 4) return cpng_fail(message, message_size, CPNG_ERR_DECODE, "unexpected channel count");
    if (rowbytes != (size_t)width * (size_t)channels) return cpng_fail(message, message_size, CPNG_ERR_DECODE, "unexpected row size");
    if (cpng_collect_text(png, info, out)) return cpng_fail(message, message_size, CPNG_ERR_MEMORY, "out of memory");

    out->width = (int)width;
    out->height = (int)height;
    out->channels = channels;

    // Rows: into the image, or (header/text only) into a scratch image we drop — libpng must still walk IDAT
    // to reach text chunks stored after it.
    size_t total = rowbytes * (size_t)height;
    unsigned char *buffer = (unsigned char *)malloc(total ? total : 1);
    if (!buffer) return cpng_fail(message, message_size, CPNG_ERR_MEMORY, "out of memory for pixels");
    if (want_pixels) out->pixels = buffer; else *scratch = buffer;
    // The row table lives in the caller's slot so a longjmp out of png_read_image cannot leak it.
    png_bytep *rows = (png_bytep *)malloc(sizeof(png_bytep) * (size_t)(height ? height : 1));
    *rows_slot = rows;
    if (!rows) return cpng_fail(message, message_size, CPNG_ERR_MEMORY, "out of memory for rows");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = buffer + (size_t)y * rowbytes;
    png_read_image(png, rows);
    png_read_end(png, info);
    if (cpng_collect_text(png, info, out)) return cpng_fail(message, message_size, CPNG_ERR_MEMORY, "out of memory");
    return CPNG_OK;
}

static int cpng_read(FILE *file, const unsigned char *data, size_t size, int want_pixels, cpng_image *out,
                     char *message, int message_size) {
    memset(out, 0, sizeof *out);
    cpng_error_state err;
    memset(&err, 0, sizeof err);
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &err, cpng_on_error, cpng_on_warning);
    if (!png) return cpng_fail(message, message_size, CPNG_ERR_MEMORY, "png_create_read_struct failed");
    png_infop info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return cpng_fail(message, message_size, CPNG_ERR_MEMORY, "png_create_info_struct failed");
    }
    // Emoji bitmaps carry sRGB/iCCP chunks some libpng builds reject as "known incorrect"; ignore those.
    png_set_option(png, PNG_SKIP_sRGB_CHECK_PROFILE, PNG_OPTION_ON);
    cpng_memory_reader reader = {data, size, 8};
    if (file) png_init_io(png, file); else png_set_read_fn(png, &reader, cpng_read_from_memory);
    png_set_sig_bytes(png, 8);

    unsigned char *scratch = NULL;
    png_bytep *rows = NULL;
    int code = cpng_decode(png, info, &err, want_pixels, out, &scratch, &rows, message, message_size);
    free(scratch);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    if (code != CPNG_OK) cpng_image_free(out);
    return code;
}

int cpng_read_file(const char *path, int want_pixels, cpng_image *out, char *message, int message_size) {
    memset(out, 0, sizeof *out);
    FILE *file = fopen(path, "rb");
    if (!file) return cpng_fail(message, message_size, CPNG_ERR_OPEN, strerror(errno));
    unsigned char signature[8];
    size_t got = fread(signature, 1, 8, file);
    if (got != 8 || png_sig_cmp(signature, 0, 8) != 0) {
        fclose(file);
        return cpng_fail(message, message_size, CPNG_ERR_SIGNATURE, "not a PNG file (bad signature)");
    }
    int code = cpng_read(file, NULL, 0, want_pixels, out, message, message_size);
    fclose(file);
    return code;
}

int cpng_read_memory(const unsigned char *data, size_t size, int want_pixels, cpng_image *out, char *message,
                     int message_size) {
    memset(out, 0, sizeof *out);
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0)
        return cpng_fail(message, message_size, CPNG_ERR_SIGNATURE, "not PNG data (bad signature)");
    return cpng_read(NULL, data, size, want_pixels, out, message, message_size);
}

void cpng_image_free(cpng_image *image) {
    if (!image) return;
    free(image->pixels);
    for (int i = 0; i < image->text_count; i++) {
        if (image->text_keys) free(image->text_keys[i]);
        if (image->text_values) free(image->text_values[i]);
    }
    free(image->text_keys);
    free(image->text_values);
    free(image->text_is_utf8);
    memset(image, 0, sizeof *image);
}

// MARK: - Writing

static int cpng_encode(png_structp png, png_infop info, cpng_error_state *err, FILE *file,
                       const unsigned char *pixels, int width, int height, int channels, int text_count,
                       const char *const *keys, const char *const *values, const int *text_utf8,
                       png_textp text, char *message, int message_size) {
    if (setjmp(err->jump)) return cpng_fail(message, message_size, CPNG_ERR_ENCODE, err->text);
    png_init_io(png, file);
    int color = channels == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB;
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, color, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    for (int i = 0; i < text_count; i++) {
        memset(&text[i], 0, sizeof text[i]);
        text[i].key = (png_charp)keys[i];
        text[i].text = (png_charp)values[i];
        if (text_utf8 && text_utf8[i]) {
            text[i].compression = PNG_ITXT_COMPRESSION_NONE;
            text[i].itxt_length = strlen(values[i]);
            text[i].lang = (png_charp) "";
            text[i].lang_key = (png_charp) "";
        } else {
            text[i].compression = PNG_TEXT_COMPRESSION_NONE;
            text[i].text_length = strlen(values[i]);
        }
    }
    if (text_count > 0) png_set_text(png, info, text, text_count);
    png_write_info(png, info);
    size_t rowbytes = (size_t)width * (size_t)channels;
    for (int y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(pixels + (size_t)y * rowbytes));
    png_write_end(png, info);
    return CPNG_OK;
}

int cpng_write_file(const char *path, const unsigned char *pixels, int width, int height, int channels,
                    int text_count, const char *const *keys, const char *const *values, const int *text_utf8,
                    char *message, int message_size) {
    if (channels != 3 && channels != 4)
        return cpng_fail(message, message_size, CPNG_ERR_ARGUMENT, "channels must be 3 or 4");
    if (width <= 0 || height <= 0)
        return cpng_fail(message, message_size, CPNG_ERR_ARGUMENT, "image must be at least 1x1");
    FILE *file = fopen(path, "wb");
    if (!file) return cpng_fail(message, message_size, CPNG_ERR_OPEN, strerror(errno));
    cpng_error_state err;
    memset(&err, 0, sizeof err);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &err, cpng_on_error, cpng_on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_textp text = (png_textp)calloc((size_t)(text_count > 0 ? text_count : 1), sizeof(png_text));
    int code;
    if (!png || !info || !text) {
        code = cpng_fail(message, message_size, CPNG_ERR_MEMORY, "out of memory creating PNG writer");
    } else {
        code = cpng_encode(png, info, &err, file, pixels, width, height, channels, text_count, keys, values,
                           text_utf8, text, message, message_size);
    }
    if (png) png_destroy_write_struct(&png, info ? &info : NULL);
    free(text);
    if (fclose(file) != 0 && code == CPNG_OK)
        code = cpng_fail(message, message_size, CPNG_ERR_ENCODE, strerror(errno));
    return code;
}
