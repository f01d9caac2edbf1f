"""A series killed before its first imaging readout leaves a group with a header (and
perhaps the noise scan) only: it counts as absent, so the series can be simulated again
into the same exam file and the exam reconstructs without it."""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.rawdata import AcqFlag, Acquisition, RawExamWriter, list_groups, read_series
from vetmri.rawdata.completeness import series_is_complete
from vetmri.recon import reconstruct_series

from tests.recon.simulated_scan import Scan

PLAN = ("--species", "dog", "--weight", "10", "--region", "brain", "--set", "matrix=32,32", "--set", "slices=2")


def _killed_before_first_readout(raw, noise: bool) -> str:
    header = Scan(matrix=32).header(name="T2 TSE transverse", index=2)
    with RawExamWriter(raw) as exam:
        series = exam.open_series(header)
        if noise:
            series.extend([Acquisition(np.ones((1, 64), np.complex64), flags=AcqFlag.IS_NOISE_MEASUREMENT)] * 4)
    return series.group


@pytest.mark.parametrize("noise", [False, True], ids=["header only", "noise scan only"])
def test_an_empty_series_group_does_not_block_simulating_the_series_again(tmp_path, run_vetmri, noise):
    raw = tmp_path / "exam.h5"
    done = run_vetmri("simulate", *PLAN, "--series", "0", "--out", str(raw))
    assert done.returncode == 0, done.stderr[-1000:]
    group = _killed_before_first_readout(raw, noise)
    assert group == "02_T2_TSE_transverse"
    assert list_groups(raw) == ["00_Localizer_3-plane"]  # the empty group counts as absent
    assert series_is_complete(raw, group) is False
    recon = run_vetmri("recon", str(raw), "--out", str(tmp_path / "images"))
    assert recon.returncode == 0, recon.stderr

    again = run_vetmri("simulate", *PLAN, "--series", "2", "--out", str(raw))
    assert again.returncode == 0, again.stderr[-1000:]
    assert list_groups(raw) == ["00_Localizer_3-plane", group]
    series = read_series(raw, group)
    assert series.header.series_name == "T2 TSE transverse" and series.header.recon_matrix[1] == 32
    assert not any(np.all(a.data == 1) for a in series.noise) and series_is_complete(raw, group)  # the old noise is gone
    assert reconstruct_series(raw, group).volumes[0].magnitude.shape[0] == 2
    # a complete series still refuses a second run
    refused = run_vetmri("simulate", *PLAN, "--series", "2", "--out", str(raw))
    assert refused.returncode == 2 and "already holds the series 02_T2_TSE_transverse" in refused.stderr
