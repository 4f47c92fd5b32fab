"""The concrete spiders: names, domains and discovery rules only (field logic lives in newsarchive)."""
