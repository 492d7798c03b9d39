"""Reading an essay from a PDF, step by step: page geometry → lines → blocks → reading order →
paragraphs → essay (see :mod:`essay_archive.importing.pdf_import`)."""
