"""The layers of docs/architecture.md beyond what `lint-imports` sees: a foreign key written as a
string ("claims.Claim") imports nothing, yet ties its app to the other one. Every relation must
point at the model's own app or at one below it, in the order of the import contract."""

import tomllib
from pathlib import Path

from django.apps import apps

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def app_layers() -> dict[str, int]:
    """App label -> its layer (0 the lowest), read from the layers contract in pyproject.toml."""
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    (layers,) = [contract["layers"] for contract in contracts if contract["id"] == "layers"]
    apps_only = [layer for layer in reversed(layers) if ":" not in layer and "|" not in layer]
    return {layer.removeprefix("jineng."): rank for rank, layer in enumerate(apps_only)}


def upward_relations() -> list[str]:
    rank = app_layers()
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in rank:
            continue
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue  # reverse accessors belong to the model that declares the key
            target = field.related_model._meta
            if target.app_label in rank and rank[target.app_label] > rank[model._meta.app_label]:
                found.append(f"{model._meta.label}.{field.name} -> {target.label}")
    return found


def test_the_layers_name_every_app_of_the_project():
    ours = {config.label for config in apps.get_app_configs() if config.name.startswith("jineng.")}
    assert ours <= set(app_layers())


def test_every_relation_points_at_its_own_app_or_a_lower_one():
    assert upward_relations() == []
