"""Data access: the one place that owns connections, models, migrations and queries.

Every public reader returns polars DataFrames with explicit dtypes; writes go through
:func:`data_access.uow.unit_of_work`. Nothing here connects at import time.
"""
