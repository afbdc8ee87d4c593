"""The ``pmo`` command line (typer): acts on the database named by ``PMO_DATABASE_URL``."""
