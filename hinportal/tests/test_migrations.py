import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_every_migration_of_ours_reverses_and_applies_again():
    """Back to before the portal's first migration, then forward again (triggers, generated columns
    and constraints included); the database ends as it began."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    ours = ["hinportal", "reviews", "innovations", "networks"]  # the order they can be taken back in
    executor = MigrationExecutor(connection)
    leaves = [node for node in executor.loader.graph.leaf_nodes() if node[0] in ours]
    for app in ours:
        call_command("migrate", app, "zero", verbosity=0)
    tables = connection.introspection.table_names()
    assert not [table for table in tables if table.split("_")[0] in ours]
    call_command("migrate", verbosity=0)
    applied = MigrationExecutor(connection).loader.applied_migrations
    assert all(leaf in applied for leaf in leaves)
