"""Alembic migrations, shipped inside the package (script_location voxtune.store:migrations)."""
