"""The XHTML renderer and what every edition needs from it: fonts, cover, provenance record."""
