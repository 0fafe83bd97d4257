import os


def pg_environment(db):
    """Environment for pg_dump/pg_restore to reach Django's database (no password on argv)."""
    environment = dict(os.environ)
    environment.update(
        {
            key: str(value)
            for key, value in {
                "PGDATABASE": db.get("NAME"),
                "PGHOST": db.get("HOST"),
                "PGPORT": db.get("PORT"),
                "PGUSER": db.get("USER"),
                "PGPASSWORD": db.get("PASSWORD"),
            }.items()
            if value
        }
    )
    return environment
