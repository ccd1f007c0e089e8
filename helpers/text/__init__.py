"""The words a reader sees: ``*.yaml`` here, filled with computed numbers by :mod:`.words` (figure and table
captions in ``captions.yaml``, numbered by :mod:`helpers.core.captions`)."""
