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
    ├── StoreError          the event store cannot be opened or written
    │   ├── NotFoundError   no such event, report or token
    │   └── ReviewError     an analyst's change is not valid (unknown field, bad value)
    ├── AuthError           no token, or a token that is unknown or revoked
    └── EngineError         a scaled-out run cannot start (Dask missing, scheduler unreachable, output folder of another run)

The CLI turns them into a message naming the item and a non-zero exit status; the HTTP layer into
a status code (404, 422, 401) and a JSON error.
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


class NotFoundError(StoreError):
    pass


class ReviewError(StoreError):
    pass


class AuthError(CeasefireError):
    pass


class EngineError(CeasefireError):
    pass
