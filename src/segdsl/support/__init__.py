"""Process-level support that every stage may use: whole-file writes (``atomic``) and how a
run stops on SIGINT/SIGTERM (``stopping``). Imports nothing else of segdsl."""
