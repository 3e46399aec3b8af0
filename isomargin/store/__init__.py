"""The only place that talks SQL: schema, migrations, SQLite and PostgreSQL stores."""

from isomargin.store.base import Store, Tx
from isomargin.store.factory import open_store

__all__ = ["Store", "Tx", "open_store"]
