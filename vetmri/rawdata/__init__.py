"""MRD/ISMRMRD raw files: append-and-flush writing, reading, sorting by encoding counters.

The only package that imports ``ismrmrd`` and ``h5py`` (lazily, inside functions). Everyone
else uses these typed objects:

- :class:`Acquisition` (with :class:`EncodingCounters`, :class:`AcqFlag`): one readout;
  :func:`acquisition_to_bytes` / :func:`acquisition_from_bytes` for the MRD wire format.
- :class:`SeriesHeader` (with :class:`EncodingLimits`, :class:`Limit`): one series;
  :func:`header_to_xml` / :func:`header_from_xml`.
- :class:`RawExamWriter` -> :class:`SeriesWriter`: one file per exam, one group per series.
- :func:`list_groups`, :func:`read_series` -> :class:`RawSeries`.
"""

from vetmri.rawdata.acquisition import (
    TIME_STAMP_TICK_S,
    AcqFlag,
    Acquisition,
    EncodingCounters,
    acquisition_from_bytes,
    acquisition_to_bytes,
)
from vetmri.rawdata.header import EncodingLimits, Limit, SeriesHeader, header_from_xml, header_to_xml
from vetmri.rawdata.reader import RawSeries, check_series, list_groups, read_series, sort_acquisitions
from vetmri.rawdata.writer import RawExamWriter, SeriesWriter, recover_raw_file, series_group_name

__all__ = [
    "TIME_STAMP_TICK_S",
    "AcqFlag",
    "Acquisition",
    "EncodingCounters",
    "EncodingLimits",
    "Limit",
    "RawExamWriter",
    "recover_raw_file",
    "RawSeries",
    "SeriesHeader",
    "SeriesWriter",
    "acquisition_from_bytes",
    "acquisition_to_bytes",
    "check_series",
    "header_from_xml",
    "header_to_xml",
    "list_groups",
    "read_series",
    "series_group_name",
    "sort_acquisitions",
]
