"""The clinical rules: pure functions over plain data (``migrainecli.models``).

Nothing in this package touches the database or prints. Each rule cites the
criterion id of ``docs/criteria.md`` it implements.
"""

# The version of the month counting (``rules.months.month_tallies``, ``triptan_tally``,
# ``class_days``) that the diary's stored month counts were made by. Raise it with any
# change to what they count; the stored counts are also tagged with the release
# (``migrainecli.__version__``: a new catalogue may change a class), so that a new
# release or a new counting recounts every month at its first write and, until then,
# reads the rows instead of the stored counts.
TALLY_VERSION = "1"
