"""Helpers shared by the test suite: a throwaway PostgreSQL server and fixture factories."""
