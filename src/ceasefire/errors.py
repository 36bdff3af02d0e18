"""The exceptions ceasefire raises, one tree:

    CeasefireError
    ├── DataFileError       a data file (lexicon, rules) is missing or malformed
    ├── InputError          a report cannot be read or is not valid input
    │   ├── EmptyReportError
    │   ├── BinaryInputError
    │   ├── ReportTooLargeError
    │   └── InvalidDateError
    ├── ModelError          no usable spaCy model is installed
    ├── GazetteerError      the place index or a GeoNames file is missing or corrupt
    └── StoreError          the event store cannot be opened or written

The CLI turns them into a message naming the item and a non-zero exit status.
"""

from __future__ import annotations


class CeasefireError(Exception):
    """Base class of every error ceasefire raises on purpose."""


class DataFileError(CeasefireError):
    pass


class InputError(CeasefireError):
    pass


class EmptyReportError(InputError):
    pass


class BinaryInputError(InputError):
    pass


class ReportTooLargeError(InputError):
    pass


class InvalidDateError(InputError):
    pass


class ModelError(CeasefireError):
    pass


class GazetteerError(CeasefireError):
    pass


class StoreError(CeasefireError):
    pass
