import numpy as np

from vetmri.simulation.phantom import load_phantom, scale_phantom
from vetmri.simulation.rasterise import tissue_fractions, tissue_labels
from vetmri.simulation.texture import heterogeneity_fields

AXES = (np.arange(-12, 12) * 0.25e-3 + 12e-3, np.arange(-12, 12) * 0.25e-3 + 6e-3, np.array([0.0]))


def _pd_map(phantom, axes=AXES):
    fractions, tissues = tissue_fractions(phantom, *axes, supersample=2)
    image = np.tensordot(np.array([t.pd for t in tissues], dtype=np.float32), fractions, axes=1)
    if phantom.heterogeneity > 0:
        image = image * heterogeneity_fields(phantom.texture, axes)[0]
    return image[:, :, 0]


def _power_above(image, pixel_mm, cycles_per_mm):
    detail = image - image.mean()
    power = np.abs(np.fft.fft2(detail)) ** 2
    f = np.hypot(*np.meshgrid(np.fft.fftfreq(image.shape[0], pixel_mm), np.fft.fftfreq(image.shape[1], pixel_mm),
                              indexing="ij"))
    return float(power[f > cycles_per_mm].sum() / max(power.sum(), 1e-30)), float(np.std(image) / image.mean())


def test_texture_off_keeps_the_phantom_piecewise_constant_and_on_adds_detail():
    plain = scale_phantom(load_phantom("dog_brain"))
    textured = scale_phantom(load_phantom("dog_brain"), texture=True)
    # a 6 mm square inside the cerebral white matter
    assert np.ptp(_pd_map(plain)) == 0.0
    image = _pd_map(textured)
    share, spread = _power_above(image, 0.25, 0.25)
    assert 0.01 < spread < 0.2  # a few per cent, not a different tissue
    assert share > 0.2  # a real part of the detail is finer than 4 mm


def test_the_same_seed_gives_the_same_anatomy_on_any_grid():
    a = scale_phantom(load_phantom("cat_brain"), texture=True)
    b = scale_phantom(load_phantom("cat_brain"), texture=True)
    axes = (np.linspace(-15e-3, 15e-3, 121), np.linspace(-5e-3, 20e-3, 101), np.array([0.0]))
    la, _ = tissue_labels(a, *axes)
    lb, _ = tissue_labels(b, *axes)
    assert np.array_equal(la, lb)
    # every other point of a grid twice as fine holds the same labels
    fine = (np.linspace(-15e-3, 15e-3, 241), np.linspace(-5e-3, 20e-3, 201), np.array([0.0]))
    lf, _ = tissue_labels(a, *fine)
    assert np.array_equal(lf[::2, ::2], la)
    plain, _ = tissue_labels(scale_phantom(load_phantom("cat_brain")), *axes)
    assert (plain != la).mean() > 0.02  # folds, folia and septa change the labels


def test_lesions_of_known_size_are_the_ground_truth():
    head = scale_phantom(load_phantom("dog_brain"), lesions=True, texture=True)
    sizes = sorted(round(2e3 * float(s.semi_axes_m.max()), 1) for s in head.lesions() if "metastasis" in s.name)
    assert sizes == [1.0, 2.0, 3.0, 5.0]  # the 10 kg reference: no scaling
    assert not scale_phantom(load_phantom("dog_brain")).lesions()
