"""Writes every PyTorch parity fixture: runs `make(out_dir)` of each `fixtures_<area>.py` beside this script.

Usage (from anywhere; needs torch only for the areas that use it):
    ~/torch-venv/bin/python Tests/Fixtures/make_fixtures.py            # every area
    ~/torch-venv/bin/python Tests/Fixtures/make_fixtures.py ops conv   # some areas

Where an area's files go: the module's `OUT_DIR` (relative to the repo root) if it defines one, else the
table below, else `Tests/ArrozTensorTests/Fixtures/<area>`. Every area starts from the same fixed seeds
(torch, numpy, random = 0), so re-running gives the same files for the same library versions. The versions
used are recorded in `Tests/Fixtures/versions.json`; commit it with the fixtures.
"""
import importlib
import json
import os
import platform
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

# Areas whose fixtures live outside ArrozTensorTests and whose module does not say so itself.
OUT_DIRS = {
    "image": "Tests/ArrozImageTests/Fixtures",
    "text": "Tests/ArrozTextTests/Fixtures",
}


def seed_everything(seed=0):
    random.seed(seed)
    try:
        import numpy as np
        np.random.seed(seed)
    except ImportError:
        pass
    try:
        import torch
        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(True)
        torch.set_num_threads(1)
    except ImportError:
        pass


def versions():
    v = {"python": platform.python_version()}
    for name in ("torch", "numpy", "safetensors", "transformers"):
        try:
            v[name] = importlib.import_module(name).__version__
        except ImportError:
            pass
    return v


def main(argv):
    sys.path.insert(0, HERE)
    found = sorted(f[len("fixtures_"):-3] for f in os.listdir(HERE)
                   if f.startswith("fixtures_") and f.endswith(".py"))
    areas = argv or found
    unknown = [a for a in areas if a not in found]
    if unknown:
        sys.exit(f"make_fixtures: no Tests/Fixtures/fixtures_{unknown[0]}.py (areas: {', '.join(found)})")
    record_path = os.path.join(HERE, "versions.json")
    record = {}
    if os.path.exists(record_path):
        with open(record_path) as f:
            record = json.load(f)
    record.setdefault("areas", {})
    for area in areas:
        module = importlib.import_module("fixtures_" + area)
        rel = getattr(module, "OUT_DIR", None) or OUT_DIRS.get(area) or f"Tests/ArrozTensorTests/Fixtures/{area}"
        out_dir = os.path.join(ROOT, rel)
        os.makedirs(out_dir, exist_ok=True)
        seed_everything(0)
        module.make(out_dir)
        files = sorted(os.listdir(out_dir))
        size = sum(os.path.getsize(os.path.join(out_dir, f)) for f in files)
        print(f"{area:>10}: {len(files):3d} files, {size / 1024:7.1f} KiB in {rel}")
        record["areas"][area] = {"out_dir": rel, "versions": versions()}
    with open(record_path, "w") as f:
        json.dump(record, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
