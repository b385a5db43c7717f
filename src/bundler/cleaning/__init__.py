"""Cleaning rules shared by every importer: boilerplate lines, caption/credit splitting.

The rules themselves are data (``rules/*.yaml`` beside this file); this package only
applies them, in one documented order.
"""
