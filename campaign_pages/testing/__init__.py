"""Factories of the campaign's page types, used by the demo content and by the tests."""
