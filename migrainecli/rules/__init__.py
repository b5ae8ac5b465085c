"""The clinical rules: pure functions over plain data (``migrainecli.models``).

Nothing in this package touches the database or prints. Each rule cites the
criterion id of ``docs/criteria.md`` it implements.
"""
