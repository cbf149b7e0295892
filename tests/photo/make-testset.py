#!/usr/bin/python3
"""Builds the labelled photo test set from the face in Debian's python3-skimage data.

Usage: make-testset.py OUTDIR STAMP

The only real portrait in Debian's packages that fits is skimage's astronaut (Eileen Collins,
NASA, public domain): a smiling frontal portrait on a grey mottled studio backdrop with a flag
and a shuttle model. Every other picture here is derived from it, so nothing large is committed.
The expected outcome of each file is in test-photo.c.
"""
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image
from scipy import ndimage as ndi
from skimage import color, data, measure, morphology

UPSCALE = 3  # 512 px is too small for a 300 dpi print; 1536 px is a small camera's still


def person_mask(img):
    """The person, from the backdrop: the backdrop is grey (low CIELAB chroma) and light; the
    flag on the left and the shuttle on the right are cut off by position, since only the head,
    neck and shoulders fall in the passport frame."""
    lab = color.rgb2lab(img)
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    person = ~((chroma < 14) & (lab[..., 0] > 45))
    h, w = person.shape
    yy, xx = np.mgrid[0:h, 0:w]
    person &= ~((xx < 105) & (yy < 330))
    person &= ~(xx > 345)
    person = morphology.binary_opening(person, morphology.disk(2))
    labels = measure.label(person)
    person = labels == labels[120, 225]  # a point on the face
    person = ndi.binary_fill_holes(person)
    person = morphology.binary_closing(person, morphology.disk(3))
    return ndi.binary_fill_holes(person)


def up(arr, factor=UPSCALE):
    im = Image.fromarray(arr)
    return np.asarray(im.resize((im.width * factor, im.height * factor), Image.LANCZOS))


def composite(img, alpha, background):
    out = img.astype(float) * alpha[..., None] + np.array(background, float) * (1 - alpha[..., None])
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def save(outdir, name, arr, **kw):
    Image.fromarray(arr).save(os.path.join(outdir, name), **kw)


def png_chunk(kind, payload):
    return (struct.pack(">I", len(payload)) + kind + payload +
            struct.pack(">I", zlib.crc32(kind + payload) & 0xffffffff))


