"""newsarchive: archive news articles and their whole reader-comment threads in SQLite."""
__version__ = "0.1.0"
