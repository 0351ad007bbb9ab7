"""Threshold calibration: the distances of same-person and different-person pairs of a folder of
labelled photos (one subfolder per person), and the threshold that best separates them.

East Asian faces tend to sit closer under dlib's model than the photos it was tested on, so the
threshold (JINENG_FACE_THRESHOLD) is set from the region's own photos, not a constant."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from jineng.faces import engine

SUFFIXES = {".jpg", ".jpeg", ".png"}


@dataclass
class Calibration:
    same: list[float]
    different: list[float]
    refused: list[tuple[str, str]]
    threshold: float
    false_accept: float  # share of different-person pairs within the threshold
    false_reject: float  # share of same-person pairs beyond it


def templates(folder: Path, *, min_pixels: int, min_sharpness: float):
    found, refused = [], []
    for person in sorted(p for p in folder.iterdir() if p.is_dir()):
        for file in sorted(person.iterdir()):
            if file.suffix.lower() not in SUFFIXES:
                continue
            try:
                face = engine.encode(
                    file.read_bytes(), min_pixels=min_pixels, min_sharpness=min_sharpness
                )
            except engine.FaceRefused as error:
                refused.append((f"{person.name}/{file.name}", error.code))
                continue
            found.append((person.name, face.template))
    return found, refused


def rates(same: np.ndarray, different: np.ndarray, threshold: float) -> tuple[float, float]:
    accept = float((different <= threshold).mean()) if len(different) else 0.0
    reject = float((same > threshold).mean()) if len(same) else 0.0
    return accept, reject


def calibrate(folder: Path, *, min_pixels: int, min_sharpness: float) -> Calibration:
    found, refused = templates(folder, min_pixels=min_pixels, min_sharpness=min_sharpness)
    same, different = [], []
    for i, (who, a) in enumerate(found):
        for other, b in found[i + 1 :]:
            (same if who == other else different).append(engine.distance(a, b))
    s, d = np.array(same), np.array(different)
    # The threshold minimising false accepts plus false rejects, a false accept (代打卡 let
    # through) weighing twice; ties go to the lower threshold (stricter).
    candidates = np.unique(np.concatenate([s, d, [0.6]]))
    best, best_cost = 0.6, None
    for candidate in candidates:
        accept, reject = rates(s, d, float(candidate))
        cost = 2 * accept + reject
        if best_cost is None or cost < best_cost - 1e-12:
            best, best_cost = float(candidate), cost
    if len(s) and len(d) and s.max() < d.min():  # separated: the middle of the gap
        best = float((s.max() + d.min()) / 2)
    accept, reject = rates(s, d, best)
    return Calibration(sorted(same), sorted(different), refused, round(best, 3), accept, reject)
