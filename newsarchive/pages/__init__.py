"""Page objects: one small method per article field; a site's page overrides only what differs."""

# The page objects extraction knows (newsarchive.extraction.PAGE_TYPES), named without loading them.
PAGE_TYPE_NAMES = ("generic", "maliweb")
