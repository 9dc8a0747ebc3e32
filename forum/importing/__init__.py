"""Loading the blog into the forum and writing it out again: the text captures of its pages and
Blogger's backups in (`import_blog`), the archive out (`export_blog`). Here because they write
posts (blogarchive) and their comment threads (forum) together; the parsers they use are
blogarchive's, pure functions of text."""
