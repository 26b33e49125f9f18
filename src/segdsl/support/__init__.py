"""Process-level support that every stage may use: whole-file writes (``atomic``), how a
run stops on SIGINT/SIGTERM (``stopping``) and progress on standard error for long work
(``progress``: a rich spinner on a terminal, silent in pipes and CI). Imports nothing
else of segdsl."""
