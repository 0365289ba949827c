"""A neural-network engine written from scratch in NumPy (Deep Learning from Scratch, ch. 3–8)."""
