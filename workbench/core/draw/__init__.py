"""The Draw page's Qt-free side: what it asks of a model, saliency maps, images to classify."""
