import numpy as np

from tests.recon.simulated_scan import Scan, nrmse
from vetmri.recon import ReconOptions
from vetmri.recon.streaming import StreamingReconstructor


def test_images_update_after_each_slice_and_converge_to_the_full_recon():
    scan = Scan(slices=3, averages=2, noise_sigma=0.05)
    seen = []
    rec = StreamingReconstructor(scan.header(), "00_t2", ReconOptions(), on_images=seen.append)
    updates = [rec.add(a) for a in scan.acquisitions()]
    produced = [u for u in updates if u is not None]
    assert len(produced) == 6 and len(seen) == 6  # 3 slices x 2 average passes
    first = produced[0].volumes[0].magnitude
    assert first.shape == (1, 64, 64)  # only the first slice so far
    truth = scan.truth()
    final = rec.finish().volumes[0].magnitude
    assert final.shape == (3, 64, 64)

    def err(m):
        return nrmse(m * np.sum(truth * m) / np.sum(m * m), truth)

    # after the second average pass the images are less noisy than after the first
    assert err(produced[-1].volumes[0].magnitude[2]) < err(produced[2].volumes[0].magnitude[2])
