"""What durability costs the raw MRD writer: the same acquisition written with the journal
of acquisitions (fdatasync per batch, fsync and journal removal on close) and without it
(HDF5 flush only, not power-cut safe), measured in the same run on the same disk.

Prints a markdown table for two ways readouts arrive, slice groups (the simulator) and one
by one (the scanner link): time per batch and per acquisition, MB/s of raw data, and the
ratio to the writer without durability; then the time to rebuild a file from its journal.

Run: ``python benchmarks/durability.py`` (options: ``--dir`` a folder on the disk to measure,
``--batches``, ``--readouts`` per batch, ``--channels``, ``--samples``, ``--repeat``).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from vetmri.rawdata import (
    Acquisition, EncodingCounters, EncodingLimits, Limit, RawExamWriter, SeriesHeader, recover_raw_file,
)
from vetmri.rawdata.journal import journal_path


def header(lines: int, samples: int, channels: int, slices: int) -> SeriesHeader:
    return SeriesHeader(
        encoded_matrix=(samples, lines, 1), encoded_fov_m=(0.2, 0.2, 0.005),
        recon_matrix=(samples, lines, 1), recon_fov_m=(0.2, 0.2, 0.005),
        limits=EncodingLimits(kspace_encoding_step_1=Limit(0, lines - 1, lines // 2), slice=Limit(0, slices - 1, 0)),
        series_name="t2 tse", series_index=0, channels=channels,
    )


def batches(count: int, readouts: int, channels: int, samples: int) -> list[list[Acquisition]]:
    rng = np.random.default_rng(1)
    data = (rng.normal(size=(channels, samples)) + 1j * rng.normal(size=(channels, samples))).astype(np.complex64)
    return [[Acquisition(data, EncodingCounters(kspace_encode_step_1=k, slice=b), center_sample=samples // 2)
             for k in range(readouts)] for b in range(count)]


def write(path: Path, groups: list[list[Acquisition]], head: SeriesHeader, durable: bool) -> float:
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    with RawExamWriter(path, durable=durable) as writer:
        series = writer.open_series(head)
        for group in groups:
            series.extend(group)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="folder on the disk to measure (default: a temporary one)")
    parser.add_argument("--batches", type=int, default=16, help="slice groups")
    parser.add_argument("--readouts", type=int, default=256, help="readouts per slice group")
    parser.add_argument("--single", type=int, default=256, help="readouts written one by one")
    parser.add_argument("--channels", type=int, default=4)
    parser.add_argument("--samples", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="vetmri-durability-", dir=args.dir))
    try:
        print("| readouts arrive | writer | per batch (ms) | per acquisition (us) | MB/s | ratio |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for label, count, size in ((f"slice groups of {args.readouts}", args.batches, args.readouts),
                                   ("one by one (link)", args.single, 1)):
            groups = batches(count, size, args.channels, args.samples)
            head = header(size, args.samples, args.channels, count)
            acquisitions = count * size
            megabytes = acquisitions * args.channels * args.samples * 8 / 1e6
            best = {}
            for _ in range(args.repeat):
                for durable in (False, True):
                    elapsed = write(folder / "exam.h5", groups, head, durable)
                    best[durable] = min(best.get(durable, elapsed), elapsed)
            for durable, name in ((False, "HDF5 flush only (not power-cut safe)"), (True, "journal + fdatasync per batch")):
                elapsed = best[durable]
                print(f"| {label} | {name} | {1e3 * elapsed / count:.2f} | {1e6 * elapsed / acquisitions:.1f} | "
                      f"{megabytes / elapsed:.0f} | {elapsed / best[False]:.2f} |")
        print(f"\n{args.channels} channels x {args.samples} samples per readout, best of {args.repeat}, "
              f"on the disk of {folder.parent}")
        groups = batches(args.batches, args.readouts, args.channels, args.samples)
        head = header(args.readouts, args.samples, args.channels, args.batches)
        acquisitions = args.batches * args.readouts
        # A cut before close: the journal is left; rebuilding the file from it.
        path = folder / "cut.h5"
        writer = RawExamWriter(path)
        series = writer.open_series(head)
        for group in groups:
            series.extend(group)
        writer._file.close()  # as a cut leaves it: closed without the journal removed
        writer._journal.close()
        started = time.perf_counter()
        recovered = recover_raw_file(path)
        rebuild_s = time.perf_counter() - started
        assert recovered == acquisitions and not journal_path(path).exists()
        print(f"\nRebuild after a cut: {rebuild_s * 1e3:.0f} ms for {recovered} acquisitions "
              f"({1e6 * rebuild_s / recovered:.1f} us each).")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
