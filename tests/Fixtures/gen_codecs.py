"""Golden data for the image codecs (src/Lumen.Vision/Codecs), written to tests/Fixtures/data/codecs/.

Run with Debian's python3 (PIL 9.4 linked to libjpeg-turbo 2.1.5, numpy) and libjpeg-turbo-progs (cjpeg, jpegtran)
for the JPEG variants PIL cannot write (restart markers, 4:4:0 and 4:1:1 sampling):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 tests/Fixtures/gen_codecs.py

* png/: PNGs written by the small encoder below, which can emit every colour type, bit depth, filter type, Adam7 and
  IDAT split; the expected 8-bit pixels are computed from the source samples here (and cross-checked against PIL
  where PIL's conversion means the same thing).
* jpeg/: JPEGs from PIL/cjpeg/jpegtran; the expected pixels are PIL's decode (np.asarray(Image.open(f))).
* *.bin: expected pixels, raw HWC bytes. manifest.json lists every case.
* dogcat.json: for each of the 1,399 JPEGs under ../shared/data/dogcat (when present): size, sum and a SHA-256 prefix
  of PIL's decoded array, so tests can check Lumen's decode of all of them without committing the pixels.
"""
import glob
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import tempfile
import zlib

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data", "codecs")
REPO = os.path.dirname(os.path.dirname(HERE))
rng = np.random.default_rng(1234)
manifest = {"png": [], "jpeg": [], "other": []}


def save_bin(name, arr):
    arr = np.ascontiguousarray(arr, dtype=np.uint8)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(arr.tobytes())


# ---------------------------------------------------------------- PNG ----------------------------------------------

def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def pack_row(samples, depth):
    """samples: 1-D int array of one row's samples -> bytes."""
    if depth == 16:
        return b"".join(struct.pack(">H", int(v)) for v in samples)
    if depth == 8:
        return bytes(int(v) for v in samples)
    per = 8 // depth
    out = bytearray((len(samples) + per - 1) // per)
    for i, v in enumerate(samples):
        out[i // per] |= int(v) << (8 - depth - depth * (i % per))
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filter_row(ftype, row, prev, bpp):
    out = bytearray(len(row))
    for i in range(len(row)):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][ftype]
        out[i] = (row[i] - pred) & 0xFF
    return bytes([ftype]) + bytes(out)


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def write_png(samples, color_type, depth, palette=None, trns=None, interlace=False, split=61):
    """samples: (h, w, spp) ints. Rows use filter types 0,1,2,3,4 in turn."""
    h, w, spp = samples.shape
    bpp = max(1, spp * depth // 8)
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    raw = bytearray()
    n = 0
    for x0, y0, dx, dy in passes:
        sub = samples[y0::dy, x0::dx]
        if sub.shape[0] == 0 or sub.shape[1] == 0:
            continue
        prev = bytes(len(pack_row(sub[0].reshape(-1), depth)))
        for y in range(sub.shape[0]):
            row = pack_row(sub[y].reshape(-1), depth)
            raw += filter_row(n % 5, row, prev, bpp)
            prev = row
            n += 1
    z = zlib.compress(bytes(raw), 9)
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, 1 if interlace else 0))
    out += chunk(b"tEXt", b"Comment\x00Lumen codec fixture")
    if palette is not None:
        out += chunk(b"PLTE", bytes(palette.reshape(-1).tolist()))
    if trns is not None:
        out += chunk(b"tRNS", trns)
    for i in range(0, len(z), split):
        out += chunk(b"IDAT", z[i:i + split])
    return out + chunk(b"IEND", b"")


