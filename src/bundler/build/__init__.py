"""The build: resolve, import, prepare images, write each edition; its budget, sidecar and edition cache."""
