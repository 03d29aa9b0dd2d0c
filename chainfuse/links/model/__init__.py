"""Model links: Classifier."""
from chainfuse.links.model.classifier import Classifier  # noqa: F401