def scale(v, depth):
    return (v >> 8) if depth == 16 else v * (255 // ((1 << depth) - 1))


def png_case(name, samples, color_type, depth, expected, palette=None, trns=None, interlace=False, pil_check=None):
    data = write_png(samples, color_type, depth, palette, trns, interlace)
    with open(os.path.join(OUT, "png", name + ".png"), "wb") as f:
        f.write(data)
    expected = np.asarray(expected, dtype=np.uint8)
    if pil_check is not None:  # PIL's reading of the same file, converted to our convention
        got = pil_check(Image.open(io.BytesIO(data)))
        assert np.array_equal(got, expected), f"{name}: expected pixels disagree with PIL"
    h, w, c = expected.shape
    save_bin(f"png/{name}.bin", expected)
    manifest["png"].append({"name": name, "file": f"png/{name}.png", "pixels": f"png/{name}.bin", "width": w, "height": h, "channels": c})


def pngs():
    os.makedirs(os.path.join(OUT, "png"), exist_ok=True)
    for interlace in (False, True):
        sfx = "_adam7" if interlace else ""
        sizes = [(13, 11)] + ([(1, 1), (3, 2), (5, 1), (37, 29)] if interlace else [])
        for (w, h) in sizes:
            tag = sfx if (w, h) == (13, 11) else f"{sfx}_{w}x{h}"
            for depth in (1, 2, 4, 8, 16):
                g = rng.integers(0, 1 << depth, size=(h, w, 1))
                png_case(f"gray{depth}{tag}", g, 0, depth, scale(g, depth), interlace=interlace,
                         pil_check=(lambda im, d=depth: (np.asarray(im)[..., None] >> 8) if d == 16 else np.asarray(im.convert("L"))[..., None]))
                if depth >= 2:
                    key = int(g[0, 0, 0])
                    alpha = np.where(g == key, 0, 255)
                    png_case(f"gray{depth}_trns{tag}", g, 0, depth, np.concatenate([scale(g, depth), alpha], axis=2),
                             trns=struct.pack(">H", key), interlace=interlace,
                             # PIL compares the key with the rescaled sample for 2/4-bit gray (so never matches);
                             # the spec (and libpng) compare the raw sample: only the 8-bit case is cross-checked.
                             pil_check=None if depth != 8 else (lambda im: np.asarray(im.convert("RGBA"))[..., [0, 3]]))
            for depth in (1, 2, 4, 8):
                entries = min(1 << depth, 200)
                pal = rng.integers(0, 256, size=(entries, 3))
                idx = rng.integers(0, entries, size=(h, w, 1))
                png_case(f"palette{depth}{tag}", idx, 3, depth, pal[idx[..., 0]], palette=pal, interlace=interlace,
                         pil_check=lambda im: np.asarray(im.convert("RGB")))
                a = rng.integers(0, 256, size=max(1, entries - 1))  # shorter than the palette: the rest are opaque
                full_a = np.concatenate([a, np.full(entries - len(a), 255)])
                png_case(f"palette{depth}_trns{tag}", idx, 3, depth,
                         np.concatenate([pal[idx[..., 0]], full_a[idx]], axis=2), palette=pal, trns=bytes(a.tolist()),
                         interlace=interlace, pil_check=lambda im: np.asarray(im.convert("RGBA")))
            for depth in (8, 16):
                rgb = rng.integers(0, 1 << depth, size=(h, w, 3))
                png_case(f"rgb{depth}{tag}", rgb, 2, depth, scale(rgb, depth), interlace=interlace,
                         pil_check=lambda im: np.asarray(im))
                key = rgb[1, 0] if h > 1 else rgb[0, 0]
                rgb[0, :2] = key if w > 1 else rgb[0, :2]
                alpha = np.all(rgb == key, axis=2, keepdims=True)
                png_case(f"rgb{depth}_trns{tag}", rgb, 2, depth, np.concatenate([scale(rgb, depth), np.where(alpha, 0, 255)], axis=2),
                         trns=struct.pack(">HHH", *[int(v) for v in key]), interlace=interlace,
                         pil_check=None if depth == 16 else (lambda im: np.asarray(im.convert("RGBA"))))
                ga = rng.integers(0, 1 << depth, size=(h, w, 2))
                png_case(f"gray_alpha{depth}{tag}", ga, 4, depth, scale(ga, depth), interlace=interlace,
                         pil_check=lambda im: np.asarray(im.convert("LA")))  # PIL opens 16-bit LA as RGBA
                rgba = rng.integers(0, 1 << depth, size=(h, w, 4))
                png_case(f"rgba{depth}{tag}", rgba, 6, depth, scale(rgba, depth), interlace=interlace,
                         pil_check=lambda im: np.asarray(im))
    # Files written by PIL itself (libpng-style encoder choices, one IDAT).
    for mode, shape in (("RGB", (29, 31, 3)), ("RGBA", (17, 23, 4)), ("L", (19, 21, 1))):
        arr = smooth_image(shape[1], shape[0])[..., :shape[2]] if shape[2] <= 3 else np.concatenate(
            [smooth_image(shape[1], shape[0]), rng.integers(0, 256, size=shape[:2] + (1,), dtype=np.uint8)], axis=2)
        name = f"pil_{mode.lower()}"
        buf = io.BytesIO()
        Image.fromarray(arr[..., 0] if shape[2] == 1 else arr, mode).save(buf, "PNG", optimize=True)
        with open(os.path.join(OUT, "png", name + ".png"), "wb") as f:
            f.write(buf.getvalue())
        save_bin(f"png/{name}.bin", arr)
        manifest["png"].append({"name": name, "file": f"png/{name}.png", "pixels": f"png/{name}.bin",
                                "width": shape[1], "height": shape[0], "channels": shape[2]})


# ---------------------------------------------------------------- JPEG ---------------------------------------------

def smooth_image(w, h):
    """Gradients, a disc, stripes and noise: content that exercises every DCT frequency and the clamps."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    r = 128 + 127 * np.sin(x / 5.0) * np.cos(y / 7.0)
    g = 255 * x / max(1, w - 1)
    b = np.where((x - w / 2) ** 2 + (y - h / 2) ** 2 < (min(w, h) / 3) ** 2, 250.0, 20.0)
    b = np.where((x.astype(int) // 3) % 2 == 0, b, 255 - b)
    img = np.stack([r, g, b], axis=2) + rng.normal(0, 12, size=(h, w, 3))
    return np.clip(img, 0, 255).astype(np.uint8)


def jpeg_case(name, data):
    path = os.path.join(OUT, "jpeg", name + ".jpg")
    with open(path, "wb") as f:
        f.write(data)
    im = Image.open(path)
    arr = np.asarray(im)
    if arr.ndim == 2:
        arr = arr[..., None]
    save_bin(f"jpeg/{name}.bin", arr)
    h, w, c = arr.shape
    manifest["jpeg"].append({"name": name, "file": f"jpeg/{name}.jpg", "pixels": f"jpeg/{name}.bin", "width": w, "height": h, "channels": c,
                             "progressive": bool(im.info.get("progressive", 0))})


def pil_jpeg(arr, **kw):
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "JPEG", **kw)
    return buf.getvalue()


def tool(args, data):
    return subprocess.run(args, input=data, stdout=subprocess.PIPE, check=True).stdout


def jpegs():
    os.makedirs(os.path.join(OUT, "jpeg"), exist_ok=True)
    img = smooth_image(61, 47)
    for sub, tag in ((0, "444"), (1, "422"), (2, "420")):
        jpeg_case(f"baseline_{tag}_q75", pil_jpeg(img, quality=75, subsampling=sub))
        jpeg_case(f"progressive_{tag}_q75", pil_jpeg(img, quality=75, subsampling=sub, progressive=True))
    jpeg_case("baseline_420_q95", pil_jpeg(img, quality=95, subsampling=2))
    jpeg_case("baseline_420_q5", pil_jpeg(img, quality=5, subsampling=2))
    jpeg_case("baseline_444_q100", pil_jpeg(img, quality=100, subsampling=0))
    jpeg_case("baseline_420_optimized", pil_jpeg(img, quality=80, subsampling=2, optimize=True))
    jpeg_case("progressive_420_q30", pil_jpeg(img, quality=30, subsampling=2, progressive=True))
    exif = b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00"
    jpeg_case("baseline_420_exif_icc", pil_jpeg(img, quality=85, subsampling=2, exif=exif, icc_profile=b"\x00" * 300))
    gray = np.asarray(Image.fromarray(img).convert("L"))
    jpeg_case("gray_baseline", pil_jpeg(gray, quality=75))
    jpeg_case("gray_progressive", pil_jpeg(gray, quality=75, progressive=True))
    jpeg_case("tiny_1x1", pil_jpeg(img[:1, :1], quality=75, subsampling=2))
    jpeg_case("small_17x9_420", pil_jpeg(img[:9, :17], quality=75, subsampling=2))
    jpeg_case("small_3x2_422", pil_jpeg(img[:2, :3], quality=75, subsampling=1))
    jpeg_case("narrow_2x40_420", pil_jpeg(img[:40, :2], quality=75, subsampling=2))
    # cjpeg/jpegtran (libjpeg-turbo-progs) for what PIL cannot write.
    if shutil.which("cjpeg") and shutil.which("jpegtran"):
        ppm = io.BytesIO()
        Image.fromarray(img).save(ppm, "PPM")
        ppm = ppm.getvalue()
        base = pil_jpeg(img, quality=75, subsampling=2)
        jpeg_case("restart_1mcu_420", tool(["jpegtran", "-restart", "1B"], base))
        jpeg_case("restart_rows_420", tool(["jpegtran", "-restart", "1"], base))
        jpeg_case("restart_progressive_420", tool(["jpegtran", "-restart", "2B", "-progressive"], base))
        jpeg_case("gray_restart", tool(["jpegtran", "-restart", "3B"], pil_jpeg(gray, quality=75)))
        jpeg_case("sample_440_cjpeg", tool(["cjpeg", "-sample", "1x2", "-quality", "75"], ppm))
        jpeg_case("sample_411_cjpeg", tool(["cjpeg", "-sample", "4x1", "-quality", "75"], ppm))
        jpeg_case("sample_420_rgb_nonint", tool(["cjpeg", "-rgb", "-quality", "80"], ppm))
        jpeg_case("progressive_444_cjpeg", tool(["cjpeg", "-sample", "1x1", "-progressive", "-quality", "90"], ppm))
        jpeg_case("baseline_420_multiscan", tool(["jpegtran", "-scans", "/dev/stdin"], base) if False else
                  _multiscan(base))
    else:
        print("cjpeg/jpegtran not found: restart and 4:4:0/4:1:1 cases skipped (apt-get install libjpeg-turbo-progs)")


def _multiscan(base):
    """A sequential (non-progressive) file with one scan per component, via a jpegtran scan script."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("0;\n1;\n2;\n")
        script = f.name
    try:
        return tool(["jpegtran", "-scans", script], base)
    finally:
        os.unlink(script)


# ---------------------------------------------------------------- BMP / PPM / PGM ----------------------------------

def others():
    os.makedirs(os.path.join(OUT, "other"), exist_ok=True)
    img = smooth_image(13, 7)
    cases = [
        ("bmp24", Image.fromarray(img), "BMP", "RGB"),
        ("bmp8_palette", Image.fromarray(img).quantize(40), "BMP", "RGB"),
        ("bmp1", Image.fromarray(img).convert("1"), "BMP", "RGB"),
        ("bmp32_bgrx", Image.fromarray(np.concatenate([img, img[..., :1]], axis=2), "RGBA"), "BMP", "RGB"),  # BI_RGB: the 4th byte is padding
        ("ppm_p6", Image.fromarray(img), "PPM", "RGB"),
        ("pgm_p5", Image.fromarray(img).convert("L"), "PPM", "L"),
        ("pbm_p4", Image.fromarray(img).convert("1"), "PPM", "L"),
    ]
    for name, im, fmt, mode in cases:
        ext = "bmp" if fmt == "BMP" else "pnm"
        path = os.path.join(OUT, "other", f"{name}.{ext}")
        im.save(path, fmt)
        arr = np.asarray(Image.open(path).convert(mode))
        if arr.ndim == 2:
            arr = arr[..., None]
        save_bin(f"other/{name}.bin", arr)
        h, w, c = arr.shape
        manifest["other"].append({"name": name, "file": f"other/{name}.{ext}", "pixels": f"other/{name}.bin", "width": w, "height": h, "channels": c})
    # Hand-written ASCII and 16-bit variants.
    gray = np.asarray(Image.fromarray(img).convert("L"))
    text = "P2\n# comment line\n13 7\n255\n" + "\n".join(" ".join(str(v) for v in row) for row in gray) + "\n"
    with open(os.path.join(OUT, "other", "pgm_p2.pnm"), "w") as f:
        f.write(text)
    save_bin("other/pgm_p2.bin", gray[..., None])
    manifest["other"].append({"name": "pgm_p2", "file": "other/pgm_p2.pnm", "pixels": "other/pgm_p2.bin", "width": 13, "height": 7, "channels": 1})
    wide = img.astype(np.uint16) * 257  # 16-bit maxval 65535: v*257 rescales exactly back to v
    with open(os.path.join(OUT, "other", "ppm_p6_16bit.pnm"), "wb") as f:
        f.write(b"P6 13 7 65535\n" + wide.astype(">u2").tobytes())
    save_bin("other/ppm_p6_16bit.bin", img)
    manifest["other"].append({"name": "ppm_p6_16bit", "file": "other/ppm_p6_16bit.pnm", "pixels": "other/ppm_p6_16bit.bin", "width": 13, "height": 7, "channels": 3})


# ---------------------------------------------------------------- dogcat -------------------------------------------

def dogcat():
    roots = [os.path.join(REPO, "..", "shared", "data", "dogcat")]
    root = next((r for r in roots if os.path.isdir(r)), None)
    if root is None:
        print("dogcat data not found: dogcat.json not regenerated")
        return
    entries = {}
    for path in sorted(glob.glob(os.path.join(root, "*", "*.jpg"))):
        arr = np.asarray(Image.open(path))
        rel = os.path.relpath(path, root)
        entries[rel] = {"w": arr.shape[1], "h": arr.shape[0], "c": 1 if arr.ndim == 2 else arr.shape[2],
                        "sum": int(arr.sum(dtype=np.int64)), "sha256": hashlib.sha256(arr.tobytes()).hexdigest()[:16]}
    with open(os.path.join(OUT, "dogcat.json"), "w") as f:
        json.dump(entries, f, separators=(",", ":"), sort_keys=True)
    print(f"dogcat: {len(entries)} images")


if __name__ == "__main__":
    for sub in ("png", "jpeg", "other"):
        shutil.rmtree(os.path.join(OUT, sub), ignore_errors=True)
    os.makedirs(OUT, exist_ok=True)
    pngs()
    jpegs()
    others()
    dogcat()
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"{len(manifest['png'])} PNG cases, {len(manifest['jpeg'])} JPEG cases")
