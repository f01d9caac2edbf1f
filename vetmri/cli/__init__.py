"""The command-line front end: parse arguments, call the core, print, set the exit code."""
