"""Three dozen small tests for `python -m unittest discover`: plain
asserts, subTests, fixtures at class and test level, a skip and an expected
failure."""
