"""Schema migrations of the certificate register (Alembic revisions, run by :mod:`..migrate`)."""
