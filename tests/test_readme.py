"""The README's examples are what the program prints (``tests/readme_tour.py``)."""

from tests.readme_tour import compare


def test_every_readme_example_prints_what_the_readme_shows():
    diff = compare()
    assert diff == "", (
        "README.md's examples differ from a fresh run; if the change is meant, run "
        "'python tests/readme_tour.py --update' and review the diff:\n" + diff
    )
