import math

import pytest

from vetmri.errors import UserInputError
from vetmri.tissues import load_tissue_library


def test_library_holds_the_tissues_a_reader_expects_with_sources():
    library = load_tissue_library()
    for name in ("grey_matter", "white_matter", "csf", "fat", "muscle", "bone_marrow", "vitreous",
                 "lens", "mucosa", "cord", "disc_nucleus", "disc_annulus", "air", "cortical_bone"):
        tissue = library.get(name)
        assert tissue.source, name
    assert all(t.t2_s <= t.t1_s for t in library.tissues)


def test_values_at_0_2_tesla_follow_the_scanner_table():
    library = load_tissue_library()
    assert library.get("white_matter").t1_s == pytest.approx(0.315)
    assert library.get("grey_matter").t1_s == pytest.approx(0.468)
    assert library.get("fat").chemical_shift_ppm == -3.4
    # contrast order a reader relies on: T1 of fat < WM < GM << CSF; T2 of CSF >> GM > WM
    t1 = {n: library.get(n).t1_s for n in ("fat", "white_matter", "grey_matter", "csf")}
    assert t1["fat"] < t1["white_matter"] < t1["grey_matter"] < t1["csf"]
    # STIR nulls fat at T1 ln 2: about 180 ms at 0.2 T
    assert library.get("fat").t1_s * math.log(2) == pytest.approx(0.180, abs=0.005)


def test_a_broken_library_names_file_key_and_problem(tmp_path):
    path = tmp_path / "tissues.toml"
    path.write_text("[gel]\npd = 1\nt1_ms = 50\nt2_ms = 80\n")
    with pytest.raises(UserInputError, match=r"gel\.t2_ms.*must not exceed t1_ms"):
        load_tissue_library(path)
    path.write_text("[gel]\npd = 1\nt1_ms = 500\nt2_ms = 80\nt2_prime = 3\n")
    with pytest.raises(UserInputError, match=r"'gel\.t2_prime' is not a known key"):
        load_tissue_library(path)
