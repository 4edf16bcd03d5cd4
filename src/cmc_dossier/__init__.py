"""cmc-dossier: CMC regulatory dossiers (EU IMPD quality, US IND Module 3) as code."""

__version__ = "0.1.0"
