"""The PDF editions: one document module, its layout, parts and assembly, and one module per variant."""
