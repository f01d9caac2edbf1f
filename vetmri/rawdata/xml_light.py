"""Read an MRD XML header with the standard library, for the fields vetmri uses.

``ismrmrd.xsd`` (xsdata bindings of the whole MRD schema) costs about 0.2 s to import,
a fifth of a whole ``vetmri recon`` process on one slice; :func:`parse` reads the same
document with :mod:`xml.etree.ElementTree` into nodes that answer the attribute names of
the xsd classes (``mrd.encoding[0].encodedSpace.matrixSize.x``), numbers as floats where
the schema has numbers. It does not validate: :func:`vetmri.rawdata.header.header_from_xml`
falls back to the xsd parser (and its error messages) when this one fails.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

__all__ = ["parse"]

#: Elements that may repeat (lists in the xsd classes).
_REPEATED = frozenset({"encoding", "coilLabel", "TE", "TR", "TI", "flipAngle_deg", "echo_spacing",
                       "userParameterLong", "userParameterDouble", "userParameterString",
                       "userParameterBase64", "measurementDependency", "referencedImageSequence"})
#: Leaves the schema types as numbers.
_NUMBERS = frozenset({"x", "y", "z", "minimum", "maximum", "center", "kspace_encoding_step_1",
                      "kspace_encoding_step_2", "receiverChannels", "echoTrainLength",
                      "initialSeriesNumber", "TE", "TR", "TI", "flipAngle_deg", "systemFieldStrength_T",
                      "H1resonanceFrequency_Hz", "patientWeight_kg", "coilNumber", "relativeReceiverNoiseBandwidth"})


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


class _Node:
    """One element: children by name (``None`` or ``[]`` when absent)."""

    def __init__(self, element: ET.Element) -> None:
        self._element = element
        self._children: dict[str, list[ET.Element]] = {}
        for child in element:
            self._children.setdefault(_tag(child), []).append(child)

    @property
    def value(self) -> Any:
        """The ``value`` child (user parameters), else the element's text (enumerations)."""
        if "value" in self._children:
            return _leaf(self._children["value"][0], _tag(self._element))
        return (self._element.text or "").strip()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        found = [_leaf(e, _tag(self._element)) for e in self._children.get(name, [])]
        if name in _REPEATED:
            return found
        return found[0] if found else None


def _leaf(element: ET.Element, parent: str) -> Any:
    if len(element):
        return _Node(element)
    tag = _tag(element)
    text = (element.text or "").strip()
    if tag in _NUMBERS:
        return float(text)
    if tag == "value" and parent in ("userParameterLong", "userParameterDouble"):
        return float(text)
    if tag in ("trajectory",):
        return _Node(element)  # the xsd enum: ``.value``
    return text


def parse(xml: str | bytes) -> _Node:
    """The ``ismrmrdHeader`` document as nodes.

    Raises
    ------
    ValueError
        Not XML, or not an ``ismrmrdHeader`` (also a number that does not parse).
    """
    root = ET.fromstring(xml)
    if _tag(root) != "ismrmrdHeader":
        raise ValueError(f"the root element is {_tag(root)!r}, not ismrmrdHeader")
    return _Node(root)
