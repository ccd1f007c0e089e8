"""The one exception type for expected, user-fixable problems (bad parameters, bad data)."""


class StudyInputError(Exception):
    """Bad input. ``lines`` are the readable messages, one per problem, each naming where it is."""

    def __init__(self, lines):
        self.lines = [lines] if isinstance(lines, str) else list(lines)
        super().__init__("\n".join(self.lines))
