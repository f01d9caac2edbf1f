"""The standard-library reading of the MRD XML header gives the same series header as the
ismrmrd package's xsd bindings, for vetmri's own headers and for other tools' files."""


import h5py
import pytest

from tests.rawdata.foreign import ismrmrd_shepp_logan, write_with_ismrmrd_defaults
from tests.rawdata.test_header import full_header
from vetmri.rawdata import header as header_module
from vetmri.rawdata import header_to_xml, xml_light


def both_ways(xml):
    from ismrmrd import xsd

    light = header_module._header_from_document(xml_light.parse(xml), "the MRD header")  # no fallback
    full = header_module._header_from_document(xsd.CreateFromDocument(xml), "the MRD header")
    return light, full


def xml_of(path):
    with h5py.File(path, "r") as f:
        group = next(iter(f.values()))
        return group["xml"][0]


def test_vetmri_header_reads_the_same():
    light, full = both_ways(header_to_xml(full_header()))
    assert light == full == full_header()


def test_the_ismrmrd_package_defaults_read_the_same(tmp_path):
    light, full = both_ways(xml_of(write_with_ismrmrd_defaults(tmp_path / "foreign.h5")))
    assert light == full


def test_the_ismrmrd_generator_reads_the_same(tmp_path):
    light, full = both_ways(xml_of(ismrmrd_shepp_logan(tmp_path / "shepp.h5", "-a", "2")))
    assert light == full


def test_the_light_reader_needs_no_ismrmrd_import():
    import subprocess
    import sys

    code = ("import sys; from vetmri.rawdata import header_from_xml; "
            f"header_from_xml({header_to_xml(full_header())!r}); print('ismrmrd' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
