"""Small bridges between a chapter and the rendered book."""


def glue(name, value, display=True):
    """Store ``value`` under ``name`` for the book's prose (``{glue:text}`name```).

    Uses ``myst_nb.glue`` when myst-nb is installed (the book build); elsewhere
    (e.g. Colab) it just shows ``value`` when ``display`` is true.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be an identifier-like string, got {name!r}")
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        if display:
            from IPython.display import display as show

            show(value)
        return
    myst_glue(name, value, display=display)
