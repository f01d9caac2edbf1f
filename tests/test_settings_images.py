"""The terminal UI's image settings: ``tui.images`` and ``tui.truecolor``."""

from __future__ import annotations

import pytest

from vetmri.errors import UserInputError
from vetmri.settings import load_settings, set_setting


def test_image_output_and_true_colour_are_set_and_checked():
    assert (load_settings().tui.images, load_settings().tui.truecolor) == ("auto", False)
    set_setting("tui.images", "sixel")
    set_setting("tui.truecolor", "yes")
    settings = load_settings()
    assert (settings.tui.images, settings.tui.truecolor) == ("sixel", True)
    assert settings.to_dict()["tui"]["images"] == "sixel"
    with pytest.raises(UserInputError, match="tui.images"):
        set_setting("tui.images", "ascii-art")
    with pytest.raises(UserInputError, match="true or false"):
        set_setting("tui.truecolor", "maybe")
    assert load_settings().tui.images == "sixel"  # a refused value is not written
