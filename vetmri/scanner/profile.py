"""The scanner profile: the machine's field, limits, timing rasters, bore and coils.

Every check of a hardware limit in vetmri reads a :class:`ScannerProfile`; no limit is a
literal anywhere else. The default profile ships as ``vetmri/scanner/profile.toml``; a
different machine is described by its own copy of that file (settings ``[scanner] profile``),
and a real scanner sends its profile when the link opens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from vetmri.errors import UserInputError
from vetmri.resources import package_file
from vetmri.tomlfields import TomlTable, read_toml_file

__all__ = [
    "ANATOMY",
    "AdcSystem",
    "Bore",
    "Coil",
    "Gradients",
    "Magnet",
    "QaLimits",
    "RfSystem",
    "Rasters",
    "ScannerProfile",
    "default_profile_path",
    "load_profile",
    "parse_profile",
]

#: The body parts coils are made for.
ANATOMY: tuple[str, ...] = ("head", "neck", "spine", "trunk", "limb", "whole_body")

_HINT = "correct the scanner profile, or remove [scanner] profile from the settings to use the built-in one"


@dataclass(frozen=True)
class Magnet:
    """The static field.

    Attributes
    ----------
    b0_t : float
        Field strength in tesla.
    gamma_hz_per_t : float
        Gyromagnetic ratio / 2 pi of the proton, Hz/T.
    temperature_coefficient_per_k : float
        Relative change of B0 per kelvin of magnet temperature.
    homogeneity_ppm : float
        Peak-to-peak B0 deviation over the DSV, parts per million.
    dsv_m : float
        Diameter of the spherical volume the homogeneity refers to, metres.
    """

    b0_t: float
    gamma_hz_per_t: float
    temperature_coefficient_per_k: float
    homogeneity_ppm: float
    dsv_m: float

    @property
    def larmor_hz(self) -> float:
        """The proton resonance frequency, Hz."""
        return self.gamma_hz_per_t * self.b0_t

    @property
    def drift_hz_per_k(self) -> float:
        """Change of the Larmor frequency per kelvin of magnet temperature, Hz/K."""
        return self.larmor_hz * self.temperature_coefficient_per_k


@dataclass(frozen=True)
class Gradients:
    """Gradient system limits (per axis)."""

    max_amplitude_t_per_m: float
    max_slew_t_per_m_per_s: float

    @property
    def rise_time_s(self) -> float:
        """Shortest ramp from zero to full amplitude, seconds."""
        return self.max_amplitude_t_per_m / self.max_slew_t_per_m_per_s


@dataclass(frozen=True)
class RfSystem:
    """Transmit chain timing and strength."""

    dead_time_s: float
    ringdown_time_s: float
    max_b1_t: float


@dataclass(frozen=True)
class AdcSystem:
    """Receiver limits."""

    dead_time_s: float
    max_samples: int
    raster_time_s: float


@dataclass(frozen=True)
class Rasters:
    """Sequencer event rasters, seconds."""

    gradient_raster_time_s: float
    rf_raster_time_s: float
    block_duration_raster_s: float


@dataclass(frozen=True)
class Bore:
    """The magnet opening, which doubles as the animal bed."""

    clear_diameter_m: float
    max_subject_diameter_m: float


@dataclass(frozen=True)
class Coil:
    """A receive coil.

    Attributes
    ----------
    name : str
        Short identifier used in protocols and raw-data headers.
    description : str
        What the coil is for, for people.
    channels : int
        Number of receive channels.
    inner_diameter_m, length_m : float
        Clear opening of the coil.
    min_subject_m, max_subject_m : float
        Range of the width of the body part inside the coil for which it is used.
    anatomy : tuple of str
        Body parts (from :data:`ANATOMY`) the coil is made for.
    """

    name: str
    description: str
    channels: int
    inner_diameter_m: float
    length_m: float
    min_subject_m: float
    max_subject_m: float
    anatomy: tuple[str, ...]

    def fits(self, subject_width_m: float) -> bool:
        """Whether a body part this wide is within the coil's range."""
        return self.min_subject_m <= subject_width_m <= self.max_subject_m


