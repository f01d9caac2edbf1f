import pytest

from vetmri.protocols.encoding import echo_train_order, poisson_disc_mask, slice_order, variable_density_lines


def test_full_sampling_takes_every_line():
    assert variable_density_lines(96, 1.0, seed=3) == tuple(range(96))


@pytest.mark.parametrize("r", [1.5, 2.0, 3.0])
def test_variable_density_keeps_the_centre_and_the_requested_count(r):
    lines = variable_density_lines(128, r, seed=1)
    assert len(lines) == round(128 / r)
    assert set(range(60, 68)) <= set(lines)
    assert lines == variable_density_lines(128, r, seed=1)
    assert lines != variable_density_lines(128, r, seed=2)


def test_poisson_disc_mask_reaches_about_the_acceleration_and_keeps_the_centre():
    points = poisson_disc_mask(64, 32, 2.5, seed=0)
    assert 0.85 < (64 * 32 / len(points)) / 2.5 < 1.15
    assert (32, 16) in points
    assert len(set(points)) == len(points)
    assert points == poisson_disc_mask(64, 32, 2.5, seed=0)


def test_linear_echo_trains_put_the_centre_in_the_middle_and_centric_at_the_first_echo():
    lines = tuple(range(128))
    linear = echo_train_order(lines, 128, 8, "linear")
    centric = echo_train_order(lines, 128, 8, "centric")
    assert linear.centre_echo == 5 and centric.centre_echo == 1
    for order in (linear, centric):
        acquired = sorted(k for shot in order.shots for k in shot if k >= 0)
        assert acquired == list(lines)


def test_uneven_echo_trains_pad_with_unacquired_echoes():
    order = echo_train_order(tuple(range(100)), 100, 8, "linear")
    assert len(order.shots) == 13 and all(len(s) == 8 for s in order.shots)
    assert sum(k < 0 for s in order.shots for k in s) == 4


def test_slice_orders():
    assert slice_order(5, "interleaved") == (0, 2, 4, 1, 3)
    assert slice_order(3, "sequential") == (0, 1, 2)
