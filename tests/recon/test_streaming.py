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


def test_the_streamed_images_converge_to_the_batch_reconstruction_of_the_same_data():
    """Fed the scan readout by readout, the last update and ``finish`` equal the batch
    reconstruction of the same acquisitions (sorted, with the same noise scan)."""
    from vetmri.rawdata import RawSeries, sort_acquisitions
    from vetmri.recon.pipeline import reconstruct_raw

    scan = Scan(slices=2, averages=2, coils=4, noise_sigma=0.05, seed=3)
    acquisitions = scan.acquisitions()
    rec = StreamingReconstructor(scan.header(), "00_t2", ReconOptions())
    produced = [u for u in (rec.add(a) for a in acquisitions) if u is not None]
    noise = tuple(a for a in acquisitions if a.is_noise)
    lines = sort_acquisitions([a for a in acquisitions if not a.is_noise])
    batch = reconstruct_raw(RawSeries("00_t2", scan.header(), lines, noise), ReconOptions()).volumes[0].magnitude
    final = rec.finish().volumes[0].magnitude
    assert final.shape == batch.shape == (2, 64, 64)
    np.testing.assert_allclose(final, batch, rtol=1e-4, atol=1e-4 * batch.max())
    np.testing.assert_allclose(produced[-1].volumes[0].magnitude, batch, rtol=1e-4, atol=1e-4 * batch.max())
    # and the error to the batch image shrinks as data arrive (first pass of slice 2 vs both)
    first_pass = produced[1].volumes[0].magnitude[1]
    assert np.linalg.norm(first_pass - batch[1]) > np.linalg.norm(produced[-1].volumes[0].magnitude[1] - batch[1])
