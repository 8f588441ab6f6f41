"""The privacy core shared by every app: the personal-identifier detector, its domain allow-list
and its evaluation against the labelled corpora in tests/agencies/."""
