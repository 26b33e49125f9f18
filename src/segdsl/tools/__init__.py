"""Tools built on the project facade: lint, review (diff), history, explain, overlap and the
rest of the marketer's loop. Each sub-package is one tool; the CLI is a thin layer over them."""
