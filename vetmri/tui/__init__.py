"""The Textual terminal UI for clinic staff: a thin layer over the core."""
