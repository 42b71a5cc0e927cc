"""Helpers shared by the tests: paths, workflow runs, truth comparison, test data builders."""
