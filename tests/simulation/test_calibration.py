"""The noise calibration: a 0.2 T dog-brain T2 TSE (1 x 1 x 4 mm, 2 averages, 130 Hz/pixel,
effective TE about 108 ms; the calibration point is 100 Hz/pixel and TE 100 ms) gives white
matter an SNR of 15-30, and the image shows the anatomy with T2 contrast."""

from __future__ import annotations

import numpy as np
import pytest

from vetmri.simulation.effects import EffectOptions
from vetmri.simulation.engine import simulate_sequence
from vetmri.simulation.phantom import load_phantom, scale_phantom
from vetmri.simulation.rasterise import tissue_fractions

from line_image import line_image
from seqbuild import write_se

N = 256
FOV = 0.256


def _image(result):
    return line_image(result, N)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_dog_brain_t2_tse_white_matter_snr_is_in_the_0_2_tesla_range(tmp_path):
    path = write_se(tmp_path / "t2_tse.seq", n=N, fov=FOV, thickness=0.004, etl=8, te=0.024, tr=3.0,
                    averages=2, bw_per_px=130.0)
    head = scale_phantom(load_phantom("dog_brain"), weight_kg=10)
    clean = _image(simulate_sequence(path, head, options=EffectOptions(noise=False, b0_inhomogeneity=False)))
    noisy = _image(simulate_sequence(path, head, options=EffectOptions(b0_inhomogeneity=False, seed=11)))
    axis = (np.arange(N) - N // 2) * FOV / N
    fractions, tissues = tissue_fractions(head, axis, axis, np.linspace(-1.5e-3, 1.5e-3, 4), supersample=1)
    names = [t.name for t in tissues]
    wm = (fractions[names.index("white_matter")].min(axis=2) > 0.99).T  # rows y, columns x
    csf = (fractions[names.index("csf")].min(axis=2) > 0.99).T
    gm = (fractions[names.index("grey_matter")].min(axis=2) > 0.99).T
    assert wm.sum() > 50 and csf.sum() > 5 and gm.sum() > 50
    noise = np.std((noisy - clean).real[np.abs(clean) > 0.2 * np.abs(clean).max()])
    snr_wm = np.abs(noisy[wm]).mean() / noise
    assert 15 <= snr_wm <= 30
    # T2 contrast a reader expects: CSF > grey matter > white matter
    magnitude = np.abs(clean)
    assert magnitude[csf].mean() > magnitude[gm].mean() > magnitude[wm].mean()
    from skimage.io import imsave

    imsave(tmp_path / "dog_brain_t2_tse.png", (np.clip(np.abs(noisy) / np.abs(noisy).max(), 0, 1) * 255).astype(np.uint8))
