"""Crawling past one machine: the coordinator plans and writes, workers fetch and extract, Redis carries jobs and results."""
