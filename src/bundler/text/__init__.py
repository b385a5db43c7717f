"""Text below the document: language tags and direction, scripts, typography, bidi, encoding, dates, sizes, slugs."""
