"""Power cuts while the settings are saved: the file always loads, with the last value
reported saved (or the one being saved at the cut)."""

from __future__ import annotations

import random

from powercut_rounds import Outcome, Tally, run_rounds

from vetmri.settings import load_settings, set_setting


class SettingsWorkload:
    def __init__(self, disk) -> None:
        self.disk = disk
        self.rng = random.Random(9)
        self.saved = None  # the PACS port last reported saved
        self.saving = None

    def work(self) -> int:
        done = 0
        path = self.disk.mountpoint / "config" / "vetmri" / "settings.toml"
        try:
            if self.saved is None:
                set_setting("pacs.main", "ORTHANC@127.0.0.1:4242", path=path, environ={})
                if self.disk.power_off:
                    return 0
                self.saved = 4242
            for _ in range(4):
                self.saving = self.rng.randint(1000, 60000)
                set_setting("pacs.main.port", str(self.saving), path=path, environ={})
                if self.disk.power_off:
                    break
                self.saved, done = self.saving, done + 1
        except Exception:
            if not self.disk.power_off:
                raise
        return done

    def check(self) -> Outcome:
        path = self.disk.backing / "config" / "vetmri" / "settings.toml"
        if self.saved is None:
            return Outcome()
        try:
            port = load_settings(path, environ={}).pacs_node("main").port
        except Exception as exc:
            return Outcome(lost=1, unreadable=1, problems=(f"the settings do not load: {exc}",))
        if port not in (self.saved, self.saving):
            return Outcome(lost=1, problems=(f"port {port}, reported saved {self.saved}",))
        self.saved = port
        return Outcome()


def test_the_settings_file_keeps_what_was_reported_saved_through_cuts(disk, full_run) -> None:
    for mode, seed in (("all", 10), ("subset", 11)):
        workload = SettingsWorkload(disk)
        tally = run_rounds(disk, Tally(f"settings file ({mode})"), 600 if full_run else 30,
                           work=workload.work, check=workload.check, mode=mode, seed=seed)
        assert (tally.lost, tally.unreadable) == (0, 0), "\n".join(tally.problems[:5])
