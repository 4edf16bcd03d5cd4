"""Data exchange with partners and agencies: result import, JSON and PQ/CMC FHIR export."""
