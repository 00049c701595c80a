"""The published catalogue: Markdown pages generated from the catalogue, built with MkDocs, searched with Pagefind.

Light on purpose (the CLI imports it at start-up): the defaults live here, the work in `catalogue.site.build`.
"""

from pathlib import Path

DEFAULT_OUT = Path("build/site")
"""Where the built site goes, relative to the working directory (git ignores build/)."""
DEFAULT_WORK = Path("build/site-src")
"""Where the generated Markdown and mkdocs.yml go: never committed, rewritten file by file as the catalogue changes."""
