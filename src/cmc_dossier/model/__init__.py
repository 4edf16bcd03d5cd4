"""The typed CMC facts. Knows nothing of YAML files, rendering or git."""
