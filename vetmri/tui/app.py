"""The vetmri terminal application: the screens, the header's state, theme and palette.

Start it with ``vetmri tui`` (or a bare ``vetmri`` in a terminal). The app holds no rule
of its own: its actions open screens or call the core in thread workers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from vetmri.tui.commands import VetmriCommands
from vetmri.tui.context import CoreContext
from vetmri.tui.exam_worker import ExamRunner
from vetmri.tui.failures import failure_sentence
from vetmri.tui.queue_worker import QueueDrainRunner
from vetmri.tui.styles import stylesheet
from vetmri.tui.widgets.status_header import HeaderState, StatusHeader

__all__ = ["VetmriApp"]

#: Our theme names in the settings -> Textual's themes.
THEMES = {"dark": "textual-dark", "light": "textual-light"}
#: Seconds between checks of the scanner link and the PACS queue.
STATUS_INTERVAL_S = 30.0


class VetmriApp(QueueDrainRunner, ExamRunner, App[int]):
    """The front desk and the console of the scanner.

    Parameters
    ----------
    clock : callable, optional
        Returns the present, for the header's clock (tests pass a fixed one).
    watch_status : bool
        Check the scanner and the PACS queue every :data:`STATUS_INTERVAL_S` (off in
        snapshot tests, for a still picture).
    drain_queue : bool, optional
        Send the PACS queue in the background (default: as ``watch_status``).
    review_study : str, optional
        Open the review of this study (``S-...``) at start (``vetmri tui --study``).
    """

    TITLE = "vetmri"
    CSS_PATH = stylesheet("app.tcss")
    COMMANDS = App.COMMANDS | {VetmriCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("question_mark", "help", "Help", show=False),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        Binding("f2", "settings", "Settings", show=False),
    ]

    def __init__(self, *, clock: Callable[[], datetime] | None = None, watch_status: bool = True,
                 drain_queue: bool | None = None, review_study: str | None = None) -> None:
        super().__init__()
        self.drains_queue = watch_status if drain_queue is None else drain_queue
        self.review_study = review_study
        self.context = CoreContext(clock=clock)
        self.clock = self.context.clock
        self.watch_status = watch_status
        self.header_state = HeaderState()

    # -- start-up ------------------------------------------------------------------------

    def on_mount(self) -> None:
        from vetmri.tui.screens.patients import PatientsScreen

        settings = self.context.settings()
        self.theme = THEMES.get(settings.tui.theme, THEMES["dark"])
        if settings.tui.truecolor:
            self.force_truecolor()
        self.header_state = HeaderState(station=settings.tui.station or settings.dicom.ae_title,
                                        scanner="simulated" if settings.scanner.backend == "sim"
                                        else f"link {settings.scanner.address} checking")
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self.push_screen(PatientsScreen())
        if self.review_study:
            self.open_review(self.review_study)
        self.refresh_status()
        if self.watch_status:
            self.set_interval(STATUS_INTERVAL_S, self.refresh_status)
        if self.drains_queue:
            self.start_queue_drain()

    def on_unmount(self) -> None:
        self.context.close()

    def force_truecolor(self) -> None:
        """Draw in 24-bit colour whatever the terminal announced (``tui.truecolor``: over SSH,
        which drops ``COLORTERM``, the terminal often has it all the same)."""
        from rich.console import ColorSystem

        self.console._color_system = ColorSystem.TRUECOLOR  # what TEXTUAL_COLOR_SYSTEM=truecolor sets

    # -- header --------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="status", exit_on_error=False, name="the status check")
    def refresh_status(self) -> None:
        from vetmri.workstation import check_scanner

        settings = self.context.settings()
        with self.context.store() as store:
            queue = len(store.send_jobs("pending")) + len(store.send_jobs("sending"))
        scanner = "simulated" if settings.scanner.backend == "sim" else (
            check_scanner(settings, timeout_s=2.0).summary if self.watch_status else f"link {settings.scanner.address}")
        state = HeaderState(station=settings.tui.station or settings.dicom.ae_title, scanner=scanner,
                            queue=queue, exam=self.header_state.exam)
        self.call_from_thread(self.show_header, state)

    def show_header(self, state: HeaderState) -> None:
        """Show ``state`` in the header of every screen."""
        self.header_state = state
        for header in self.screen.query(StatusHeader):
            header.update_line()

    # -- failures ------------------------------------------------------------------------

    def report_failure(self, error: BaseException, doing: str) -> None:
        """Tell the operator in one sentence that ``doing`` failed (the log gets the rest)."""
        self.notify(failure_sentence(error, doing), severity="error", timeout=10)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.report_failure(event.worker.error, event.worker.name or "the task")

    # -- theme ---------------------------------------------------------------------------

    def action_toggle_theme(self) -> None:
        self.theme = THEMES["light"] if self.current_theme.dark else THEMES["dark"]

    def _remember_theme(self, theme) -> None:
        self.save_setting("tui.theme", "dark" if theme.dark else "light", quiet=True)

    @work(thread=True, group="settings", exit_on_error=False, name="saving the setting")
    def save_setting(self, key: str, value: str, *, quiet: bool = False) -> None:
        """Write one setting through the settings core (validated, comments kept)."""
        from vetmri.settings import set_setting

        set_setting(key, value)
        if not quiet:
            self.call_from_thread(self.notify, f"Saved {key} = {value}.")

    # -- actions (also in the command palette) ---------------------------------------------

    def action_help(self) -> None:
        from vetmri.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_home(self) -> None:
        from vetmri.tui.screens.patients import PatientsScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, PatientsScreen):
            self.pop_screen()

    def action_find_pet(self) -> None:
        from vetmri.tui.screens.patients import PatientsScreen

        self.action_home()
        if isinstance(self.screen, PatientsScreen):
            self.screen.action_search()

    def action_new_pet(self) -> None:
        from vetmri.tui.screens.pet_form import PetFormScreen

        self.push_screen(PetFormScreen())

    def action_settings(self) -> None:
        from vetmri.tui.screens.settings_screen import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_qa(self) -> None:
        from vetmri.tui.screens.qa import QaScreen

        if not isinstance(self.screen, QaScreen):
            self.push_screen(QaScreen())

    def open_exam_setup(self, pet_id: str, *, start: bool = False, training: bool = False) -> None:
        """The exam set-up of the pet ``pet_id`` (``start``: start it once planned)."""
        from vetmri.tui.screens.exam_setup import ExamSetupScreen

        self.push_screen(ExamSetupScreen(pet_id, start=start, training=training))

    def action_demo_exam(self) -> None:
        self.find_demo_pet()

    @work(thread=True, exclusive=True, group="demo", exit_on_error=False, name="the demo exam")
    def find_demo_pet(self) -> None:
        from vetmri.exam import demo_pet

        with self.context.store() as store:
            pet = demo_pet(store)
        self.call_from_thread(self.open_exam_setup, pet.id, start=True, training=True)

    def action_training_case(self) -> None:
        from vetmri.exam.training import TRAINING_CASES
        from vetmri.tui.screens.training_picker import TrainingPicker

        def chosen(name: str | None) -> None:
            if name:
                self.start_training_case(name)

        self.push_screen(TrainingPicker([(c.name, c.title, c.findings) for c in TRAINING_CASES]), chosen)

    @work(thread=True, exclusive=True, group="demo", exit_on_error=False, name="the training case")
    def start_training_case(self, name: str) -> None:
        """Register the case's animal (once) and start its exam on the simulator."""
        from vetmri.exam.training import training_case, training_pet, training_request

        case = training_case(name)
        if self.context.settings().scanner.backend != "sim":
            self.call_from_thread(self.notify, "Training cases run on the simulated scanner; set the scanner backend "
                                  "to sim in the settings (F2) first.", severity="warning")
            return
        with self.context.store() as store:
            pet = training_pet(store, case)
        if self.call_from_thread(self.start_exam, training_request(case, pet.id)):
            self.call_from_thread(self.notify, f"Training case started: {case.title} ({pet.name}); "
                                  "the header shows its progress.")

    def action_send_export(self, study_id: str | None = None) -> None:
        from vetmri.tui.screens.send import SendScreen

        self.push_screen(SendScreen(study_id))

    def action_send_queue(self) -> None:
        self.send_queue()

    @work(thread=True, exclusive=True, group="send", exit_on_error=False, name="sending the PACS queue")
    def send_queue(self) -> None:
        from vetmri.dicom.send_queue import work_send_queue

        settings = self.context.settings()
        with self.context.store() as store:
            outcomes = work_send_queue(store, settings)
        sent = sum(1 for o in outcomes if o.job.status == "sent")
        text = "The PACS queue is empty." if not outcomes else f"Sent {sent} of {len(outcomes)} queued jobs."
        self.call_from_thread(self.notify, text, severity="information" if sent == len(outcomes) else "warning")
        self.refresh_status()

    def open_review(self, study_id: str) -> None:
        """The review of the study ``study_id``: its series, the pet's priors, measurements."""
        from vetmri.tui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(study_id))

    def action_review(self) -> None:
        from vetmri.tui.screens.pet_detail import PetDetailScreen

        study_id = self.screen.highlighted_study() if isinstance(self.screen, PetDetailScreen) else None
        if study_id:
            self.open_review(study_id)
        else:
            self.find_study_to_review()

    @work(thread=True, exclusive=True, group="review", exit_on_error=False, name="finding a study to review")
    def find_study_to_review(self) -> None:
        with self.context.store() as store:
            studies = [s for s in store.list_studies() if any(x.dicom_folder for x in store.series_of_study(s.id))]
        if studies:
            self.call_from_thread(self.open_review, studies[0].id)
        else:
            self.call_from_thread(self.notify, "No study has images yet; run an exam or import a prior first.",
                                  severity="warning")
