"""`make audit`: Lighthouse, the Nu HTML checker and axe-core over every public page type of
the production server (docs/audit.md)."""
