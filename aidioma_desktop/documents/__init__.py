"""Your own documents, for one session: extract -> split -> embed -> a session Chroma collection.

Nothing here keeps a document's content on disk: the uploaded copy is deleted as soon as its
text is out, and the vectors live in an in-memory Chroma client that is closed at logout.
"""
