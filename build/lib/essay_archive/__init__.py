"""The essay archive: essays as data, the site MkDocs builds from them, and the ``essay`` command.

- :mod:`essay_archive.content`: the essay model, its one schema, front matter, tags and markup rules.
- :mod:`essay_archive.site`: what the MkDocs hooks build from the archive (listings, tags, print
  booklets, feed, link previews, search index).
- :mod:`essay_archive.importing`: turning an essay's old text into ``essays/NNNN.md``.
- :mod:`essay_archive.commands`: ``essay check``, ``essay import`` and ``essay new``.
"""
