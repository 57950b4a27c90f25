"""One codemod per kind of finding."""
