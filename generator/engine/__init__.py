"""The seam to the rendering engine (MkDocs and its kin): the only code that imports one."""
