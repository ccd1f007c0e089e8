"""The words a reader sees: ``*.yaml`` here, filled with computed numbers by :mod:`.words`; each figure and
table registered with its caption, in reading order, in ``captions.yaml`` (:mod:`.captions`)."""
