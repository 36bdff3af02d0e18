"""Where reports come from: files, folders, JSON Lines/CSV batches, HTML pages, RSS/Atom feeds and URLs.

:func:`read_sources` turns each source named on the command line into :class:`~ceasefire.io.Item`
objects (a report, or the error that made one unreadable, named by source and line), so that one
bad item never stops the rest.
"""

from .readers import FetchPolicy, read_sources

__all__ = ["FetchPolicy", "read_sources"]
