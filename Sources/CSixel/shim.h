// CSixel: libsixel's encoder (output context, dither/palette) and decoder (sixel_decode_raw).
#include <sixel.h>
