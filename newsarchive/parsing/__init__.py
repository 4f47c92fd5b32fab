"""Field-level parsing shared by every page object: text, dates, bylines, counts, languages."""
