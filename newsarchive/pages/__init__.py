"""Page objects: one small method per article field; a site's page overrides only what differs."""
