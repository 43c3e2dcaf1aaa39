"""PNG fixtures for ArrozImageTests, written with nothing but zlib and struct (no PIL).

make(out_dir) writes:
  python_rgb.png      4x3 RGB8, pixel (x, y) = (60*x, 80*y, 200), tEXt parameters="from python"
  python_palette.png  4x2 palette (2-bit) with tRNS: index 0 transparent black, 1 red, 2 green, 3 blue;
                      row 0 = [0, 1, 2, 3], row 1 = [3, 2, 1, 0]
  python_grey16.png   3x1 16-bit grey: 0x0000, 0x8080, 0xFFFF
  python_text.png     1x1 RGB8 with tEXt "parameters" before IDAT, an iTXt "prompt" (UTF-8 "café 🍎") and a
                      tEXt "comment" (Latin-1 byte 0xE9 = "é") after IDAT
  python_adam7.png    5x5 RGB8 Adam7-interlaced, pixel (x, y) = (50x, 50y, 7)
  broken.png          python_rgb.png cut after 60 bytes (valid signature, truncated data)
Run: python3 Tests/Fixtures/fixtures_image.py Tests/ArrozImageTests/Fixtures
"""
import os
import struct
import sys
import zlib

OUT_DIR = "Tests/ArrozImageTests/Fixtures"


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png(width, height, bit_depth, colour_type, rows, extra=b""):
    """rows: list of raw scanline bytes (without the filter byte); every row uses filter 0 (None)."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    raw = b"".join(b"\x00" + r for r in rows)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def adam7_png(width, height, pixel):
    """8-bit RGB, interlace method 1: each of the 7 passes is its own sub-image of filter-0 scanlines."""
    raw = b""
    for x0, y0, dx, dy in ADAM7:
        xs, ys = range(x0, width, dx), range(y0, height, dy)
        if len(xs) == 0 or len(ys) == 0:
            continue
        for y in ys:
            raw += b"\x00" + bytes(v for x in xs for v in pixel(x, y))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 1)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def make(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    rgb_rows = [bytes(v for x in range(4) for v in (60 * x, 80 * y, 200)) for y in range(3)]
    text = chunk(b"tEXt", b"parameters\x00from python")
    rgb = png(4, 3, 8, 2, rgb_rows, extra=text)
    with open(os.path.join(out_dir, "python_rgb.png"), "wb") as f:
        f.write(rgb)

    def pack2(indices):  # 2-bit indices, MSB first
        out = 0
        for i in indices:
            out = (out << 2) | i
        return bytes([out])
    plte = chunk(b"PLTE", bytes([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]))
    trns = chunk(b"tRNS", bytes([0]))
    pal = png(4, 2, 2, 3, [pack2([0, 1, 2, 3]), pack2([3, 2, 1, 0])], extra=plte + trns)
    with open(os.path.join(out_dir, "python_palette.png"), "wb") as f:
        f.write(pal)

    grey = png(3, 1, 16, 0, [struct.pack(">HHH", 0x0000, 0x8080, 0xFFFF)])
    with open(os.path.join(out_dir, "python_grey16.png"), "wb") as f:
        f.write(grey)

    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    itxt = chunk(b"iTXt", b"prompt\x00\x00\x00\x00\x00" + "café 🍎".encode("utf-8"))
    late = chunk(b"tEXt", b"comment\x00caf\xe9")
    text_png = (b"\x89PNG\r\n\x1a\n" + ihdr + chunk(b"tEXt", b"parameters\x00early")
                + chunk(b"IDAT", zlib.compress(b"\x00\x01\x02\x03")) + itxt + late + chunk(b"IEND", b""))
    with open(os.path.join(out_dir, "python_text.png"), "wb") as f:
        f.write(text_png)

    with open(os.path.join(out_dir, "python_adam7.png"), "wb") as f:
        f.write(adam7_png(5, 5, lambda x, y: (50 * x, 50 * y, 7)))

    with open(os.path.join(out_dir, "broken.png"), "wb") as f:
        f.write(rgb[:60])


if __name__ == "__main__":
    make(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "ArrozImageTests", "Fixtures"))
