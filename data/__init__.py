"""The DuckDB store: schema and migrations, reference data, transactional reads and writes."""
