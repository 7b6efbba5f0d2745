"""Factories and demo data of the pledge plugin, used by runtime commands and by the tests."""
