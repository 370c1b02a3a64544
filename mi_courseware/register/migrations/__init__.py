"""Schema migrations of the certificate register (Alembic revisions, run by :mod:`..migrate`).

They make exactly the schema :mod:`mi_courseware.register.schema` declares (a test compares
them). A new one is drafted from that metadata with ``scripts/new_migration.py`` (Alembic's
batch mode, which SQLite needs to change a table), with its triggers written by hand beside
the drafted operations.
"""
