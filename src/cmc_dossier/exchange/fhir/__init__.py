"""FDA PQ/CMC FHIR (IG hl7.fhir.us.pq-cmc-fda 2.0.0, STU2, FHIR R5) document bundles."""
