"""The demo company, Acme Corp: a deterministic source of OKR data, not a pipeline stage.

One module per role; each imports only modules listed above it (no cycles):

- `bank.toml`: the words: objective and key-result templates per department and for the
  company, objective descriptions, check-in notes, the names people are drawn from.
- `bank.py`: reads `bank.toml` into `Bank` and `Metric` records and one metric frame.
- `shape.py`: cycles, units (company, departments, teams, people), planted team profiles.
- `objectives.py`: objectives per unit and cycle, and their alignment links.
- `numbers.py`: start, target and ranges; planned progress with its planted patterns.
- `weekly_checkins.py`: weekly check-ins: values, grades, confidence, status, notes.
- `key_results.py`: key-result rows: kinds, templates, owners, titles, planted cases.
- `canonical_shape.py`: the canonical columns and types of a generated table.
- `truth.py`: `DemoCompany`, `DemoTruth`, and the truth read back from the tables.
- `template.py`: the import template (`data/okr_template.xlsx`) and its README sheet.
- `generate.py`: the public entry: `generate_demo`, `generate_company`, the data files;
  the one place that fixes the order of the random draws.

Why the bank is a TOML file rather than a module of constants: about a third of the old
generator was title templates written as Python calls, and as constants they would still
be one module over the size limit. As data they read as one table per department, can be
edited without touching code, and `tomllib` is in the standard library. The file must ship
as package data (`[tool.setuptools.package-data]` in pyproject.toml).

These modules import `pipelines.store.schema` (and `generate` the workbook writer), never
`metrics`, `reporting`, `exports`, `dashboard` or `okr_health`.
"""
