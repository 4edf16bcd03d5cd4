"""CMC strategy from the facts: readiness, over-specification, traceability, roadmap, roles."""
