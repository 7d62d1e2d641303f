"""Helpers the tests share: stores, files, pages and frames built for them."""
