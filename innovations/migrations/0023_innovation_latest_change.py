from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking out writers (CREATE INDEX CONCURRENTLY), which cannot run in a transaction.
    atomic = False

    dependencies = [
        ("innovations", "0022_adoption_keys_without_own_indexes"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="innovation",
            index=models.Index(fields=["-updated_at"], name="innovation_latest_change"),
        ),
    ]
