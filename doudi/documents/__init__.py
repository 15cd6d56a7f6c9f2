"""Printable documents (文书) of a case and of the public notice, as PDF (docs/documents.md).

Rendering is pure: each function in :mod:`.rendering` takes a plain dataclass of
:mod:`.content` and returns PDF bytes. :mod:`.selectors` builds those dataclasses from the
database, region-scoped like every other read; :mod:`.services` records each download."""
