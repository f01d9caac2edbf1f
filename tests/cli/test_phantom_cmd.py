import json

import numpy as np


def test_phantom_list_names_the_shipped_phantoms(run_vetmri):
    result = run_vetmri("phantom", "list", "--json")
    assert result.returncode == 0, result.stderr
    names = {p["name"] for p in json.loads(result.stdout)}
    assert {"dog_brain", "cat_brain", "rabbit_brain", "dog_spine", "qa_phantom", "test_tubes"} <= names


def test_phantom_show_scales_with_weight(run_vetmri):
    small = json.loads(run_vetmri("phantom", "show", "dog_brain", "--weight", "2", "--json").stdout)
    large = json.loads(run_vetmri("phantom", "show", "dog_brain", "--weight", "40", "--json").stdout)
    assert large["scale_factor"] > small["scale_factor"]
    assert any(t["name"] == "white_matter" and t["source"] for t in large["tissues"])
    text = run_vetmri("phantom", "show", "cat_brain")
    assert text.returncode == 0 and "white_matter" in text.stdout


def test_phantom_render_writes_a_png_of_the_anatomy(run_vetmri, tmp_path):
    from skimage.io import imread

    out = tmp_path / "dog.png"
    result = run_vetmri("phantom", "render", "dog_brain", "--out", str(out), "--pixel-mm", "1")
    assert result.returncode == 0, result.stderr
    image = imread(out)
    assert image.ndim == 2 and image.max() == 255 and np.mean(image > 0) > 0.3


def test_bad_requests_exit_2_with_one_sentence(run_vetmri, tmp_path):
    for args, text in (
        (("phantom", "show", "unicorn"), "no phantom called 'unicorn'"),
        (("phantom", "show", "dog_brain", "--weight", "500"), "1.5 to 90 kg"),
        (("phantom", "render", "dog_brain", "--out", str(tmp_path / "x.png"), "--position-mm", "900"), "misses the phantom"),
        (("phantom", "render", "dog_brain", "--out", str(tmp_path / "x.jpg")), ".png"),
    ):
        result = run_vetmri(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert text in result.stderr and "Traceback" not in result.stderr
