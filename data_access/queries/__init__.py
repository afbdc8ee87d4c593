"""Small read functions: ``(engine, scope, ...) -> pl.DataFrame`` with the dtypes of schemas.py."""
