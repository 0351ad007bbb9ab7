"""The region's templates in memory, for the 1:N search (one face, two names).

Each worker process keeps, per region, one float32 matrix of the region's templates (one row a
person) and the rows' squared norms; a search is one matrix product over it (engine.nearest),
not a loop over rows. A change made in this process drops the region's matrix at once; a change
made by another process is seen by the region's signature (count and newest enrolment of its
templates, one indexed query) checked before each search.
"""

import threading
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Max

from jineng.core import crypto
from jineng.faces import engine
from jineng.faces.models import TEMPLATE_FIELD, FaceTemplate


@dataclass
class RegionMatrix:
    signature: tuple
    person_ids: np.ndarray
    matrix: np.ndarray
    norms: np.ndarray


_matrices: dict[str, RegionMatrix] = {}
_lock = threading.Lock()


def _signature(region_path: str) -> tuple:
    found = FaceTemplate.objects.filter(region_path=region_path).aggregate(
        n=Count("id"), newest=Max("enrolled_at"), last=Max("id")
    )
    return (found["n"], found["newest"], found["last"])


def _load(region_path: str, signature: tuple) -> RegionMatrix:
    rows = list(
        FaceTemplate.objects.filter(region_path=region_path)
        .order_by("id")
        .values_list("person_id", "template")
    )
    matrix = np.empty((len(rows), engine.DIMENSIONS), dtype=np.float32)
    for i, (_person, sealed) in enumerate(rows):
        matrix[i] = engine.from_bytes(crypto.decrypt_bytes(sealed, TEMPLATE_FIELD))
    return build(signature, np.array([row[0] for row in rows], dtype=np.int64), matrix)


def build(signature, person_ids: np.ndarray, matrix: np.ndarray) -> RegionMatrix:
    norms = np.einsum("ij,ij->i", matrix, matrix)
    return RegionMatrix(signature, person_ids, matrix, norms)


def region(region_path: str) -> RegionMatrix:
    signature = _signature(region_path)
    cached = _matrices.get(region_path)
    if cached is not None and cached.signature == signature:
        return cached
    with _lock:
        cached = _matrices.get(region_path)
        if cached is None or cached.signature != signature:
            cached = _matrices[region_path] = _load(region_path, signature)
    return cached


def invalidate(region_path: str | None = None) -> None:
    with _lock:
        if region_path is None:
            _matrices.clear()
        else:
            _matrices.pop(region_path, None)


def search(region_path: str, template: np.ndarray, *, within: float, exclude: int, k: int = 5):
    """(person id, distance) of the region's templates within `within` of `template`, nearest
    first, the person `exclude` left out."""
    found = region(region_path)
    rows, distances = engine.nearest(found.matrix, found.norms, template, k=k + 1)
    return [
        (int(found.person_ids[row]), float(distance))
        for row, distance in zip(rows, distances, strict=True)
        if distance <= within and int(found.person_ids[row]) != exclude
    ][:k]
