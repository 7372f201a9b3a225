"""Save and load trained models with their metadata; decide whether a new model goes live.

A model is two files: `<version>.joblib` (the pickled pipeline) and `<version>.json` (metadata:
version, training data snapshot, library versions, cross-validated metrics, and the artifact's
SHA-256). Unpickling runs code, so load() refuses any artifact whose checksum does not match the
metadata we wrote — and, when a key is given, whose metadata is not signed with that key.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

import joblib

from analysis.text.train import MODEL_FORMAT, TrainedModel

# A new model replaces the live one unless its cross-validated macro-F1 is lower by more than this.
MAX_MACRO_F1_DROP = 0.01


class ArtifactError(Exception):
    """A model file that must not be loaded: missing, altered, unsigned or of another format."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _signature(key: bytes | str, checksum: str, version: str) -> str:
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"{version}:{checksum}".encode(), hashlib.sha256).hexdigest()


def save(model: TrainedModel, directory: Path | str, key: bytes | str | None = None) -> Path:
    """Write the artifact and its metadata into directory; return the metadata file's path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    version = model.metadata["version"]
    artifact = directory / f"text-model-{version}.joblib"
    joblib.dump(model.pipeline, artifact, compress=3)
    checksum = file_sha256(artifact)
    metadata = dict(model.metadata)
    metadata["artifact"] = {"file": artifact.name, "sha256": checksum,
                            "bytes": artifact.stat().st_size}
    if key is not None:
        metadata["artifact"]["signature"] = _signature(key, checksum, version)
    target = directory / f"text-model-{version}.json"
    target.write_text(json.dumps(metadata, indent=2, sort_keys=True), encoding="utf-8")
    model.metadata = metadata
    return target


def read_metadata(metadata_path: Path | str) -> dict:
    path = Path(metadata_path)
    try:
        metadata = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArtifactError(f"{path}: no such metadata file") from None
    except json.JSONDecodeError as error:
        raise ArtifactError(f"{path}: metadata is not valid JSON ({error.msg})") from None
    if metadata.get("format") != MODEL_FORMAT or "artifact" not in metadata:
        raise ArtifactError(f"{path.name}: not a text model metadata file of format {MODEL_FORMAT}")
    return metadata


def load(metadata_path: Path | str, key: bytes | str | None = None) -> TrainedModel:
    """Verify the artifact named in the metadata, then unpickle it."""
    path = Path(metadata_path)
    metadata = read_metadata(path)
    record = metadata["artifact"]
    artifact = path.parent / Path(record["file"]).name  # never follow a path out of the folder
    if not artifact.is_file():
        raise ArtifactError(f"{artifact.name}: artifact missing beside {path.name}")
    checksum = file_sha256(artifact)
    if not hmac.compare_digest(checksum, record.get("sha256", "")):
        raise ArtifactError(f"{artifact.name}: checksum does not match its metadata; refusing to load")
    if key is not None:
        expected = _signature(key, checksum, metadata["version"])
        if not hmac.compare_digest(expected, record.get("signature", "")):
            raise ArtifactError(f"{artifact.name}: not signed with this installation's key")
    return TrainedModel(joblib.load(artifact), metadata)


def should_promote(candidate_macro_f1: float, live_macro_f1: float | None,
                   max_drop: float = MAX_MACRO_F1_DROP) -> bool:
    """A new model goes live when there is none, or its macro-F1 drops by at most max_drop."""
    if live_macro_f1 is None:
        return True
    # Round away float noise so a drop of exactly max_drop counts as allowed.
    return round(live_macro_f1 - candidate_macro_f1, 9) <= max_drop
