"""Use cases: one function per operation, each run inside one store transaction.

Service functions take the open transaction and a :class:`ServiceContext`, hold the rules'
sequencing, and call the pure domain for arithmetic. They raise catalogue errors; the store
rolls the transaction back when they do.
"""

from isomargin.service.context import ServiceContext

__all__ = ["ServiceContext"]