@dataclass(frozen=True)
class QaLimits:
    """Acceptance limits of the phantom QA (``vetmri qa run``), table ``[qa]``.

    Attributes
    ----------
    coil : str
        The coil the QA phantom is scanned in.
    snr_min : float
        Lowest acceptable signal-to-noise ratio of the uniform slice.
    uniformity_min_percent : float
        Lowest acceptable percent integral uniformity (ACR method).
    ghosting_max_ratio : float
        Highest acceptable ghosting ratio (ACR percent-signal ghosting, as a fraction).
    geometry_tolerance_m : float
        Largest acceptable difference between a measured and the known diameter, metres.
    slice_thickness_tolerance_m : float
        Largest acceptable difference between the measured and the nominal slice
        thickness, metres.
    larmor_tolerance_hz : float
        Largest acceptable offset of the measured Larmor frequency from the nominal one, Hz.
    rf_scale_min, rf_scale_max : float
        Range of the RF calibration's transmit scale (actual drive over nominal).
    """

    coil: str
    snr_min: float
    uniformity_min_percent: float
    ghosting_max_ratio: float
    geometry_tolerance_m: float
    slice_thickness_tolerance_m: float
    larmor_tolerance_hz: float
    rf_scale_min: float
    rf_scale_max: float


@dataclass(frozen=True)
class ScannerProfile:
    """Everything the workstation must know of the machine it drives."""

    name: str
    magnet: Magnet
    gradients: Gradients
    rf: RfSystem
    adc: AdcSystem
    timing: Rasters
    bore: Bore
    coils: tuple[Coil, ...]
    #: QA acceptance limits; None when the profile has no ``[qa]`` table.
    qa: QaLimits | None = None

    def coil(self, name: str) -> Coil:
        """The coil called ``name``.

        Raises
        ------
        UserInputError
            No coil of that name.
        """
        for coil in self.coils:
            if coil.name == name:
                return coil
        names = ", ".join(c.name for c in self.coils)
        raise UserInputError(f"The scanner has no coil {name!r}; its coils are {names}.")

    def coils_for(self, anatomy: str, subject_width_m: float) -> tuple[Coil, ...]:
        """Coils made for ``anatomy`` that take a part ``subject_width_m`` wide.

        Ordered from the tightest fit (best filling, so best SNR) to the loosest.
        """
        fitting = [c for c in self.coils if anatomy in c.anatomy and c.fits(subject_width_m)]
        return tuple(sorted(fitting, key=lambda c: c.inner_diameter_m))

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the TOML layout), e.g. for JSON output or the scanner link."""
        data = asdict(self)
        data["coils"] = [dict(c, anatomy=list(c["anatomy"])) for c in data["coils"]]
        if data["qa"] is None:
            del data["qa"]
        return data


def default_profile_path() -> Path:
    """The profile shipped with vetmri."""
    return package_file("scanner/profile.toml")


def load_profile(path: Path | None = None) -> ScannerProfile:
    """Read and validate a scanner profile file (the built-in one by default).

    Raises
    ------
    UserInputError
        The file is missing or wrong; the message names the key.
    """
    table = read_toml_file(path or default_profile_path(), what="scanner profile", hint=_HINT)
    return _parse(table)


def parse_profile(data: Mapping[str, Any], *, source: str = "scanner profile") -> ScannerProfile:
    """Validate a profile given as plain data (the layout of the TOML file).

    Raises
    ------
    UserInputError
        A value is missing or wrong; the message names the key.
    """
    return _parse(TomlTable(data, source=source, hint=_HINT))


def _positive(table: TomlTable, key: str, maximum: float | None = None) -> float:
    return table.number(key, minimum=0.0, exclusive_minimum=True, maximum=maximum)


def _non_negative(table: TomlTable, key: str, maximum: float) -> float:
    return table.number(key, minimum=0.0, maximum=maximum)


def _parse(top: TomlTable) -> ScannerProfile:
    name = top.string("name")

    t = top.table("magnet")
    magnet = Magnet(
        b0_t=_positive(t, "b0_t", maximum=20.0),
        gamma_hz_per_t=_positive(t, "gamma_hz_per_t"),
        temperature_coefficient_per_k=t.number("temperature_coefficient_per_k", minimum=-0.01, maximum=0.01),
        homogeneity_ppm=_positive(t, "homogeneity_ppm", maximum=10_000.0),
        dsv_m=_positive(t, "dsv_m", maximum=1.0),
    )
    t.reject_unknown_keys()

    t = top.table("gradients")
    gradients = Gradients(
        max_amplitude_t_per_m=_positive(t, "max_amplitude_t_per_m", maximum=1.0),
        max_slew_t_per_m_per_s=_positive(t, "max_slew_t_per_m_per_s", maximum=1000.0),
    )
    t.reject_unknown_keys()

    t = top.table("rf")
    rf = RfSystem(
        dead_time_s=_non_negative(t, "dead_time_s", maximum=0.01),
        ringdown_time_s=_non_negative(t, "ringdown_time_s", maximum=0.01),
        max_b1_t=_positive(t, "max_b1_t", maximum=1e-3),
    )
    t.reject_unknown_keys()

    t = top.table("adc")
    adc = AdcSystem(
        dead_time_s=_non_negative(t, "dead_time_s", maximum=0.01),
        max_samples=t.integer("max_samples", minimum=64, maximum=1_048_576),
        raster_time_s=_positive(t, "raster_time_s", maximum=1e-3),
    )
    t.reject_unknown_keys()

    t = top.table("timing")
    timing = Rasters(
        gradient_raster_time_s=_positive(t, "gradient_raster_time_s", maximum=1e-3),
        rf_raster_time_s=_positive(t, "rf_raster_time_s", maximum=1e-3),
        block_duration_raster_s=_positive(t, "block_duration_raster_s", maximum=1e-3),
    )
    t.reject_unknown_keys()

    t = top.table("bore")
    bore = Bore(
        clear_diameter_m=_positive(t, "clear_diameter_m", maximum=2.0),
        max_subject_diameter_m=_positive(t, "max_subject_diameter_m", maximum=2.0),
    )
    if bore.max_subject_diameter_m > bore.clear_diameter_m:
        raise t.error("max_subject_diameter_m", "must not exceed clear_diameter_m")
    t.reject_unknown_keys()

    coils = tuple(_parse_coil(c, bore) for c in top.table_array("coils"))
    if not coils:
        raise top.error("coils", "must list at least one coil ([[coils]])")
    seen: set[str] = set()
    for index, coil in enumerate(coils):
        if coil.name in seen:
            raise top.error(f"coils[{index}].name", f"repeats the coil name {coil.name!r}")
        seen.add(coil.name)
    qa = _parse_qa(top.table("qa"), coils) if "qa" in top else None
    top.reject_unknown_keys()

    return ScannerProfile(
        name=name, magnet=magnet, gradients=gradients, rf=rf, adc=adc, timing=timing,
        bore=bore, coils=coils, qa=qa,
    )


def _parse_qa(t: TomlTable, coils: tuple[Coil, ...]) -> QaLimits:
    qa = QaLimits(
        coil=t.string("coil", choices=tuple(c.name for c in coils)),
        snr_min=_positive(t, "snr_min", maximum=10_000.0),
        uniformity_min_percent=_positive(t, "uniformity_min_percent", maximum=100.0),
        ghosting_max_ratio=_positive(t, "ghosting_max_ratio", maximum=1.0),
        geometry_tolerance_m=_positive(t, "geometry_tolerance_m", maximum=0.1),
        slice_thickness_tolerance_m=_positive(t, "slice_thickness_tolerance_m", maximum=0.05),
        larmor_tolerance_hz=_positive(t, "larmor_tolerance_hz", maximum=1e6),
        rf_scale_min=_positive(t, "rf_scale_min", maximum=10.0),
        rf_scale_max=_positive(t, "rf_scale_max", maximum=10.0),
    )
    if qa.rf_scale_min >= qa.rf_scale_max:
        raise t.error("rf_scale_min", "must be smaller than rf_scale_max")
    t.reject_unknown_keys()
    return qa


def _parse_coil(t: TomlTable, bore: Bore) -> Coil:
    anatomy = t.string_list("anatomy")
    for part in anatomy:
        if part not in ANATOMY:
            raise t.error("anatomy", f"names {part!r}, which is not one of {', '.join(ANATOMY)}")
    coil = Coil(
        name=t.string("name"),
        description=t.string("description"),
        channels=t.integer("channels", minimum=1, maximum=128),
        inner_diameter_m=_positive(t, "inner_diameter_m", maximum=bore.clear_diameter_m),
        length_m=_positive(t, "length_m", maximum=5.0),
        min_subject_m=_positive(t, "min_subject_m", maximum=2.0),
        max_subject_m=_positive(t, "max_subject_m", maximum=2.0),
        anatomy=anatomy,
    )
    if coil.min_subject_m >= coil.max_subject_m:
        raise t.error("min_subject_m", "must be smaller than max_subject_m")
    if coil.max_subject_m > coil.inner_diameter_m:
        raise t.error("max_subject_m", "must not exceed the coil's inner_diameter_m")
    t.reject_unknown_keys()
    return coil
