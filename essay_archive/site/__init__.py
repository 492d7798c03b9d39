"""What the MkDocs hooks in ``overrides/hooks/`` build from the archive.

Listings, tag pages, print booklets, the Atom feed, link previews and the search index.
``mkdocs_state`` is the glue: it keeps one build's archive on the MkDocs config.
"""
