"""The command palette (``ctrl+p``): every screen and action of the app by name."""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Provider

__all__ = ["VetmriCommands"]

#: (name, app action, help) of each entry.
COMMANDS = (
    ("Find a pet", "find_pet", "Search the records by pet or owner name, phone, microchip or Patient ID"),
    ("New pet", "new_pet", "Register a pet and its owner"),
    ("Start the demo exam", "demo_exam", "Set up the exam of the demo dog on the simulated scanner"),
    ("Start a training case", "training_case", "A teaching exam with lesions on the simulator (never a real patient)"),
    ("Send and export", "send_export", "Send a study or series to a PACS, the queue live, export to a USB stick"),
    ("Review images", "review", "Read a study: the pet's highlighted study, else the newest with images"),
    ("Acquisition", "acquisition", "The running (or last) exam: calibration, series, live slices, vitals"),
    ("Resume the exam", "resume_exam", "Acquire what the last exam still lacks (after an abort or a dropped link)"),
    ("Send the PACS queue", "send_queue", "Send every study and series waiting for the PACS now"),
    ("Settings", "settings", "Scanner, PACS nodes, data folder, AE title, UID root"),
    ("QA", "qa", "Scan the QA phantom, its measures against the limits, their history and trends"),
    ("Patients", "home", "Today's work and the pet search (the home screen)"),
    ("Help", "help", "The keys of this screen and what its fields mean"),
    ("Light or dark theme", "toggle_theme", "Switch the colour theme (remembered in the settings)"),
)


class VetmriCommands(Provider):
    """The app's own entries of the command palette."""

    def _run(self, action: str):
        async def run() -> None:
            await self.app.run_action(action)

        return run

    async def discover(self) -> Hits:
        for name, action, help_text in COMMANDS:
            yield DiscoveryHit(name, self._run(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in COMMANDS:
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), self._run(action), help=help_text)
