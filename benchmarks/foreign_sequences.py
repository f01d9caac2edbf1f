"""Plain-pypulseq sequences (block, sinc and gauss pulses; SE, TSE, GRE, STIR, FLAIR) on
the simulator against the signal equations and, where it is installed, against MRzero
(``mrzerocore``, an independent phase-distribution-graph simulator that runs Pulseq files).

For each case the table gives the tube ratios to the middle tube (contrast cases, tubes
of T1/T2 200/50, 600/100, 1500/300 ms) or the nulled tissue's signal over its uninverted
signal (STIR: fat, FLAIR: CSF), from the signal equation, from vetmri's engine, and from
MRzero (the same .seq file, the same tubes as a 2D voxel phantom, its own adjoint
reconstruction; '-' when MRzero is not installed), and the wall time of each simulator on
the case, measured in the same run. The "bal" rows are the GRE without spoiler or RF
spoiling, balanced (no signal equation here): the engine flags them as approximate, and
MRzero shows by how much their stimulated echoes change the tubes.

Run: ``OMP_NUM_THREADS=1 python benchmarks/foreign_sequences.py [--no-mrzero]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))

import numpy as np  # noqa: E402

from contrast_cases import CSF, FAT, FOV_M, N, TUBES, Case, expected, measure  # noqa: E402

SLICE_M = 0.006  # write_plain's default slice thickness

CASES = [
    Case("se", "sinc", True), Case("se", "block", False, use=False), Case("se", "gauss", True),
    Case("tse", "sinc", True), Case("tse", "gauss", False), Case("tse", "block", True, use=False),
    Case("gre", "sinc", True), Case("gre", "block", False, use=False), Case("gre", "gauss", False),
    Case("bal", "sinc", True), Case("bal", "block", False, use=False),
    Case("stir", "block", True, use=False), Case("stir", "sinc", False), Case("stir", "gauss", True),
    Case("flair", "block", False, use=False), Case("flair", "sinc", True), Case("flair", "gauss", True),
]


def _mrzero_phantom(kind: str):
    """The case's tubes as an MRzero voxel phantom on a 2 mm grid (0.2 T, no B0 or B1 map)."""
    import MRzeroCore as mr0
    import torch

    n = 72  # 144 mm
    x = (np.arange(n) - n / 2 + 0.5) * FOV_M / n
    xx, yy = np.meshgrid(x, x, indexing="ij")
    tubes = list(zip((-0.03, 0.0, 0.03), TUBES)) if kind in ("se", "tse", "gre", "bal") else [(-0.03, FAT), (0.03, CSF)]
    pd, t1, t2 = (np.zeros((n, n, 1)) for _ in range(3))
    t1[:], t2[:] = 1.0, 0.1
    for x0, (a, b) in tubes:
        inside = (xx - x0) ** 2 + yy**2 <= 0.01**2
        pd[inside, 0], t1[inside, 0], t2[inside, 0] = 1.0, a, b
    t = lambda v: torch.tensor(v, dtype=torch.float32)  # noqa: E731
    affine = torch.eye(3, 4)  # voxel to world, mm; one voxel of the slice thickness along z
    affine[0, 0] = affine[1, 1] = FOV_M / n * 1e3
    affine[2, 2] = SLICE_M * 1e3
    affine[:, 3] = t([-FOV_M / 2 * 1e3, -FOV_M / 2 * 1e3, -SLICE_M / 2 * 1e3])
    phantom = mr0.VoxelGridPhantom(
        PD=t(pd), T1=t(t1), T2=t(t2), T2dash=t(np.full_like(pd, 1e3)), D=t(np.zeros_like(pd)),
        B0=t(np.zeros_like(pd)), B1=t(np.ones((1, n, n, 1))), coil_sens=t(np.ones((1, n, n, 1))),
        affine=affine,
    )
    return phantom.build()


def _mrzero_means(seq_path: Path, kind: str, centres) -> np.ndarray:
    """Tube means of MRzero's simulation of the .seq, by its own adjoint reconstruction."""
    import MRzeroCore as mr0

    seq = mr0.Sequence.import_file(str(seq_path))
    data = _mrzero_phantom(kind)
    graph = mr0.compute_graph(seq, data, 200, 1e-4)
    signal = mr0.execute_graph(graph, seq, data, print_progress=False)
    image = mr0.reco_adjoint(signal, seq.get_kspace(), resolution=(N, N, 1), FOV=(FOV_M, FOV_M, 1)).numpy()[:, :, 0]
    px = FOV_M / N
    # reco_adjoint's image: first index along x, second along y
    return np.array([np.abs(image[N // 2 + round(x / px) - 2:N // 2 + round(x / px) + 3, N // 2 - 2:N // 2 + 3]).mean()
                     for x in centres])


def _mrzero(case: Case, folder: Path) -> np.ndarray:
    if case.kind in ("se", "tse", "gre", "bal"):
        m = _mrzero_means(folder / f"{case.kind}.seq", case.kind, (-0.03, 0.0, 0.03))
        return m / m[1]
    inverted = _mrzero_means(folder / f"{case.kind}.seq", case.kind, (-0.03, 0.03))
    plain = _mrzero_means(folder / f"{case.kind}_plain.seq", case.kind, (-0.03, 0.03))
    nulled = 0 if case.kind == "stir" else 1
    return np.array([inverted[nulled] / plain[nulled]])


def _fmt(values: np.ndarray | None) -> str:
    if values is None or np.all(np.isnan(values)):
        return "-"
    return " / ".join(f"{v:.3f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-mrzero", action="store_true", help="skip the MRzero column")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    use_mrzero = not args.no_mrzero
    if use_mrzero:
        try:
            import MRzeroCore  # noqa: F401
        except ImportError:
            print("MRzero (mrzerocore) is not installed: its column stays empty.")
            use_mrzero = False
    print("| sequence | quantity | signal equation | vetmri | MRzero | vetmri s | MRzero s |")
    print("|---|---|---|---|---|---:|---:|")
    for case in CASES:
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            measured, _ = measure(case, Path(folder))
            ours = time.perf_counter() - started
            theirs, their_s = None, float("nan")
            if use_mrzero:
                started = time.perf_counter()
                theirs = _mrzero(case, Path(folder))
                their_s = time.perf_counter() - started
        want = expected(case)
        quantity = "tube / middle tube" if case.kind in ("se", "tse", "gre", "bal") else \
            ("fat null" if case.kind == "stir" else "CSF null")
        print(f"| {case.name} | {quantity} | {_fmt(want)} | {_fmt(measured)} | {_fmt(theirs)} | {ours:.2f} | "
              f"{their_s:.2f} |")


if __name__ == "__main__":
    main()