def main(outdir, stamp):
    os.makedirs(outdir, exist_ok=True)
    src = data.astronaut()
    mask = person_mask(src)
    alpha_small = ndi.gaussian_filter(mask.astype(float), 0.8)

    white_small = composite(src, alpha_small, (255, 255, 255))
    base = up(white_small)
    alpha = np.asarray(Image.fromarray((alpha_small * 255).astype(np.uint8)).resize(
        (base.shape[1], base.shape[0]), Image.BILINEAR)) / 255.0
    orig = up(src)
    h, w = base.shape[:2]
    s = UPSCALE
    # Where the face is in the original (x 180-270, eyes at y 128, chin at y 190).
    face_x0, face_x1, eye_y, chin_y = 180 * s, 270 * s, 128 * s, 190 * s

    save(outdir, "base.png", base)
    save(outdir, "base.jpg", base, quality=92)
    save(outdir, "original.png", orig)
    save(outdir, "small.png", white_small)

    save(outdir, "rotated.png", np.asarray(Image.fromarray(base).rotate(
        15, resample=Image.BICUBIC, fillcolor=(255, 255, 255))))

    dark_person = composite((base * 0.35).astype(np.uint8), alpha, (255, 255, 255))
    save(outdir, "dark-face.png", dark_person)
    save(outdir, "dark.png", (base * 0.4).astype(np.uint8))

    blurred = np.stack([ndi.gaussian_filter(base[..., c].astype(float), 6) for c in range(3)], -1)
    save(outdir, "blurred.png", np.clip(blurred + 0.5, 0, 255).astype(np.uint8))

    grey = np.asarray(Image.fromarray(base).convert("L").convert("RGB"))
    save(outdir, "greyscale.png", grey)

    save(outdir, "blue-background.png", composite(up(src), alpha, (170, 200, 240)))

    cast = np.clip(base * np.array([0.55, 1.0, 1.25]), 0, 255).astype(np.uint8)
    save(outdir, "colour-cast.png", cast)

    # Side shadow: the image's left half of the face (the person's right) gets darker.
    yy, xx = np.mgrid[0:h, 0:w]
    mid = (face_x0 + face_x1) / 2
    t = np.clip((xx - (mid - 0.15 * (face_x1 - face_x0))) / (0.2 * (face_x1 - face_x0)), 0, 1)
    shade = 0.4 + 0.6 * t * t * (3 - 2 * t)
    shaded = composite(np.clip(base * shade[..., None], 0, 255).astype(np.uint8), alpha, (255, 255, 255))
    save(outdir, "side-shadow.png", shaded)

    # Yaw: shift the inside of the face to the image's right while the jaw line stays, as a
    # turn of the head to the person's left moves the nose against the face's outline.
    centre = (face_x0 + face_x1) / 2
    half = (face_x1 - face_x0) / 2 * 1.1
    bump_x = np.clip(1 - ((xx - centre) / half) ** 2, 0, 1)
    top, bottom = eye_y - 0.9 * (chin_y - eye_y), chin_y + 0.25 * (chin_y - eye_y)
    ty = np.clip((yy - top) / (bottom - top), 0, 1)
    bump_y = np.sin(np.pi * ty)
    shift = 0.30 * half * bump_x * bump_y
    warped = np.stack([ndi.map_coordinates(base[..., c].astype(float), [yy, xx - shift], order=1,
                                           mode="nearest") for c in range(3)], -1)
    warped = np.clip(warped + 0.5, 0, 255).astype(np.uint8)
    save(outdir, "yaw-left.png", warped)
    save(outdir, "yaw-right.png", np.ascontiguousarray(warped[:, ::-1]))

    # Too close: cut from just above the hair to just under the chin.
    save(outdir, "too-close.png", np.ascontiguousarray(base[25 * s:215 * s, 150 * s:300 * s]))

    # Off centre: the person moved to the image's left edge.
    shifted = np.full_like(base, 255)
    dx = 175 * s
    shifted[:, :w - dx] = base[:, dx:]
    save(outdir, "off-centre.png", shifted)

    # Two people: two copies at three quarters of the size, side by side.
    small3 = np.asarray(Image.fromarray(base).resize((w * 3 // 4, h * 3 // 4), Image.LANCZOS))
    face_cx = int(225 * s * 3 / 4)
    one = small3[:, face_cx - w // 4:face_cx + w // 4]
    pair = np.full_like(base, 255)
    pair[h // 4:h // 4 + one.shape[0], :w // 2] = one
    pair[h // 4:h // 4 + one.shape[0], w // 2:w // 2 * 2] = one
    save(outdir, "two-faces.png", pair)

    save(outdir, "no-face.png", up(data.coffee(), 2))

    # EXIF orientation 6: the pixels are stored turned a quarter to the left, and the tag says
    # to turn them back; a reader that ignores it finds no upright face.
    stored = Image.fromarray(base).transpose(Image.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(os.path.join(outdir, "exif-rotated.jpg"), quality=92, exif=exif.tobytes())

    # Hostile and broken files.
    open(os.path.join(outdir, "empty.jpg"), "wb").close()
    with open(os.path.join(outdir, "base.jpg"), "rb") as f:
        jpeg = f.read()
    with open(os.path.join(outdir, "truncated.jpg"), "wb") as f:
        f.write(jpeg[:len(jpeg) * 6 // 10])
    with open(os.path.join(outdir, "header-only.jpg"), "wb") as f:
        f.write(jpeg[:200])
    with open(os.path.join(outdir, "huge.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0)))
        f.write(png_chunk(b"IDAT", zlib.compress(b"\0" * 300001)))
        f.write(png_chunk(b"IEND", b""))
    with open(os.path.join(outdir, "not-an-image.jpg"), "wb") as f:
        f.write(b"This is a text file, not a photo.\n" * 20)
    rng = np.random.default_rng(7)
    with open(os.path.join(outdir, "garbage.jpg"), "wb") as f:
        f.write(b"\xff\xd8\xff\xe0" + rng.integers(0, 256, 20000, dtype=np.uint8).tobytes())
    with open(os.path.join(outdir, "garbage.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 640, 480, 8, 2, 0, 0, 0)) +
                png_chunk(b"IDAT", rng.integers(0, 256, 5000, dtype=np.uint8).tobytes()))

    with open(stamp, "w") as f:
        f.write("ok\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
