"""Facts to Markdown: per target (IND Module 3, EU IMPD) and CTD section, through templates."""
